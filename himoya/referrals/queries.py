"""Figures on referrals for the statistics pages.

Counting unit: one referral (not one person). The period filters on the day a referral
was sent (`sent_at`, in the server's time zone); `organisations` limits to referrals sent
or received by those organisations (None: all). Small-cell suppression is the caller's
job (the stats app), as it is for every figure.
"""

import datetime
import statistics

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from himoya.referrals.models import Referral, ReferralService
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


def referrals_by(by: str, start=None, end=None, organisations=None) -> list[dict]:
    """Count referrals by `sender`, `receiver`, `service` or `outcome`.

    Rows: {"key", "label", "count"}, largest first. By service a referral asking for two
    services counts once under each. Outcome is the referral's status now; a referral to
    an organisation outside Himoya has receiver key "external".
    """
    qs = referrals_in(start, end, organisations)
    if by == "sender":
        rows = qs.values("from_organisation_id", "from_organisation__slug").annotate(n=Count("id"))
        return _sorted(
            {
                "key": r["from_organisation__slug"],
                "label": r["from_organisation__slug"],
                "count": r["n"],
            }
            for r in rows
        )
    if by == "receiver":
        rows = qs.values("to_organisation__slug").annotate(n=Count("id"))
        return _sorted(
            {
                "key": r["to_organisation__slug"] or "external",
                "label": r["to_organisation__slug"] or "external",
                "count": r["n"],
            }
            for r in rows
        )
    if by == "service":
        rows = (
            ReferralService.objects.filter(referral__in=qs)
            .values("service")
            .annotate(n=Count("referral_id", distinct=True))
        )
        return _sorted(
            {
                "key": r["service"],
                "label": registry.label("assistance_service", r["service"]),
                "count": r["n"],
            }
            for r in rows
        )
    if by == "outcome":
        labels = dict(Referral.Status.choices)
        rows = qs.values("status").annotate(n=Count("id"))
        return _sorted(
            {
                "key": r["status"],
                "label": str(labels.get(r["status"], r["status"])),
                "count": r["n"],
            }
            for r in rows
        )
    raise ValueError(f"unknown grouping {by!r}")


def _sorted(rows) -> list[dict]:
    return sorted(rows, key=lambda r: (-r["count"], r["key"] or ""))


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
    return {
        "median_hours": round(statistics.median(waits), 1) if waits else None,
        "accepted": len(waits),
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
    return [
        {"key": slug, "median_hours": round(statistics.median(w), 1), "accepted": len(w)}
        for slug, w in sorted(waits.items())
    ]
