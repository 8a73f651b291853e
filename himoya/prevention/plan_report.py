"""The quarterly plan-progress report: every activity, its status, indicators, spending."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from himoya.prevention.models import ActionPlan, Activity, PlanIndicator, ProgressReport
from himoya.prevention.plans import quarter_end


def rows(plan: ActionPlan, year: int, quarter: int) -> list[dict]:
    """One row per activity and indicator, with the quarter's report (if any)."""
    activities = (
        Activity.objects.filter(objective__goal__plan=plan)
        .select_related("objective__goal", "responsible")
        .prefetch_related("indicators")
        .order_by("objective__goal__number", "objective__number", "number")
    )
    reports = {
        r.activity_id: r
        for r in ProgressReport.objects.filter(
            activity__in=activities, year=year, quarter=quarter
        ).prefetch_related("values")
    }
    out = []
    for activity in activities:
        report = reports.get(activity.pk)
        values = {v.indicator_id: v for v in report.values.all()} if report else {}
        base = {
            "code": activity.code,
            "activity": activity.title,
            "responsible": activity.responsible.name,
            "due": activity.due_on,
            "status": report.get_progress_display() if report else _("Not reported"),
            "report": report.get_state_display() if report else "",
            "done": report.done if report else "",
            "spent": report.spent if report and report.spent is not None else None,
            "currency": activity.currency,
            "budget": activity.budget,
        }
        indicators: list[PlanIndicator | None] = [*activity.indicators.all()] or [None]
        for indicator in indicators:
            row = dict(base)
            if indicator is not None:
                value = values.get(indicator.pk)
                row |= {
                    "indicator": indicator.name,
                    "unit": indicator.get_unit_display(),
                    "baseline": indicator.baseline,
                    "target": indicator.targets.get(str(year)),
                    "value": value.value if value else None,
                    "source": _("Himoya statistics") if value and value.from_statistics else "",
                }
            out.append(row)
    return out


COLUMNS = [
    ("code", pgettext_lazy("number of an activity", "No.")),
    ("activity", gettext_lazy("Activity")),
    ("responsible", gettext_lazy("Responsible organisation")),
    ("due", gettext_lazy("Due")),
    ("status", gettext_lazy("Status")),
    ("report", gettext_lazy("Report")),
    ("done", gettext_lazy("What was done")),
    ("indicator", gettext_lazy("Indicator")),
    ("unit", gettext_lazy("Unit")),
    ("baseline", gettext_lazy("Baseline")),
    ("target", gettext_lazy("Target for the year")),
    ("value", gettext_lazy("Value in the quarter")),
    ("source", gettext_lazy("Source")),
    ("budget", gettext_lazy("Budget")),
    ("spent", gettext_lazy("Money spent")),
    ("currency", gettext_lazy("Currency")),
]


def quarter_xlsx(plan: ActionPlan, year: int, quarter: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Progress")[:31]
    ws.append([plan.title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(
        [
            _("Version %(n)s · %(status)s")
            % {"n": plan.version, "status": plan.get_status_display()},
        ]
    )
    ws.append(
        [
            _("Quarter %(q)s %(year)s (to %(end)s)")
            % {"q": quarter, "year": year, "end": quarter_end(year, quarter).isoformat()}
        ]
    )
    ws.append([_("Source: progress reports of the responsible organisations in Himoya.")])
    ws.append([])
    ws.append([str(title) for _key, title in COLUMNS])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows(plan, year, quarter):
        ws.append([_plain(row.get(key)) for key, _title in COLUMNS])
    widths = (8, 40, 28, 12, 14, 14, 40, 30, 12, 10, 12, 12, 16, 12, 12, 8)
    for col, width in zip("ABCDEFGHIJKLMNOP", widths, strict=True):
        ws.column_dimensions[col].width = width
    for line in ws.iter_rows(min_row=7):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _plain(value):
    """Numbers stay numbers; text that a spreadsheet would run as a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
