"""The audit log: an append-only chain of events, keyed with a key outside the database.

Each event's hash is an HMAC (under HIMOYA_AUDIT_KEY, see `himoya.audit.keys`) of its
content and the previous event's hash, and the single AuditHead row holds the last hash
and the count, so `himoya audit verify` finds an event changed, removed from the middle
or cut from the end. On PostgreSQL a trigger refuses UPDATE and DELETE on the table
(migration 0003) and the application's role cannot lift it (deploy/postgres-roles.sql).
Someone who can still rewrite the table cannot recompute the keyed hashes; someone who
empties it, or rewrites the whole history, is caught by the signed checkpoints written
outside the database (`himoya audit checkpoint`, `himoya.audit.checkpoints`).

Events written before the chain was keyed were re-chained by migration 0004 (see
`himoya.audit.chain.rechain`).
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
        return payload_of(self)

    def compute_hash(self) -> str:
        """Return this event's keyed hash (HMAC under the audit key)."""
        return link_hash(self)


def payload_of(event) -> dict:
    """Return the fields of an event (or a migration's historical event) the hash covers."""
    return {
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "organisation": event.organisation_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "fields": list(event.fields or []),
        "detail": event.detail,
        "ip": event.ip,
    }


def _message(event) -> bytes:
    body = json.dumps(payload_of(event), sort_keys=True, ensure_ascii=False, default=str)
    return (event.prev_hash + body).encode()


def link_hash(event) -> str:
    """Return the keyed hash of an event: HMAC-SHA256 under the audit key."""
    from himoya.audit.keys import chain_mac

    return chain_mac(_message(event))


def unkeyed_hash(event) -> str:
    """Return the plain SHA-256 hash the chain used before it was keyed (re-chaining only)."""
    return hashlib.sha256(_message(event)).hexdigest()


class AuditHead(models.Model):
    """The single row that serialises appends to the chain (locked while appending).

    `base_*` describe where the chain starts: at GENESIS, or, after `himoya purge` removed
    events older than the audit retention period, after the last removed event (the purge
    event itself, keyed, names that base, so a base moved by hand does not verify).
    """

    last_hash = models.CharField(max_length=64, default=GENESIS)
    count = models.BigIntegerField(default=0)
    base_id = models.BigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default=GENESIS)
    base_count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head after {self.count} events"
