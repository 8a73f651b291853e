"""Who is locked out of signing in after repeated failures (django-axes' records).

A lock-out holds one account from one address (AXES_LOCKOUT_PARAMETERS): someone who
types wrong passwords for a colleague's name from their own machine does not keep the
colleague out. It lasts a minute at the limit and doubles with every further failure
from that address, up to an hour (`cool_off`, AXES_COOLOFF_TIME).
"""

import datetime
from collections.abc import Iterable

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

FIRST_COOL_OFF = datetime.timedelta(minutes=1)
MAX_COOL_OFF = datetime.timedelta(hours=1)


def cool_off_for(failures: int) -> datetime.timedelta:
    """Return how long `failures` failed sign-ins from one address keep an account locked."""
    extra = max(0, failures - settings.AXES_FAILURE_LIMIT)
    return min(FIRST_COOL_OFF * (2 ** min(extra, 12)), MAX_COOL_OFF)


def _failures(username: str, ip: str) -> int:
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=ip)
        .order_by("-failures_since_start")
        .values_list("failures_since_start", flat=True)
        .first()
    )
    return attempt or 0


def cool_off(request=None) -> datetime.timedelta:
    """AXES_COOLOFF_TIME: growing with this account's failures from this address."""
    if request is None:
        return MAX_COOL_OFF
    username = (getattr(request, "POST", None) or {}).get("username") or getattr(
        request, "axes_credentials", {}
    ).get("username", "")
    ip = getattr(request, "axes_ip_address", None)
    if not username or not ip:
        return MAX_COOL_OFF
    return cool_off_for(_failures(str(username), ip))


def _locked_attempts(usernames: list[str]):
    now = timezone.now()
    candidates = AccessAttempt.objects.filter(
        username__in=usernames,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=now - MAX_COOL_OFF,
    ).values_list("username", "failures_since_start", "attempt_time")
    return [
        (username, at)
        for username, failures, at in candidates
        if at >= now - cool_off_for(failures)
    ]


def locked_out_usernames(usernames: Iterable[str]) -> set[str]:
    """Return which of these user names are locked out right now (from any address)."""
    names = list(usernames)
    if not names:
        return set()
    return {username for username, _at in _locked_attempts(names)}


def is_locked_out(username: str) -> bool:
    return bool(locked_out_usernames([username]))
