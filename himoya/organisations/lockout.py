"""Who is locked out of signing in after repeated failures (django-axes' records)."""

from collections.abc import Iterable

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


def _locked_attempts():
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def locked_out_usernames(usernames: Iterable[str]) -> set[str]:
    """Return which of these user names are locked out right now."""
    names = list(usernames)
    if not names:
        return set()
    return set(_locked_attempts().filter(username__in=names).values_list("username", flat=True))


def is_locked_out(username: str) -> bool:
    return bool(locked_out_usernames([username]))
