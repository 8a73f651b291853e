import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from himoya.audit.models import AuditEvent
from himoya.crypto import rotation
from himoya.crypto.keys import blind_index, key_id_of

from .conftest import K1, K2, raw_row

pytestmark = pytest.mark.django_db

ENCRYPTED = ("name", "notes", "born", "contacts")


@pytest.fixture
def rows_under_k1(keyring, secret_model):
    keyring(K1)
    rows = [
        secret_model.objects.create(
            name=f"Шахс {n}", notes="эзоҳ", born=f"199{n}-01-0{n + 1}", contacts={"n": n}
        )
        for n in range(3)
    ]
    secret_model.objects.create()  # empty: only its JSON ({}) is encrypted
    return rows


@pytest.fixture
def only_secret_model(monkeypatch, secret_model):
    """Make the command see the test model as the project's only encrypted model."""
    monkeypatch.setattr(rotation, "models_with_encrypted_fields", lambda: [secret_model])


def test_rotation_moves_every_value_to_the_current_key(keyring, secret_model, rows_under_k1):
    keyring(K2, K1)
    (report,) = rotation.rotate([secret_model], batch_size=2)
    assert report.rows == 4
    assert report.old_values == {"k1": 13}
    assert report.reencrypted == 13
    for obj in rows_under_k1:
        row = raw_row(secret_model, obj.pk)
        assert {key_id_of(row[c]) for c in ENCRYPTED} == {"k2"}
    keyring(K2)  # the old key can go now
    names = sorted(o.name for o in secret_model.objects.all())
    assert names == ["", "Шахс 0", "Шахс 1", "Шахс 2"]
    assert secret_model.objects.get(pk=rows_under_k1[1].pk).contacts == {"n": 1}


def test_rotation_leaves_timestamps_alone(keyring, secret_model, rows_under_k1):
    before = secret_model.objects.get(pk=rows_under_k1[0].pk).updated_at
    keyring(K2, K1)
    rotation.rotate([secret_model])
    assert secret_model.objects.get(pk=rows_under_k1[0].pk).updated_at == before


def test_second_run_finds_nothing_to_do(keyring, secret_model, rows_under_k1):
    keyring(K2, K1)
    rotation.rotate([secret_model])
    raw_before = [raw_row(secret_model, o.pk) for o in rows_under_k1]
    (again,) = rotation.rotate([secret_model])
    assert (again.reencrypted, again.indexes_changed, again.stale) == (0, 0, 0)
    assert [raw_row(secret_model, o.pk) for o in rows_under_k1] == raw_before


def test_new_index_key_refreshes_blind_indexes(settings, keyring, secret_model, rows_under_k1):
    settings.INDEX_KEY = K2
    (report,) = rotation.rotate([secret_model])
    assert report.indexes_changed == 3  # the empty row's index stays ""
    found = secret_model.objects.get(name_index=blind_index("шахс 1", "crypto.secret.name"))
    assert found.pk == rows_under_k1[1].pk


def test_value_under_an_unlisted_key_stops_the_run_unchanged(keyring, secret_model, rows_under_k1):
    keyring(K2)
    with pytest.raises(rotation.RotationError, match="unknown key id 'k1'"):
        rotation.rotate([secret_model])
    assert key_id_of(raw_row(secret_model, rows_under_k1[0].pk)["name"]) == "k1"


def test_command_dry_run_counts_and_changes_nothing(
    keyring, secret_model, rows_under_k1, only_secret_model, capsys
):
    keyring(K2, K1)
    call_command("rotate-field-key", "--dry-run")
    out = capsys.readouterr().out
    assert "crypto.secret: 4 rows, 13 values under old keys (k1: 13)" in out
    assert key_id_of(raw_row(secret_model, rows_under_k1[0].pk)["name"]) == "k1"
    assert not AuditEvent.objects.filter(object_type="crypto.field_key").exists()


def test_command_rotates_prints_counts_and_audits(
    keyring, secret_model, rows_under_k1, only_secret_model, capsys
):
    keyring(K2, K1)
    call_command("rotate-field-key", "--batch-size", "1")
    out = capsys.readouterr().out
    assert "13 values re-encrypted under key k2" in out
    event = AuditEvent.objects.get(object_type="crypto.field_key")
    assert event.object_id == "k2" and "13 values" in event.detail
    call_command("rotate-field-key")
    assert "Done: 0 values re-encrypted" in capsys.readouterr().out


def test_command_names_an_unreadable_row(keyring, secret_model, rows_under_k1, only_secret_model):
    keyring(K2)
    with pytest.raises(CommandError, match=f"crypto.secret #{rows_under_k1[0].pk} field name"):
        call_command("rotate-field-key")


def test_new_field_key_prints_an_entry_that_works(settings, capsys):
    call_command("new-field-key", "2026-11")
    entry = capsys.readouterr().out.strip()
    assert entry.startswith("2026-11:")
    settings.FIELD_KEY = f"{entry},{K1}"
    from himoya.crypto.keys import decrypt, encrypt

    assert decrypt(encrypt("x", "c"), "c") == "x"
    with pytest.raises(CommandError):
        call_command("new-field-key", "bad id")


def test_index_table_kept_by_the_model_is_rebuilt_and_left_alone_on_dry_run(
    settings, keyring, tokened_models
):
    Holder, Token = tokened_models
    holder = Holder.objects.create(name="Ҳасан Ҷӯраев")
    holder.refresh_blind_indexes()
    old = set(Token.objects.values_list("digest", flat=True))
    settings.INDEX_KEY = K2
    (dry,) = rotation.rotate([Holder], dry_run=True)
    assert dry.rows_reindexed == 1
    assert set(Token.objects.values_list("digest", flat=True)) == old
    (report,) = rotation.rotate([Holder])
    assert report.rows_reindexed == 1
    wanted = blind_index("ҳасан", "crypto.holder.name")
    assert Token.objects.filter(digest=wanted, holder=holder).exists()
    assert not Token.objects.filter(digest__in=old).exists()
