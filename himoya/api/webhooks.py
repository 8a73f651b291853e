"""Tell subscribed organisations what happened, by signed HTTP POSTs.

`emit(organisation, "referral.received", referral)` records the event and a delivery per
subscription inside the caller's transaction; each delivery is posted by a background
task once the transaction commits. Payloads carry ids, types and times, never identities.

Signature: `X-Himoya-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with
the subscription's secret. A failed try is retried with exponential back-off; a
subscription whose deliveries keep failing is paused and its organisation's admins told.
"""

import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import default_task_backend, task

from himoya.api.models import (
    Event,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from himoya.crypto import keys

log = logging.getLogger(__name__)

# Stored untranslated; the webhooks page translates it for whoever reads it.
PAUSED_MESSAGE = gettext_noop(
    "Paused: the last deliveries all failed. Check the receiving address, then resume."
)


WEBHOOK_SECRET_CONTEXT = "api.webhook-secret"


def subscription_secret(sub: WebhookSubscription) -> str:
    """The subscription's signing secret, decrypted (it is stored under the field key)."""
    return keys.decrypt(sub.secret, WEBHOOK_SECRET_CONTEXT)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, tolerance: int = 300, now=None) -> bool:
    """Check a signature header as a receiver should (constant time, recent timestamp)."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def emit(organisation, event_type: str, obj, *, once: bool = False, **ids) -> WebhookEvent | None:
    """Record an event for `organisation` about `obj` and queue its deliveries.

    `ids` adds further ids (case=…, referral=…); never pass names or free text. With
    `once`, an event already emitted for this object is not emitted again.
    """
    if organisation is None:
        return None
    Event(event_type)  # only the declared events
    org_id = getattr(organisation, "pk", organisation)
    object_type = obj._meta.label_lower
    if (
        once
        and WebhookEvent.objects.filter(
            organisation_id=org_id, type=event_type, object_type=object_type, object_id=str(obj.pk)
        ).exists()
    ):
        return None
    now = timezone.now()
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "type": event_type,
        "occurred_at": now.isoformat(),
        "object": {"type": object_type, "id": obj.pk},
        "ids": {k: v for k, v in ids.items() if isinstance(v, int | str | None)},
    }
    event = WebhookEvent.objects.create(
        organisation_id=org_id,
        type=event_type,
        object_type=object_type,
        object_id=str(obj.pk),
        occurred_at=now,
        payload=payload,
    )
    subs = WebhookSubscription.objects.filter(organisation_id=org_id, is_active=True)
    for sub in subs:
        if event_type not in sub.events:
            continue
        delivery = WebhookDelivery.objects.create(subscription=sub, event=event)
        transaction.on_commit(partial(deliver.enqueue, delivery.pk))
    return event


def _post(url: str, body: bytes, headers: dict) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    timeout = settings.HIMOYA_WEBHOOK_TIMEOUT_SECONDS
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(500).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(500).decode("utf-8", "replace")


def attempt(delivery_id: int, now=None) -> WebhookDelivery:
    """Try to deliver once; on failure schedule the next try or give up and count it."""

    delivery = WebhookDelivery.objects.select_related("subscription", "event").get(pk=delivery_id)
    sub = delivery.subscription
    if delivery.state != WebhookDelivery.State.PENDING:
        return delivery
    if not sub.is_active:
        return delivery  # kept pending: resuming the subscription sends it
    body = json.dumps(delivery.event.payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Himoya-Webhooks/1",
        "X-Himoya-Event": delivery.event.type,
        "X-Himoya-Delivery": delivery.event.payload["id"],
        "X-Himoya-Signature": sign(subscription_secret(sub), timestamp, body),
    }
    started = time.monotonic()
    code, text, error = None, "", ""
    try:
        code, text = _post(sub.url, body, headers)
    except (OSError, ValueError) as exc:  # refused, timed out, bad address
        error = str(exc)[:300] or type(exc).__name__
    took = int((time.monotonic() - started) * 1000)
    now = now or timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=code,
        response=text[:500],
        error=error,
        duration_ms=took,
    )
    delivery.attempts += 1
    if code is not None and 200 <= code < 300:
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.save(update_fields=["state", "attempts", "delivered_at", "next_attempt_at"])
        WebhookSubscription.objects.filter(pk=sub.pk).update(failures_in_a_row=0)
        return delivery
    if delivery.attempts < settings.HIMOYA_WEBHOOK_ATTEMPTS:
        wait = settings.HIMOYA_WEBHOOK_BACKOFF_SECONDS * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = now + datetime.timedelta(seconds=wait)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
        if default_task_backend.supports_defer:
            deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
        return delivery
    delivery.state = WebhookDelivery.State.FAILED
    delivery.next_attempt_at = None
    delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
    _count_failure(sub)
    return delivery


def _count_failure(sub: WebhookSubscription) -> None:
    WebhookSubscription.objects.filter(pk=sub.pk).update(
        failures_in_a_row=F("failures_in_a_row") + 1
    )
    sub.refresh_from_db(fields=["failures_in_a_row", "is_active"])
    if sub.is_active and sub.failures_in_a_row >= settings.HIMOYA_WEBHOOK_PAUSE_AFTER:
        pause(sub)


def pause(sub: WebhookSubscription) -> None:
    """Stop sending to a subscription that keeps failing, and tell the organisation's admins."""
    from himoya.audit.actions import Action, record

    sub.is_active = False
    sub.paused_at = timezone.now()
    sub.paused_reason = PAUSED_MESSAGE
    sub.save(update_fields=["is_active", "paused_at", "paused_reason"])
    record(
        Action.STATUS_CHANGE,
        organisation=sub.organisation_id,
        obj=sub,
        fields=["is_active"],
        detail=f"paused after {sub.failures_in_a_row} failed deliveries",
    )
    _tell_admins(sub)


