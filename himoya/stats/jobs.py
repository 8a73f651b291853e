"""Background jobs of the statistics app."""

from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from himoya.audit.actions import Action, record
from himoya.core.jobs import job


@job("stats.report_xlsx")
def report_xlsx(row, progress, *, report, period, org, edition, language):
    from django.http import QueryDict

    from himoya.stats import engine, exports, periods, reports

    with translation.override(language):
        q = QueryDict(mutable=True)
        q.update(period)
        p = periods.from_params(q, timezone.localdate())
        scope = engine.scope_for(row.user, org)
        spec = reports.reports()[report]
        steps = len({t.indicator for t in spec.tables}) + len(spec.tables)
        progress(0, steps, _("Counting"))
        result = reports.build(
            spec,
            p,
            scope,
            edition=edition,
            progress=lambda n, total: progress(n, steps, _("Counting")),
        )
        done = len({t.indicator for t in spec.tables})
        body = exports.to_xlsx(
            result, progress=lambda n, total: progress(done + n, steps, _("Writing"))
        )
        name = f"himoya-{report}-{p.start:%Y%m%d}-{p.end:%Y%m%d}.xlsx"
        row.result_file.save(name, ContentFile(body), save=True)
        record(
            Action.EXPORT,
            actor=row.user,
            object_type="stats.report",
            object_id=report,
            detail=f"xlsx {p.label}" + (" exact" if not scope.protected else ""),
        )
        return {"summary": _("%(n)d tables") % {"n": len(result.tables)}}
