"""The chain is keyed (HMAC under HIMOYA_AUDIT_KEY) and anchored by signed checkpoints."""

import base64
import json
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command
from django.core.management.base import CommandError

from himoya.audit.actions import Action, record, verify_chain
from himoya.audit.checkpoints import read_checkpoints, write_checkpoint
from himoya.audit.models import GENESIS, AuditEvent, AuditHead, unkeyed_hash

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(org):
    return [
        record(Action.VIEW_IDENTITY, organisation=org, object_type="cases.person", object_id=n)
        for n in range(1, 7)
    ]


def recompute_unkeyed(tamper, *, edit_id=None, detail=None):
    """Do what a database superuser can: edit an event, then recompute the chain and its
    head with the hash function anyone can compute (no key)."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id"):
        if event.pk == edit_id:
            event.detail = detail
        event.prev_hash = prev
        event.hash = unkeyed_hash(event)
        tamper(
            "UPDATE {table} SET detail = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.detail, event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def test_hash_is_keyed_not_a_plain_hash(events):
    assert events[0].hash != unkeyed_hash(events[0])


def test_edit_with_the_unkeyed_chain_recomputed_is_detected(events, tamper):
    recompute_unkeyed(tamper, edit_id=events[2].pk, detail="nothing to see")
    report = verify_chain()
    # The first event already fails: none of the recomputed hashes carries the key.
    assert not report.ok and report.broken_id == events[0].pk
    assert "contents were changed" in report.reason
    with pytest.raises(CommandError, match=f"broken at event #{events[0].pk}"):
        call_command("audit", "verify")


def test_chain_recomputed_under_another_key_is_detected(events, tamper, settings):
    settings.AUDIT_KEY = "other:" + base64.urlsafe_b64encode(b"k" * 32).decode()
    forged = AuditEvent.objects.get(pk=events[3].pk)
    forged.detail = "rewritten"
    tamper(
        "UPDATE {table} SET detail = %s, hash = %s WHERE id = %s",
        [forged.detail, forged.compute_hash(), forged.pk],
    )
    settings.AUDIT_KEY = settings.DEV_AUDIT_KEY
    assert verify_chain().broken_id == events[3].pk


def test_checkpoint_is_a_signed_private_file_outside_the_database(events, settings, capsys):
    call_command("audit", "checkpoint")
    assert "6 events" in capsys.readouterr().out
    (path,) = list(settings.HIMOYA_AUDIT_CHECKPOINT_DIR.glob("checkpoint-*.json"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert (data["count"], data["last_id"], data["last_hash"]) == (
        6,
        events[-1].pk,
        events[-1].hash,
    )
    # Anyone holding only the public key can check it.
    call_command("audit", "checkpoint", "--public-key")
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(capsys.readouterr().out))
    signed = {k: data[k] for k in ("format", "count", "last_id", "last_hash", "at")}
    public.verify(base64.b64decode(data["signature"]), json.dumps(signed, sort_keys=True).encode())


def test_verify_compares_with_the_checkpoints(events, capsys):
    write_checkpoint()
    record(Action.LOGIN)
    write_checkpoint()
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "7 events" in out and "matches 2 signed checkpoints" in out


def test_truncated_log_is_detected_by_the_checkpoint(events, tamper):
    write_checkpoint()
    tamper("TRUNCATE {table}")
    AuditHead.objects.all().delete()
    report = verify_chain()
    assert not report.ok
    assert f"event #{events[-1].pk}" in report.reason and "truncated" in report.reason
    with pytest.raises(CommandError, match="does not match its checkpoints.*truncated"):
        call_command("audit", "verify")


def test_tail_cut_with_head_adjusted_is_detected_by_the_checkpoint(events, tamper):
    write_checkpoint()
    tamper("DELETE FROM {table} WHERE id >= %s", [events[4].pk])
    AuditHead.objects.filter(pk=1).update(last_hash=events[3].hash, count=4)
    assert verify_chain().ok is False


def test_forged_checkpoint_is_refused(events, settings):
    cp = write_checkpoint()
    data = json.loads(cp.path.read_text())
    data["count"] = 2
    cp.path.write_text(json.dumps(data))
    (read,) = read_checkpoints()
    assert not read.signed
    report = verify_chain()
    assert not report.ok and "valid signature" in report.reason


def test_rechain_moves_an_intact_unkeyed_chain_onto_the_key(events, tamper, capsys):
    recompute_unkeyed(tamper)  # as the chain was before it was keyed
    old_head = AuditHead.objects.get(pk=1).last_hash
    assert not verify_chain().ok
    call_command("audit", "rechain")
    assert "Re-keyed 6 events" in capsys.readouterr().out
    report = verify_chain()
    assert report.ok and report.checked == 7 and report.checkpoints == 1
    note = AuditEvent.objects.order_by("-id").first()
    assert note.object_type == "audit.chain" and old_head in note.detail


def test_rechain_refuses_a_broken_chain_and_changes_nothing(events, tamper):
    recompute_unkeyed(tamper)
    tamper("UPDATE {table} SET detail = 'edited' WHERE id = %s", [events[1].pk])
    before = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))
    with pytest.raises(CommandError, match=f"broken at event #{events[1].pk} already"):
        call_command("audit", "rechain")
    assert list(AuditEvent.objects.order_by("id").values_list("hash", flat=True)) == before


def test_unwritable_checkpoint_directory_is_a_clear_error(events, settings, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    settings.HIMOYA_AUDIT_CHECKPOINT_DIR = blocked / "checkpoints"
    with pytest.raises(CommandError, match="Cannot write to HIMOYA_AUDIT_CHECKPOINT_DIR"):
        call_command("audit", "checkpoint")
