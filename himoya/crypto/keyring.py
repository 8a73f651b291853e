"""Who reads which field keys: the safe order of a key rotation.

Every web and worker process records the key ids it holds (`report`); `rotate-field-key`
writes under the new key only when every process seen in the last
HIMOYA_KEYRING_WINDOW_SECONDS can read it (`processes_missing`), so no process meets a
value it cannot decrypt.
"""

import os
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from himoya.crypto import keys

_LAST = {"at": 0.0}


def _process(kind: str) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{kind}"[:200]


def held_key_ids() -> list[str]:
    return [kid for kid, _key in keys.parse_keys(settings.FIELD_KEY)]


def report(kind: str, *, every_seconds: float = 0) -> None:
    """Record this process's key ids (at most once per `every_seconds`)."""
    from himoya.core.models import KeyringReport

    now = time.monotonic()
    if every_seconds and now - _LAST["at"] < every_seconds:
        return
    _LAST["at"] = now
    KeyringReport.objects.update_or_create(
        process=_process(kind), defaults={"key_ids": held_key_ids(), "seen_at": timezone.now()}
    )


def processes_missing(key_id: str) -> list[str]:
    """Processes seen lately that cannot read `key_id` (they need the new list and a restart)."""
    from himoya.core.models import KeyringReport

    since = timezone.now() - timedelta(seconds=settings.HIMOYA_KEYRING_WINDOW_SECONDS)
    return [
        r.process
        for r in KeyringReport.objects.filter(seen_at__gte=since).order_by("process")
        if key_id not in r.key_ids
    ]


class KeyringReportMiddleware:
    """Let a web process report its key ids when it starts serving, then once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.HIMOYA_KEYRING_REPORTS:
            return self.get_response(request)
        try:
            report("web", every_seconds=60)
        except Exception:  # noqa: BLE001 (a report must never cost a page)
            _LAST["at"] = time.monotonic()
        return self.get_response(request)
