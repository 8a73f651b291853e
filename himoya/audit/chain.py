"""Re-chaining: move events written under the unkeyed chain onto the keyed one.

What re-chaining can honestly vouch for: it first checks the old chain link by link and
refuses to go on if it is broken, then recomputes every hash under the audit key and
appends an event naming the old (unkeyed) head hash, so an anchor noted down before
stays traceable. It cannot tell whether somebody edited an event *and* recomputed the
unkeyed chain before the re-chaining: that was exactly the weakness of the unkeyed chain.
From the re-chaining on, such an edit is detected.

It runs as the database owner (migration 0004 calls it; so does `himoya audit rechain`),
because it lifts the append-only trigger for its own transaction.
"""

from django.db import transaction
from django.utils import timezone

from himoya.audit.models import GENESIS, link_hash, unkeyed_hash

TRIGGER = "audit_event_append_only"


class RechainError(Exception):
    """The chain to re-key is broken already: nothing was changed."""


def rechain(Event, Head, *, using: str = "default", batch_size: int = 2000) -> dict:
    """Re-key every event's hash; return counts and the old and new head hashes.

    `Event` and `Head` are the models (a migration passes its historical ones). Each
    event must hold under the unkeyed hash or, already, under the keyed one.
    """
    from django.db import connections

    connection = connections[using]
    with transaction.atomic(using=using):
        head, _ = Head.objects.using(using).select_for_update().get_or_create(pk=1)
        events = Event.objects.using(using).order_by("id")
        prev = head.base_hash or GENESIS
        checked = 0
        for event in events.iterator(chunk_size=batch_size):
            if event.prev_hash != prev or event.hash not in (
                unkeyed_hash(event),
                link_hash(event),
            ):
                raise RechainError(
                    f"The audit chain is broken at event #{event.pk} already; nothing was "
                    "re-keyed. Investigate before re-chaining."
                )
            prev = event.hash
            checked += 1
        if checked != head.count - head.base_count or prev != head.last_hash:
            raise RechainError(
                "The audit chain does not end where its head record says; nothing was "
                "re-keyed. Investigate before re-chaining."
            )
        old_head = prev
        postgres = connection.vendor == "postgresql"
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {Event._meta.db_table} DISABLE TRIGGER {TRIGGER}")
        prev = head.base_hash or GENESIS
        batch = []
        for event in events.iterator(chunk_size=batch_size):
            event.prev_hash = prev
            event.hash = link_hash(event)
            prev = event.hash
            batch.append(event)
            if len(batch) >= batch_size:
                Event.objects.using(using).bulk_update(batch, ["prev_hash", "hash"])
                batch = []
        if batch:
            Event.objects.using(using).bulk_update(batch, ["prev_hash", "hash"])
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {Event._meta.db_table} ENABLE TRIGGER {TRIGGER}")
        note = Event(
            at=timezone.now(),
            action="update",
            object_type="audit.chain",
            object_id="",
            fields=[],
            detail=f"re-keyed {checked} events; the unkeyed head was {old_head}",
            ip="",
            prev_hash=prev,
        )
        note.hash = link_hash(note)
        note.save(using=using, force_insert=True)
        head.last_hash = note.hash
        head.count = head.base_count + checked + 1
        head.save(using=using, update_fields=["last_hash", "count"])
    return {"events": checked, "old_head": old_head, "new_head": note.hash}
