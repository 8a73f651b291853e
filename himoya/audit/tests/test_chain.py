import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from himoya.audit.actions import Action, record, verify_chain
from himoya.audit.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(org):
    return [
        record(Action.CREATE, organisation=org, object_type="cases.case", object_id=n)
        for n in range(1, 6)
    ]


def test_each_event_carries_the_hash_of_the_one_before(events):
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert AuditHead.objects.get(pk=1).last_hash == events[-1].hash


def test_intact_chain_verifies(events, capsys):
    report = verify_chain()
    assert report.ok and report.checked == 5
    call_command("audit", "verify")
    assert f"5 events, head {events[-1].hash}" in capsys.readouterr().out


def test_tampered_event_is_named(events, tamper):
    tamper("UPDATE {table} SET detail = 'nothing happened' WHERE id = %s", [events[2].pk])
    report = verify_chain()
    assert (report.broken_id, report.checked) == (events[2].pk, 2)
    with pytest.raises(CommandError, match=f"broken at event #{events[2].pk}: its contents"):
        call_command("audit", "verify")


def test_tampered_event_with_recomputed_hash_breaks_the_next_link(events, tamper):
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.detail = "rewritten"
    tamper(
        "UPDATE {table} SET detail = %s, hash = %s WHERE id = %s",
        [forged.detail, forged.compute_hash(), forged.pk],
    )
    with pytest.raises(CommandError, match=f"broken at event #{events[2].pk}: it does not"):
        call_command("audit", "verify")


def test_deleted_event_in_the_middle_is_detected_at_the_next(events, tamper):
    tamper("DELETE FROM {table} WHERE id = %s", [events[2].pk])
    report = verify_chain()
    assert report.broken_id == events[3].pk
    assert "removed or inserted" in report.reason
    with pytest.raises(CommandError, match=f"#{events[3].pk}"):
        call_command("audit", "verify")


def test_missing_tail_is_detected(events, tamper):
    tamper("DELETE FROM {table} WHERE id >= %s", [events[3].pk])
    report = verify_chain()
    assert not report.ok and report.broken_id is None
    assert report.last_good_id == events[2].pk
    with pytest.raises(
        CommandError, match=f"after event #{events[2].pk}: 2 events are missing from the end"
    ):
        call_command("audit", "verify")


def test_first_event_removed_is_detected(events, tamper):
    tamper("DELETE FROM {table} WHERE id = %s", [events[0].pk])
    assert verify_chain().broken_id == events[1].pk


def test_anchor_noted_earlier_must_still_be_in_the_chain(events, tamper):
    anchor = events[1].hash
    call_command("audit", "verify", "--anchor", anchor)
    # Rewrite the whole history consistently (head included): only the anchor notices.
    tamper("TRUNCATE {table}")
    AuditHead.objects.filter(pk=1).delete()
    record(Action.CREATE, object_type="cases.case", object_id=1)
    assert verify_chain().ok
    with pytest.raises(CommandError, match="does not contain anchor"):
        call_command("audit", "verify", "--anchor", anchor)


def test_empty_log_verifies(capsys):
    call_command("audit", "verify")
    assert "Audit chain intact" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_console_command_exits_non_zero_on_a_broken_chain(tamper, settings):
    events = [record(Action.EXPORT, object_type="stats.table", object_id=n) for n in (1, 2)]
    db = connection.settings_dict
    login = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "himoya.settings_test",
        "DATABASE_URL": f"postgres://{login}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "HIMOYA_AUDIT_CHECKPOINT_DIR": str(settings.HIMOYA_AUDIT_CHECKPOINT_DIR),
    }
    command = [sys.executable, "-m", "himoya", "audit", "verify"]
    ok = subprocess.run(command, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    tamper("UPDATE {table} SET object_id = '99' WHERE id = %s", [events[0].pk])
    broken = subprocess.run(command, env=env, capture_output=True, text=True)
    assert broken.returncode == 1
    assert f"event #{events[0].pk}" in broken.stderr
