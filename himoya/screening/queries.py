"""Counts of screenings and prevented cases for the statistics pages.

Every function takes a date range (inclusive, in Dushanbe time) and optionally a set of
organisations, and returns plain aggregates: no identities, no rows. The counting unit is
the screening (a person screened twice is counted twice) or the prevention contact.
"Outcome" is the responder's decision where there is one, else the rule's suggestion.
"""

import datetime

from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from himoya.prevention.models import PreventionContact
from himoya.screening.models import Screening


def screenings_in(start: datetime.date, end: datetime.date, organisations=None) -> QuerySet:
    qs = Screening.objects.filter(screened_at__date__gte=start, screened_at__date__lte=end)
    if organisations is not None:
        qs = qs.filter(organisation__in=organisations)
    return qs


def _outcome():
    return Coalesce(NullIf(F("decision"), Value("")), F("suggested"))


def screenings_by_organisation(start, end, organisations=None) -> dict[int, int]:
    """Return {organisation id: screenings}."""
    rows = (
        screenings_in(start, end, organisations).values("organisation_id").annotate(n=Count("id"))
    )
    return {r["organisation_id"]: r["n"] for r in rows.order_by()}


def screenings_by_region(start, end, organisations=None) -> dict[str, int]:
    """Return {tj_region code: screenings}."""
    rows = screenings_in(start, end, organisations).values("region").annotate(n=Count("id"))
    return {r["region"]: r["n"] for r in rows.order_by()}


def screenings_by_outcome(start, end, organisations=None) -> dict[str, int]:
    """Return {screening_classification code: screenings}, by decision else suggestion."""
    rows = (
        screenings_in(start, end, organisations)
        .annotate(outcome=_outcome())
        .values("outcome")
        .annotate(n=Count("id"))
    )
    return {r["outcome"]: r["n"] for r in rows.order_by()}


def screenings_by_organisation_and_outcome(
    start, end, organisations=None
) -> dict[tuple[int, str], int]:
    rows = (
        screenings_in(start, end, organisations)
        .annotate(outcome=_outcome())
        .values("organisation_id", "outcome")
        .annotate(n=Count("id"))
    )
    return {(r["organisation_id"], r["outcome"]): r["n"] for r in rows.order_by()}


def presumed_victims(start, end, organisations=None) -> int:
    """Screenings the responder decided were of a presumed victim."""
    return screenings_in(start, end, organisations).filter(decision="presumed_victim").count()


def cases_opened_from_screenings(start, end, organisations=None) -> int:
    return screenings_in(start, end, organisations).filter(case__isnull=False).count()


def prevented_cases(start, end, organisations=None) -> int:
    """Prevention contacts counted as prevented cases."""
    qs = PreventionContact.objects.filter(
        contacted_on__gte=start, contacted_on__lte=end, counted_as_prevented=True
    )
    if organisations is not None:
        qs = qs.filter(organisation__in=organisations)
    return qs.count()
