"""`himoya backup` and `himoya restore`: an encrypted, verified round trip."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.backups.archive import DATABASE, FILES, MANIFEST
from himoya.cases.actions import do_register_case
from himoya.crypto.files import identity_storage

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Зарина-Бекназарова"


def run(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "himoya", *args],
        cwd=settings.PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def empty_database():
    """A new, empty PostgreSQL database (as `createdb` makes it), dropped afterwards."""
    db = connection.settings_dict
    name = f"himoya_restore_{uuid.uuid4().hex[:10]}"
    admin = dict(host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None)
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    login = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    yield name, f"postgres://{login}@{db['HOST']}:{db['PORT']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def registered(org, make_user):
    caseworker = make_user(org, Role.CASEWORKER)
    case = do_register_case(org, acting_user=caseworker, person={"given_name": NAME})
    stored = identity_storage().save("consent-forms/2026/form.pdf", ContentFile(b"%PDF signed"))
    return case, stored


def test_backup_is_encrypted_and_verified(registered, tmp_path, capsys):
    call_command("backup", "--to", str(tmp_path / "backups"))
    assert "written and verified" in capsys.readouterr().out
    (folder,) = list((tmp_path / "backups").iterdir())
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    for name in (DATABASE, FILES):
        raw = (folder / name).read_bytes()
        assert raw.startswith(b"HXF1")
        # Neither pg_dump's custom-format header nor any table name is readable.
        assert b"PGDMP" not in raw and b"cases_person" not in raw and b"consent-forms" not in raw
        assert oct((folder / name).stat().st_mode & 0o777) == "0o600"
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["files"]["count"] == 1 and manifest["signature"]
    assert AuditEvent.objects.filter(object_type="backups.backup").exists()
    call_command("backup", "--verify", str(folder))


def test_damaged_backup_fails_verification(registered, tmp_path):
    call_command("backup", "--to", str(tmp_path))
    (folder,) = list(tmp_path.glob("himoya-*"))
    dump = folder / DATABASE
    raw = bytearray(dump.read_bytes())
    raw[len(raw) // 2] ^= 1
    dump.write_bytes(bytes(raw))
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("backup", "--verify", str(folder))
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["database"]["sha256"] = "0" * 64
    (folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="not signed with this audit key"):
        call_command("backup", "--verify", str(folder))


def restored_env(url: str, tmp_path) -> dict:
    """The environment of a process that works on the restored copy."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "himoya.settings_test",
        "DATABASE_URL": url,
        "HIMOYA_PRIVATE_ROOT": str(tmp_path / "restored-private"),
        "HIMOYA_AUDIT_CHECKPOINT_DIR": str(settings.HIMOYA_AUDIT_CHECKPOINT_DIR),
    }


def test_round_trip_into_an_empty_database_and_the_audit_chain_verifies(
    registered, tmp_path, empty_database
):
    case, stored = registered
    call_command("backup", "--to", str(tmp_path / "backups"))
    (folder,) = list((tmp_path / "backups").iterdir())
    name, url = empty_database
    env = restored_env(url, tmp_path)
    restored = run("restore", str(folder), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "1 files" in restored.stdout

    verified = run("audit", "verify", env=env)
    assert verified.returncode == 0, verified.stderr
    assert "Audit chain intact" in verified.stdout and "matches 1 signed" in verified.stdout

    script = (
        "import django; django.setup();"
        "from himoya.cases.models import Case;"
        "from himoya.crypto.files import identity_storage;"
        f"c = Case.objects.get(reference={case.reference!r});"
        "print(c.person.given_name);"
        f"print(identity_storage().open({stored!r}).read().decode())"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [NAME, "%PDF", "signed"]

    # A second restore over the restored copy is refused: never over a live database.
    again = run("restore", str(folder), env=env)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_restored_copy_whose_audit_log_was_emptied_fails_verify(
    registered, tmp_path, empty_database
):
    call_command("backup", "--to", str(tmp_path / "backups"))
    (folder,) = list((tmp_path / "backups").iterdir())
    name, url = empty_database
    env = restored_env(url, tmp_path)
    assert run("restore", str(folder), env=env).returncode == 0
    db = connection.settings_dict
    with psycopg.connect(
        dbname=name, host=db["HOST"], port=db["PORT"], user=db["USER"], autocommit=True
    ) as conn:
        conn.execute("TRUNCATE audit_auditevent, audit_audithead")
    verified = run("audit", "verify", env=env)
    assert verified.returncode == 1 and "truncated" in verified.stderr
    assert not list(Path(tmp_path / "restored-private").rglob("*.tmp"))
