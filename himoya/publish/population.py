"""The persons a release describes, as rows of publishable CTDC-layout values.

A person with several cases (in one organisation or, once linked, across several) is one
row: the latest case in the period describes them.
"""

import datetime

from django.db.models import BigIntegerField, Max
from django.db.models.functions import Coalesce

from himoya.cases.models import Case
from himoya.vocab import ctdc as mapping
from himoya.vocab import registry

BORDER_ALL, BORDER_CROSS, BORDER_INTERNAL = "all", "cross_border", "internal"


def cases_of(start: datetime.date, end: datetime.date, statuses: list[str], border: str):
    cases = Case.objects.filter(registered_on__range=(start, end))
    if statuses:
        cases = cases.filter(trafficking_status__in=statuses)
    if border == BORDER_CROSS:
        cases = cases.filter(is_cross_border=True)
    elif border == BORDER_INTERNAL:
        cases = cases.filter(is_cross_border=False)
    return cases


def _codes(text: str) -> set[str]:
    return {c for c in (text or "").split("|") if c}


def _majority(age: str) -> tuple[str | None, str | None]:
    if not age:
        return None, None
    entry = registry.get("age_group", age)
    if entry is not None and entry.parent:
        return age, entry.parent
    return None, age if age in ("child", "adult") else None


def rows(start, end, statuses, border, fields: list[str]) -> list[dict]:
    """One dict of `fields` per person (their latest case in the population)."""
    cases = cases_of(start, end, statuses, border)
    # One record per person: a person linked across organisations (national identity) too.
    latest = (
        cases.annotate(
            who=Coalesce("national_person_id", "person_id", output_field=BigIntegerField())
        )
        .values("who")
        .annotate(last=Max("id"))
        .values("last")
    )
    columns = (
        "registered_on",
        "sex",
        "age_group",
        "citizenship",
        "exploitation_country",
        "is_cross_border",
        "exploitation_codes",
        "labour_sector_codes",
    )
    cache: dict[tuple, dict] = {}
    out = []
    for values in Case.objects.filter(id__in=latest).values_list(*columns).iterator(5000):
        key = (values[0].year, *values[1:])
        row = cache.get(key)
        if row is None:
            full = _ctdc(*values)
            row = cache[key] = {f: full.get(f) for f in fields}
        out.append(row)
    return out


def _ctdc(registered_on, sex, age, citizenship, country, cross, exploitation, sectors) -> dict:
    band, majority = _majority(age)
    codes = {
        mapping.EXPLOITATION: _codes(exploitation),
        mapping.INDUSTRY: _codes(sectors),
    }
    values = {
        "year_of_registration": registered_on.year,
        "sex": sex or None,
        "age_group": band,
        "majority": majority,
        "citizenship": citizenship or None,
        "country_of_exploitation": country or None,
    }
    row = mapping.to_ctdc({k: v for k, v in codes.items() if v}, values)
    row["isCrossBorder"] = None if cross is None else int(cross)
    return row
