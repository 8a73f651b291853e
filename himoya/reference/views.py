from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from himoya.access import policy, roles
from himoya.reference import queries
from himoya.reference.models import Dataset
from himoya.stats import engine, protection
from himoya.vocab import registry


def _int(value, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 1900 <= number <= 2100 else default


@login_required
def compare(request):
    """National figures beside a reference data set, same years, citizenship and forms."""
    if not policy.has_perm(request.user, roles.VIEW_STATS_ORG):
        policy.require(request.user, roles.VIEW_STATS_NATIONAL, request=request)
    datasets = Dataset.objects.all()
    dataset = datasets.filter(pk=_int(request.GET.get("dataset"), 0)).first() or datasets.first()
    citizenship = (request.GET.get("citizenship") or settings.HIMOYA_COUNTRY).upper()[:2]
    if not registry.is_valid("country", citizenship):
        citizenship = settings.HIMOYA_COUNTRY
    first = _int(request.GET.get("first"), 2002)
    last = max(first, _int(request.GET.get("last"), 2021))
    scope = engine.scope_for(request.user)
    rows = []
    if dataset is not None:
        ref = queries.reference_by_year_and_form(dataset, citizenship, first, last)
        nat = queries.national_by_year_and_form(scope, citizenship, first, last)
        for year in range(first, last + 1):
            r, n = ref.get(year, {}), nat.get(year, {})
            if r or n:
                rows.append({"year": year, "reference": r, "national": n})
    return render(
        request,
        "reference/compare.html",
        {
            "datasets": datasets,
            "dataset": dataset,
            "citizenship": citizenship,
            "citizenship_label": registry.label("country", citizenship),
            "countries": registry.choices("country"),
            "first": first,
            "last": last,
            "rows": rows,
            "protected": scope.protected,
            "protection_method": protection.METHOD,
        },
    )
