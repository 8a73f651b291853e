"""Counts of screenings and prevented cases for the statistics pages.

Every function takes a date range (inclusive, in Dushanbe time) and optionally a set of
organisations, and returns plain aggregates: no identities, no rows. The counting unit is
the screening (a person screened twice is counted twice) or the prevention contact.
"Outcome" is the responder's decision where there is one, else the rule's suggestion.
Every count comes from the indicator engine (himoya.stats), so these figures are the
dashboard's figures.
"""

import datetime

from django.db.models import QuerySet

from himoya.screening.models import Answer, Screening
from himoya.stats import figures


def screenings_in(start: datetime.date, end: datetime.date, organisations=None) -> QuerySet:
    qs = Screening.objects.filter(screened_at__date__gte=start, screened_at__date__lte=end)
    if organisations is not None:
        qs = qs.filter(organisation__in=organisations)
    return qs


def _counts(by, start, end, organisations, key="screenings", filters=None) -> dict:
    return figures.counts(key, by, start, end, organisations, filters)


def screenings_by_organisation(start, end, organisations=None) -> dict[int, int]:
    """Return {organisation id: screenings}."""
    return {k[0]: n for k, n in _counts(("organisation",), start, end, organisations).items()}


def screenings_by_region(start, end, organisations=None) -> dict[str, int]:
    """Return {tj_region code: screenings}."""
    return {k[0]: n for k, n in _counts(("region",), start, end, organisations).items()}


def screenings_by_outcome(start, end, organisations=None) -> dict[str, int]:
    """Return {screening_classification code: screenings}, by decision else suggestion."""
    return {k[0]: n for k, n in _counts(("outcome",), start, end, organisations).items()}


def screenings_by_organisation_and_outcome(
    start, end, organisations=None
) -> dict[tuple[int, str], int]:
    return _counts(("organisation", "outcome"), start, end, organisations)


def presumed_victims(start, end, organisations=None) -> int:
    """Screenings the responder decided were of a presumed victim."""
    return figures.total("presumed_by_screening", start, end, organisations)


def cases_opened_from_screenings(start, end, organisations=None) -> int:
    return figures.total("screenings", start, end, organisations, filters={"case__isnull": False})


def prevented_cases(start, end, organisations=None) -> int:
    """Prevention contacts counted as prevented cases."""
    return figures.total("prevented", start, end, organisations)


NEW_CASE_DAYS = 14


def new_cases_from_screenings(user, days: int = NEW_CASE_DAYS) -> list:
    """Screenings of the user's organisations that opened a case in the last `days` days,
    newest first, each with whether the person needed a safe place to stay that night."""
    from django.utils import timezone

    from himoya.access import policy, roles
    from himoya.screening import rule

    org_ids = policy.org_ids_with(user, roles.VIEW_CASE)
    if not org_ids:
        return []
    since = timezone.now() - datetime.timedelta(days=days)
    screenings = list(
        Screening.objects.filter(
            organisation_id__in=org_ids, case__isnull=False, case__created_at__gte=since
        )
        .select_related("case")
        .order_by("-case__created_at")[:10]
    )
    urgent = set(
        Answer.objects.filter(
            screening__in=screenings, indicator__code="safety_shelter", value=rule.YES
        ).values_list("screening_id", flat=True)
    )
    for s in screenings:
        s.needs_safe_place = s.pk in urgent  # type: ignore[attr-defined]
    return screenings
