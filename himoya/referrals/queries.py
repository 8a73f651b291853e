"""Figures on referrals for the statistics pages.

Counting unit: one referral (not one person); every count comes from the indicator
engine (the "referrals" indicator). The period filters on the day a referral
was sent (`sent_at`, in the server's time zone); `organisations` limits to referrals sent
or received by those organisations (None: all). Small-cell suppression is the caller's
job (the stats app), as it is for every figure.
"""

import datetime
import statistics

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from himoya.referrals.models import Referral
from himoya.stats import figures
from himoya.vocab import registry

ACCEPTED = (Referral.Status.ACCEPTED, Referral.Status.DELIVERED, Referral.Status.COMPLETED)


def referrals_in(
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    organisations=None,
) -> QuerySet:
    """Referrals sent from `start` to `end` (both days included)."""
    qs = Referral.objects.all()
    tz = timezone.get_current_timezone()
    if start is not None:
        qs = qs.filter(sent_at__gte=datetime.datetime.combine(start, datetime.time(), tz))
    if end is not None:
        after = end + datetime.timedelta(days=1)
        qs = qs.filter(sent_at__lt=datetime.datetime.combine(after, datetime.time(), tz))
    if organisations is not None:
        ids = list(organisations)
        qs = qs.filter(Q(from_organisation_id__in=ids) | Q(to_organisation_id__in=ids))
    return qs


def inbox(referrals: QuerySet, *, show="open", start=None, end=None, now=None) -> QuerySet:
    """Filter an inbox's referrals; those waiting for an answer first, newest first."""
    from django.conf import settings
    from django.db.models import Case, IntegerField, Value, When

    qs = referrals_in(start, end).filter(pk__in=referrals.values("pk"))
    if show == "open":
        qs = qs.filter(status__in=Referral.OPEN)
    elif show == "waiting":
        qs = qs.filter(status=Referral.Status.SENT)
    elif show == "accepted":
        qs = qs.filter(status=Referral.Status.ACCEPTED)
    elif show == "overdue":
        limit = (now or timezone.now()) - datetime.timedelta(
            hours=settings.HIMOYA_REFERRAL_OVERDUE_HOURS
        )
        qs = qs.filter(status=Referral.Status.SENT, sent_at__lt=limit)
    waiting_first = Case(
        When(status=Referral.Status.SENT, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        qs.select_related("from_organisation", "to_organisation", "case", "grant")
        .prefetch_related("services")
        .order_by(waiting_first, "-sent_at", "-pk")
    )


def _slugs(ids) -> dict:
    from himoya.organisations.models import Organisation

    return dict(Organisation.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "slug"))


def referrals_by(by: str, start=None, end=None, organisations=None) -> list[dict]:
    """Count referrals by `sender`, `receiver`, `service` or `outcome`.

    Rows: {"key", "label", "count"}, largest first. By service a referral asking for two
    services counts once under each. Outcome is the referral's status now; a referral to
    an organisation outside Himoya has receiver key "external".
    """
    dimension = {
        "sender": "organisation",
        "receiver": "receiver",
        "service": "service",
        "outcome": "referral_status",
    }.get(by)
    if dimension is None:
        raise ValueError(f"unknown grouping {by!r}")
    found = {
        k[0]: n
        for k, n in figures.counts("referrals", (dimension,), start, end, organisations).items()
    }
    if by in ("sender", "receiver"):
        slugs = _slugs(found)
        rows = []
        for org_id, n in found.items():
            key = slugs.get(org_id) or "external"
            rows.append({"key": key, "label": key, "count": n})
        return _sorted(rows)
    if by == "service":
        return _sorted(
            {"key": code, "label": registry.label("assistance_service", code), "count": n}
            for code, n in found.items()
            if code is not None
        )
    labels = dict(Referral.Status.choices)
    return _sorted(
        {"key": status, "label": str(labels.get(status, status)), "count": n}
        for status, n in found.items()
    )


def _sorted(rows) -> list[dict]:
    return sorted(rows, key=lambda r: (-r["count"], r["key"] or ""))


_ACCEPTED = {"status__in": list(ACCEPTED), "answered_at__isnull": False}


def median_hours_to_acceptance(start=None, end=None, organisations=None) -> dict:
    """Median hours from sending to acceptance, over referrals that were accepted.

    Returns {"median_hours": float | None, "accepted": n}; None when nothing was accepted.
    """
    waits = [
        (answered - sent).total_seconds() / 3600
        for sent, answered in referrals_in(start, end, organisations)
        .filter(status__in=ACCEPTED, answered_at__isnull=False)
        .values_list("sent_at", "answered_at")
    ]
    accepted = figures.total("referrals", start, end, organisations, _ACCEPTED)
    return {
        "median_hours": round(statistics.median(waits), 1) if waits else None,
        "accepted": accepted,
    }


def median_hours_to_acceptance_by_receiver(start=None, end=None, organisations=None) -> list:
    """The same median for each receiving organisation: [{"key", "median_hours", "accepted"}]."""
    waits: dict[str, list[float]] = {}
    rows = (
        referrals_in(start, end, organisations)
        .filter(status__in=ACCEPTED, answered_at__isnull=False)
        .annotate(wait=F("answered_at") - F("sent_at"))
        .values_list("to_organisation__slug", "wait")
    )
    for slug, wait in rows:
        waits.setdefault(slug, []).append(wait.total_seconds() / 3600)
    found = figures.counts("referrals", ("receiver",), start, end, organisations, _ACCEPTED)
    slugs = _slugs(k[0] for k in found)
    accepted = {slugs.get(k[0]): n for k, n in found.items()}
    return [
        {"key": slug, "median_hours": round(statistics.median(w), 1), "accepted": accepted[slug]}
        for slug, w in sorted(waits.items(), key=lambda kv: kv[0] or "")
    ]
