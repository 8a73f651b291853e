"""The audit log: an append-only chain of events.

Each event's hash covers its content and the previous event's hash, and the single
AuditHead row holds the last hash and the count, so `himoya audit verify` finds an event
changed, removed from the middle or cut from the end. On PostgreSQL a trigger refuses
UPDATE and DELETE on the table (migration 0003); TRUNCATE stays possible for the test
runner. Someone who can disable the trigger and rewrite the whole chain and its head is
caught only by an anchor: a head hash noted down elsewhere and later checked with
`himoya audit verify --anchor HASH`.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEvent(models.Model):
    """One append-only entry in the audit log, chained to the one before it by hash."""

    class Action(models.TextChoices):
        VIEW_IDENTITY = "view_identity", _("Viewed identity")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        EXPORT = "export", _("Exported")
        IMPORT = "import", _("Imported")
        LOGIN = "login", _("Signed in")
        LOGOUT = "logout", _("Signed out")
        FAILED_LOGIN = "failed_login", _("Failed sign-in")
        PERMISSION_DENIED = "permission_denied", _("Permission denied")
        STATUS_CHANGE = "status_change", _("Status changed")

    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    fields = models.JSONField(_("changed fields"), default=list, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def payload(self) -> dict:
        """Return the fields the hash covers, in a canonical form."""
        return {
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "organisation": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "fields": list(self.fields or []),
            "detail": self.detail,
            "ip": self.ip,
        }

    def compute_hash(self) -> str:
        body = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256((self.prev_hash + body).encode()).hexdigest()


class AuditHead(models.Model):
    """The single row that serialises appends to the chain (locked while appending)."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head after {self.count} events"
