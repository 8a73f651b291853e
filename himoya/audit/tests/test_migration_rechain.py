"""Migration 0004 re-chains events written under the unkeyed chain."""

import datetime
import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from himoya.audit.actions import verify_chain
from himoya.audit.models import AuditEvent

BEFORE = [("audit", "0003_refuse_update_delete")]
AFTER = [("audit", "0004_keyed_chain")]


def unkeyed(prev: str, at, n: int) -> str:
    body = {
        "at": at.isoformat(timespec="microseconds"),
        "actor": None,
        "actor_name": "",
        "organisation": None,
        "action": "login",
        "object_type": "",
        "object_id": str(n),
        "fields": [],
        "detail": "",
        "ip": "",
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev + text).encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_migration_rechains_an_intact_unkeyed_chain():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Event, Head = old.get_model("audit", "AuditEvent"), old.get_model("audit", "AuditHead")
        prev = "0" * 64
        at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        for n in range(3):
            digest = unkeyed(prev, at, n)
            Event.objects.create(
                at=at, action="login", object_id=str(n), prev_hash=prev, hash=digest
            )
            prev = digest
        Head.objects.update_or_create(pk=1, defaults={"last_hash": prev, "count": 3})
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    report = verify_chain()
    assert report.ok, report.reason
    assert report.checked == 4
    note = AuditEvent.objects.order_by("-id").first()
    assert note.object_type == "audit.chain" and prev in note.detail
