"""Case-list queries: filters and name search over blind-index tokens."""

from django.db.models import Count, QuerySet

from himoya.cases import codes
from himoya.cases.models import Case, PersonNameToken, name_token_hash
from himoya.cases.names import name_keys

PAGE_SIZE = 25


def search_by_name(cases: QuerySet, text: str) -> QuerySet:
    """Keep cases whose person has every word of `text` among their names, in any script."""
    hashes = {name_token_hash(key) for key in name_keys(text)}
    if not hashes:
        return cases.none()
    persons: QuerySet = PersonNameToken.objects.filter(token_hash__in=hashes)
    if len(hashes) > 1:
        # Persons holding every token: few, so the cases are found through their person.
        persons = (
            persons.values("person_id")
            .annotate(found=Count("token_hash", distinct=True))
            .filter(found=len(hashes))
        )
    return cases.filter(person_id__in=persons.values("person_id"))


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
    if f.get("age_group"):
        cases = cases.filter(age_group__in=codes.age_group_members(f["age_group"]))
    for name, column in (
        ("sex", "sex"),
        ("country", "exploitation_country"),
        ("region", "region_of_origin"),
    ):
        if f.get(name):
            cases = cases.filter(**{column: f[name]})
    if f.get("organisation"):
        cases = cases.filter(organisation_id=f["organisation"])
    if f.get("exploitation"):
        cases = cases.filter(exploitation_codes__contains=f"|{f['exploitation']}|")
    return cases


def case_page(cases: QuerySet, page: int, size: int = PAGE_SIZE) -> tuple[list, bool]:
    """Return one page of cases, newest first, and whether a next page exists.

    No total count: counting a million rows on every page view costs more than the page.
    """
    start = (max(page, 1) - 1) * size
    # Find the page's ids first (an index-only scan of a covering index), then the rows.
    ids = cases.order_by("-registered_on", "-id").values("id")[start : start + size + 1]
    rows = list(
        Case.objects.filter(pk__in=ids)
        .select_related("organisation")
        .order_by("-registered_on", "-id")
    )
    return rows[:size], len(rows) > size