def _tell_admins(sub: WebhookSubscription) -> None:
    from django.core.mail import send_mail
    from django.utils import translation
    from django.utils.translation import gettext as _

    from himoya.access.roles import Role
    from himoya.organisations.models import Membership

    admins = Membership.objects.filter(
        organisation_id=sub.organisation_id, role=Role.ORG_ADMIN, is_active=True
    ).select_related("user")
    for m in admins:
        if not m.user.email:
            continue
        with translation.override(m.user.language or settings.LANGUAGE_CODE):
            send_mail(
                _("A webhook of your organisation was paused"),
                _(PAUSED_MESSAGE) + f"\n\n{sub.url}",
                None,
                [m.user.email],
                fail_silently=True,
            )


def retry_due(now=None) -> int:
    """Try again every pending delivery whose wait is over (for backends without deferral)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now, subscription__is_active=True
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        attempt(pk, now=now)
        count += 1
    return count


def sweep(now=None) -> int:
    """Emit the events found by time passing: referrals overdue, follow-ups due. Once each."""
    from himoya.assistance.models import FollowUp
    from himoya.referrals.models import Referral

    now = now or timezone.now()
    count = 0
    limit = now - datetime.timedelta(hours=settings.HIMOYA_REFERRAL_OVERDUE_HOURS)
    for referral in Referral.objects.filter(
        status=Referral.Status.SENT, sent_at__lt=limit, to_organisation__isnull=False
    ):
        with transaction.atomic():
            for org_id in (referral.from_organisation_id, referral.to_organisation_id):
                if emit(org_id, Event.REFERRAL_OVERDUE, referral, once=True, case=referral.case_id):
                    count += 1
    today = timezone.localdate(now)
    for follow_up in FollowUp.objects.filter(
        done_on__isnull=True, due_on__lte=today
    ).select_related("case"):
        with transaction.atomic():
            if emit(
                follow_up.case.organisation_id,
                Event.FOLLOW_UP_DUE,
                follow_up,
                once=True,
                case=follow_up.case_id,
                due_on=follow_up.due_on.isoformat(),
            ):
                count += 1
    return count


@task()
def deliver(delivery_id: int) -> None:
    attempt(delivery_id)
