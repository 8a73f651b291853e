"""Counts of hotline contacts for the statistics pages (one call or message = one contact).

Date ranges are inclusive, in Dushanbe time; an empty outcome means none was recorded.
Every count comes from the indicator engine (the "contacts" indicator).
"""

import datetime

from django.db.models import QuerySet, Sum

from himoya.hotline.models import HotlineContact
from himoya.stats import figures


def contacts_in(start: datetime.date, end: datetime.date, organisations=None) -> QuerySet:
    qs = HotlineContact.objects.filter(received_at__date__gte=start, received_at__date__lte=end)
    if organisations is not None:
        qs = qs.filter(organisation__in=organisations)
    return qs


def _by(field, start, end, organisations):
    found = figures.counts("contacts", (field,), start, end, organisations)
    return {k[0]: n for k, n in found.items()}


def contacts_by_topic(start, end, organisations=None) -> dict[str, int]:
    return _by("topic", start, end, organisations)


def contacts_by_outcome(start, end, organisations=None) -> dict[str, int]:
    return _by("outcome", start, end, organisations)


def contacts_by_caller_type(start, end, organisations=None) -> dict[str, int]:
    return _by("caller_type", start, end, organisations)


def contacts_by_channel(start, end, organisations=None) -> dict[str, int]:
    return _by("channel", start, end, organisations)


def contacts_by_region(start, end, organisations=None) -> dict[str, int]:
    return _by("region", start, end, organisations)


def contacts_by_topic_and_outcome(start, end, organisations=None) -> dict[tuple, int]:
    return figures.counts("contacts", ("topic", "outcome"), start, end, organisations)


def total_minutes(start, end, organisations=None) -> int:
    """Minutes on the line: a sum, not a count, so it is added up here."""
    return contacts_in(start, end, organisations).aggregate(m=Sum("duration_minutes"))["m"] or 0
