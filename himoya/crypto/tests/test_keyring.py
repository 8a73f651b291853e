"""rotate-field-key writes under a new key only when every running process can read it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from himoya.core.models import KeyringReport
from himoya.crypto import keyring as process_keys
from himoya.crypto.keys import key_id_of

from . import test_rotation
from .conftest import K1, K2, raw_row

# The rotation tests' fixtures: rows under k1, and the rotation limited to their model.
rows_under_k1 = test_rotation.rows_under_k1
only_secret_model = test_rotation.only_secret_model


def _report(process: str, key_ids: list[str], age_seconds: float = 0) -> None:
    KeyringReport.objects.update_or_create(
        process=process,
        defaults={"key_ids": key_ids, "seen_at": timezone.now() - timedelta(seconds=age_seconds)},
    )


def _key_ids_stored(secret_model) -> set[str]:
    return {
        key_id_of(raw_row(secret_model, pk)["name"])
        for pk in secret_model.objects.values_list("pk", flat=True)
    } - {None}  # rows without a name


def test_rotation_refuses_while_a_process_on_the_old_key_list_is_running(
    keyring, secret_model, rows_under_k1, only_secret_model
):
    _report("web1:101:web", ["k1"])  # started before the operator changed the list
    _report("web1:102:web", ["k2", "k1"])
    keyring(K2, K1)
    with pytest.raises(CommandError, match="web1:101:web"):
        call_command("rotate-field-key")
    assert _key_ids_stored(secret_model) == {"k1"}  # nothing written under k2
    _report("web1:101:web", ["k2", "k1"])  # restarted with the new list
    call_command("rotate-field-key")
    assert _key_ids_stored(secret_model) == {"k2"}


def test_a_process_not_seen_within_the_window_does_not_block_and_force_overrides(
    settings, keyring, secret_model, rows_under_k1, only_secret_model
):
    settings.HIMOYA_KEYRING_WINDOW_SECONDS = 600
    _report("old-host:7:worker", ["k1"], age_seconds=601)
    keyring(K2, K1)
    assert process_keys.processes_missing("k2") == []
    _report("old-host:8:worker", ["k1"])
    with pytest.raises(CommandError):
        call_command("rotate-field-key")
    call_command("rotate-field-key", "--force")
    assert _key_ids_stored(secret_model) == {"k2"}


@pytest.mark.django_db
def test_a_web_process_reports_its_key_ids_once_a_minute_and_never_a_key(client, settings, keyring):
    settings.HIMOYA_KEYRING_REPORTS = True
    process_keys._LAST["at"] = 0.0
    keyring(K2, K1)
    client.get("/accounts/login/")
    client.get("/accounts/login/")
    (row,) = KeyringReport.objects.all()
    assert row.key_ids == ["k2", "k1"] and row.process.endswith(":web")
    assert K2.split(":")[1] not in str(row.key_ids)
