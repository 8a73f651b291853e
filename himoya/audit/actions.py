"""Write and check the audit log."""

from dataclasses import dataclass
from datetime import UTC

from django.db import transaction
from django.utils import timezone

from himoya.audit.models import GENESIS, AuditEvent, AuditHead

Action = AuditEvent.Action


def _client_ip(request) -> str:
    if request is None:
        return ""
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def record(
    action: str,
    *,
    actor=None,
    organisation=None,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    fields=(),
    detail: str = "",
    request=None,
) -> AuditEvent:
    """Append one event to the chain; never store values of identity fields, only names."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        if organisation is None:
            organisation = getattr(obj, "organisation", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            at=timezone.now().astimezone(UTC),
            actor=actor,
            actor_name=(actor.get_username() if actor else "")[:150],
            organisation_id=getattr(organisation, "pk", organisation),
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            fields=sorted(set(fields)),
            detail=detail[:300],
            ip=_client_ip(request),
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


def record_permission_denied(user, perm: str, organisation=None, *, request=None) -> None:
    record(
        Action.PERMISSION_DENIED,
        actor=user,
        organisation=organisation,
        detail=perm,
        object_type="path" if request is not None else "",
        object_id=(request.path[:64] if request is not None else ""),
        request=request,
    )


@dataclass
class ChainReport:
    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the chain in order and name the first event whose hash does not hold."""
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            return ChainReport(checked, event.pk, "previous hash does not match")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, "content does not match its hash")
        prev = event.hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.count != checked):
        return ChainReport(checked, -1, "events are missing from the end of the chain")
    return ChainReport(checked)
