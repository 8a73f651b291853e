from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.access import policy, roles
from himoya.audit.actions import Action, record
from himoya.core import jobs
from himoya.stats import dashboard as dash
from himoya.stats import engine, exports, periods, protection, reports
from himoya.stats.forms import PeriodForm
from himoya.stats.indicators import INDICATORS, UNITS

STATS_PERMS = (roles.VIEW_STATS_NATIONAL, roles.VIEW_STATS_ORG)


def _require_stats(request):
    if not any(policy.has_perm(request.user, p) for p in STATS_PERMS):
        policy.require(request.user, roles.VIEW_STATS_ORG, request=request)


def _organisation(request):
    """The organisation a national user narrowed the figures to (?org=slug), if any."""
    slug = request.GET.get("org")
    if not slug:
        return None
    from himoya.organisations.models import Organisation

    if policy.has_perm(request.user, roles.VIEW_STATS_NATIONAL):
        return policy.get_or_404(Organisation.objects.all(), slug=slug)
    return policy.get_or_404(policy.organisations_visible_to(request.user), slug=slug)


def _audit_exact_use(request, scope, what: str) -> None:
    """Write down each use of the exact-figures grant: exact figures across organisations."""
    if scope.protected or scope.org_ids is not None:
        return
    if not policy.has_perm(request.user, roles.VIEW_STATS_EXACT):
        return
    record(
        Action.EXPORT,
        actor=request.user,
        object_type="stats.exact_figures",
        object_id=what[:64],
        detail=request.get_full_path()[:300],
        request=request,
    )


def _period_or_error(request):
    try:
        return periods.from_params(request.GET, timezone.localdate()), None
    except periods.PeriodError as error:
        return None, str(error)


@login_required
def dashboard(request):
    """The national (or organisation's) figures for a period, with charts and tables."""
    _require_stats(request)
    form = PeriodForm(request.GET or None)
    period, error = _period_or_error(request)
    org = _organisation(request)
    context = {"form": form, "error": error, "organisation": org}
    if period is not None:
        scope = engine.scope_for(request.user, org)
        _audit_exact_use(request, scope, "dashboard")
        context.update(dash.build(period, scope, request.user))
        context["period"] = period
        context["protection_method"] = protection.METHOD
        context["share_query"] = urlencode(
            {**period.as_params(), **({"org": org.slug} if org else {})}
        )
    return render(request, "stats/dashboard.html", context, status=400 if error else 200)


@login_required
def indicator_json(request, key):
    """The JSON endpoint: one indicator, any breakdown, for a period (same engine)."""
    _require_stats(request)
    indicator = INDICATORS.get(key)
    if indicator is None:
        return JsonResponse({"error": _("Unknown indicator.")}, status=404)
    period, error = _period_or_error(request)
    if error:
        return JsonResponse({"error": error}, status=400)
    by = tuple(b for b in request.GET.get("by", "").split(",") if b)
    try:
        for b in by:
            indicator.source.dimension(b)
    except KeyError:
        return JsonResponse({"error": _("Unknown breakdown.")}, status=400)
    scope = engine.scope_for(request.user, _organisation(request))
    _audit_exact_use(request, scope, f"api {key}")
    table = engine.compute(indicator, period, scope, by)
    return JsonResponse(dash.table_json(table), json_dumps_params={"ensure_ascii": False})


@login_required
def report_list(request):
    _require_stats(request)
    return render(
        request,
        "stats/report_list.html",
        {"reports": reports.reports().values(), "form": PeriodForm(request.GET or None)},
    )


@login_required
def report_detail(request, key):
    _require_stats(request)
    report = reports.reports().get(key)
    if report is None:
        return render(request, "404.html", status=404)
    period, error = _period_or_error(request)
    if error:
        return render(
            request,
            "stats/report_detail.html",
            {"report": report, "error": error, "form": PeriodForm(request.GET)},
            status=400,
        )
    scope = engine.scope_for(request.user, _organisation(request))
    _audit_exact_use(request, scope, f"report {key}")
    result = reports.build(report, period, scope, edition=request.GET.get("edition", ""))
    fmt = request.GET.get("format")
    if fmt in ("csv", "pdf"):
        record(
            Action.EXPORT,
            actor=request.user,
            object_type="stats.report",
            object_id=key,
            detail=f"{fmt} {period.label}",
            request=request,
        )
        if fmt == "csv":
            body, ctype = exports.to_csv(result), "text/csv; charset=utf-8"
        else:
            body, ctype = exports.to_pdf(result), "application/pdf"
        response = HttpResponse(body, content_type=ctype)
        name = f"himoya-{key}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "stats/report_detail.html",
        {
            "report": report,
            "result": result,
            "period": period,
            "form": PeriodForm(request.GET),
            "query": urlencode(request.GET),
            "tables": [
                (spec, table, dash.table_view(table, request.user)) for spec, table in result.tables
            ],
            "units": UNITS,
            "protection_method": protection.METHOD,
        },
    )


@login_required
@require_POST
def report_export(request, key):
    """Start the XLSX export of a report as a background job with progress."""
    _require_stats(request)
    if key not in reports.reports():
        return render(request, "404.html", status=404)
    period, error = _period_or_error(request)
    if error:
        messages.error(request, error)
        return redirect("stats_report", key=key)
    org = _organisation(request)
    job = jobs.start(
        "stats.report_xlsx",
        user=request.user,
        organisation=org,
        title=_("Report export: %(report)s, %(period)s")
        % {"report": reports.reports()[key].title, "period": period.label},
        report=key,
        period=period.as_params(),
        org=org.pk if org else None,
        edition=request.GET.get("edition", ""),
        language=request.LANGUAGE_CODE,
    )
    return redirect("job_detail", job_id=job.pk)
