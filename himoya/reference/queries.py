"""Reference data beside the national register, for the same years and breakdown."""

import datetime

from django.db.models import Count, Q

from himoya.reference.models import Dataset, Record
from himoya.stats import engine, periods
from himoya.stats.indicators import INDICATORS

# Forms of exploitation as both sides can say them.
FORMS = (
    ("forced_labour", "ForcedLabour"),
    ("sexual_exploitation", "SexualExploitation"),
)
OTHER_NATIONAL = {
    "ChildLabour",
    "ForcedMarriage",
    "Servitude",
    "ForcedMilitaryByNonStateActors",
    "OrganRemoval",
    "ForcedBegging",
    "ForcedAdoption",
    "Surrogacy",
    "Other",
}


def reference_by_year_and_form(dataset: Dataset, citizenship: str, first: int, last: int):
    """{year: {form: records}} of the data set for persons of one citizenship."""
    records = Record.objects.filter(
        dataset=dataset, citizenship=citizenship, year__range=(first, last)
    )
    rows = records.values("year").annotate(
        total=Count("id"),
        forced_labour=Count("id", filter=Q(forced_labour=True)),
        sexual_exploitation=Count("id", filter=Q(sexual_exploitation=True)),
        other=Count("id", filter=Q(other_exploitation=True)),
    )
    return {r["year"]: r for r in rows}


def national_by_year_and_form(scope, citizenship: str, first: int, last: int):
    """{year: {form: persons}} of the national register, through the one engine."""
    period = periods.custom(datetime.date(first, 1, 1), datetime.date(last, 12, 31))
    indicator = INDICATORS["persons"]
    filters = {"citizenship": citizenship}
    totals = engine.compute(indicator, period, scope, ("year",), filters, compare=False)
    forms = engine.compute(
        indicator, period, scope, ("year", "exploitation_type"), filters, compare=False
    )
    out: dict[int, dict] = {}
    for cell in totals.cells:
        out.setdefault(int(cell.key[0]), {})["total"] = cell.current
    for cell in forms.cells:
        year, code = int(cell.key[0]), cell.key[1]
        row = out.setdefault(year, {})
        name = next((n for n, c in FORMS if c == code), "other" if code in OTHER_NATIONAL else "")
        if name:
            row[name] = row.get(name, 0) + cell.current
    return out
