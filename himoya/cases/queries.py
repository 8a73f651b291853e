"""Case-list queries: filters, search by case number, and name search over blind-index
tokens (whole name words and their beginnings)."""

import re

from django.db import connection
from django.db.models import Count, QuerySet, Window
from django.db.models.expressions import RawSQL

from himoya.cases import codes
from himoya.cases.models import Case, PersonNameToken, name_prefix_hash, name_token_hash
from himoya.cases.names import name_keys

PAGE_SIZE = 25
MAX_PAGE = 100_000  # deeper than any list; keeps the offset a number the database takes

_REFERENCE = re.compile(r"^\s*#?\s*([A-Za-z][A-Za-z0-9]{0,15}-\d{4}-\d{1,10})\s*$")


def case_reference_in(text: str) -> str | None:
    """Return the case reference the text is ("mad-2026-00042" → "MAD-2026-00042"), or None."""
    match = _REFERENCE.match(text or "")
    return match.group(1).upper() if match else None


def _persons_with(key: str) -> set[int]:
    """Ids of persons with a name word that is, or begins with, `key`."""
    hashes = [name_token_hash(key), name_prefix_hash(key)]
    return set(
        PersonNameToken.objects.filter(token_hash__in=hashes).values_list("person_id", flat=True)
    )


def search_by_name(cases: QuerySet, text: str) -> QuerySet:
    """Keep cases whose person has, for every word of `text`, a name word that is or begins
    with it, in any script ("Саид" finds Саидова and Saidova).

    The persons are found first (one index range per word) and the cases then looked up by
    person: left to itself the planner walks every case newest first, or scans the table,
    and checks each against the tokens (200-600 ms at a million cases).
    """
    keys = sorted(name_keys(text))
    if not keys:
        return cases.none()
    persons = _persons_with(keys[0])
    for key in keys[1:]:
        persons &= _persons_with(key)
    if not persons:
        return cases.none()
    if connection.vendor == "postgresql":
        # One array parameter, however many persons (an IN list has a parameter limit).
        return cases.filter(person_id__in=RawSQL("SELECT unnest(%s::bigint[])", [sorted(persons)]))
    return cases.filter(person_id__in=sorted(persons))


def filter_cases(cases: QuerySet, f: dict) -> QuerySet:
    """Apply the case-list filters (cleaned data of CaseFilterForm)."""
    if f.get("q"):
        reference = case_reference_in(f["q"])
        if reference:
            cases = cases.filter(reference=reference)
        else:
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
    """Return one page of cases, newest first, and whether a next page exists."""
    start = (min(max(page, 1), MAX_PAGE) - 1) * size
    # Find the page's ids first (an index-only scan of a covering index), then the rows.
    ids = cases.order_by("-registered_on", "-id").values("id")[start : start + size + 1]
    rows = list(
        Case.objects.filter(pk__in=ids)
        .select_related("organisation")
        .order_by("-registered_on", "-id")
    )
    return rows[:size], len(rows) > size


def small_set_page(cases: QuerySet, page: int, size: int = PAGE_SIZE) -> tuple[list, bool, int]:
    """Return one page, whether a next one exists, and the total, in one pass over the
    matches: for a set already narrowed to known persons (a name search). The database
    counts the matches in the same query that picks the page (a window over the set), so
    no match travels to Python; the page's rows are then read by id."""
    start = (min(max(page, 1), MAX_PAGE) - 1) * size
    keys = list(
        cases.order_by("-registered_on", "-id")
        .annotate(total=Window(Count("*")))
        .values_list("id", "total")[start : start + size + 1]
    )
    total = keys[0][1] if keys else cases.count()
    rows = list(
        Case.objects.filter(pk__in=[pk for pk, _total in keys])
        .select_related("organisation")
        .order_by("-registered_on", "-id")
    )
    return rows[:size], len(rows) > size, total
