"""Case-list queries: filters and name search over blind-index tokens."""

from django.db.models import Prefetch, QuerySet

from himoya.cases import codes
from himoya.cases.models import CaseCode, PersonNameToken, name_token_hash
from himoya.cases.names import name_keys

PAGE_SIZE = 25


def search_by_name(cases: QuerySet, text: str) -> QuerySet:
    """Keep cases whose person has every word of `text` among their names, in any script."""
    keys = name_keys(text)
    if not keys:
        return cases.none()
    for key in sorted(keys):
        persons = PersonNameToken.objects.filter(token_hash=name_token_hash(key))
        cases = cases.filter(person_id__in=persons.values("person_id"))
    return cases


def filter_cases(cases: QuerySet, f: dict) -> QuerySet:
    """Apply the case-list filters (cleaned data of CaseFilterForm)."""
    if f.get("q"):
        cases = search_by_name(cases, f["q"])
    if f.get("status"):
        cases = cases.filter(trafficking_status=f["status"])
    if f.get("open") == "open":
        cases = cases.filter(case_status__in=codes.OPEN_STATUSES)
    elif f.get("open") == "closed":
        cases = cases.filter(case_status__in=codes.CLOSED_STATUSES)
    if f.get("registered_from"):
        cases = cases.filter(registered_on__gte=f["registered_from"])
    if f.get("registered_to"):
        cases = cases.filter(registered_on__lte=f["registered_to"])
    for name, column in (
        ("sex", "sex"),
        ("age_group", "age_group"),
        ("country", "exploitation_country"),
        ("region", "region_of_origin"),
    ):
        if f.get(name):
            cases = cases.filter(**{column: f[name]})
    if f.get("organisation"):
        cases = cases.filter(organisation_id=f["organisation"])
    if f.get("exploitation"):
        cases = cases.filter(
            pk__in=CaseCode.objects.filter(
                field=CaseCode.Field.EXPLOITATION_TYPES, code=f["exploitation"]
            ).values("case_id")
        )
    return cases


def case_page(cases: QuerySet, page: int, size: int = PAGE_SIZE) -> tuple[list, bool]:
    """Return one page of cases, newest first, and whether a next page exists.

    No total count: counting a million rows on every page view costs more than the page.
    """
    start = (max(page, 1) - 1) * size
    rows = list(
        cases.select_related("organisation")
        .prefetch_related(
            Prefetch(
                "codes",
                queryset=CaseCode.objects.filter(field=CaseCode.Field.EXPLOITATION_TYPES),
                to_attr="exploitation_codes",
            )
        )
        .order_by("-registered_on", "-id")[start : start + size + 1]
    )
    return rows[:size], len(rows) > size
