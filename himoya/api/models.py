"""Personal access tokens for the REST API, and webhook subscriptions with their deliveries.

A token is stored only as its SHA-256 hash: the token itself is shown once, when it is
issued. A token acts as one user (a member, or a system account made for it) inside one
organisation, and never beyond the parts and the access its scope names.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TOKEN_PREFIX = "hmy_"


def hash_token(raw: str) -> str:
    """Return the stored form of a token: a SHA-256 hex digest (tokens carry 256 bits)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class Part(models.TextChoices):
    """The parts of the API a token may reach."""

    CASES = "cases", _("Cases")
    PERSONS = "persons", _("Persons (identity with the right to see it)")
    SCREENINGS = "screenings", _("Screenings")
    REFERRALS = "referrals", _("Referrals")
    ASSISTANCE = "assistance", _("Services and follow-ups")
    PROCEEDINGS = "proceedings", _("Proceedings")
    DIRECTORY = "directory", _("Service directory")
    STATISTICS = "statistics", _("Statistics")


class ApiToken(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("for a person")
        SYSTEM = "system", _("for a system")

    class Access(models.TextChoices):
        READ = "read", _("read only")
        WRITE = "write", _("read and write")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)  # the first characters, to tell tokens apart
    access = models.CharField(_("access"), max_length=8, choices=Access.choices)
    parts = models.JSONField(_("parts of the API"), default=list)
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.hint}… ({self.name})"

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    def allows(self, part: str, write: bool) -> bool:
        return part in self.parts and (not write or self.access == self.Access.WRITE)


class Event(models.TextChoices):
    """What an organisation can subscribe to."""

    REFERRAL_RECEIVED = "referral.received", _("A referral was received")
    REFERRAL_ACCEPTED = "referral.accepted", _("A referral we sent was accepted")
    REFERRAL_DECLINED = "referral.declined", _("A referral we sent was declined")
    REFERRAL_OVERDUE = "referral.overdue", _("A referral waits for an answer too long")
    CASE_STATUS_DECIDED = "case.status_decided", _("A status decision on our case")
    FOLLOW_UP_DUE = "follow_up.due", _("A follow-up is due")
    SUBMISSION_WAITING = "submission.waiting", _("A submission waits for review")


class WebhookSubscription(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(pgettext_lazy("webhook", "events"), default=list)
    secret = models.TextField()  # encrypted under the field key (himoya.crypto.keys)
    is_active = models.BooleanField(_("active"), default=True)
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)
    paused_reason = models.CharField(_("why paused"), max_length=300, blank=True)
    failures_in_a_row = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """Something that happened to an organisation; delivered to each of its subscriptions."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    type = models.CharField(max_length=40, choices=Event.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField()

    class Meta:
        constraints = [
            # Events found by a sweep (overdue, due) are emitted once per object.
            models.UniqueConstraint(
                fields=["organisation", "type", "object_type", "object_id"],
                condition=models.Q(type__in=["referral.overdue", "follow_up.due"]),
                name="api_event_once_per_object",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_type}:{self.object_id}"


class WebhookDelivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"


class WebhookAttempt(models.Model):
    """One try to deliver: the answer (status and the beginning of the body), or the error."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"
