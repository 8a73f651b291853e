"""deploy/postgres-roles.sql: migrations as the owner; the application's role appends audit
rows but cannot change, delete, truncate or alter them, nor switch off their triggers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

PROJECT = Path(__file__).resolve().parents[3]

APPEND = """
from himoya.audit.actions import record
record("sign_in", detail="role test")
print("appended")
"""


def _url(user: str, password: str, db: str) -> str:
    s = connection.settings_dict
    return f"postgres://{user}:{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{db}"


def _himoya(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "himoya.settings_test"}
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=PROJECT, capture_output=True, text=True
    )


@pytest.mark.django_db
def test_the_application_role_appends_audit_rows_but_cannot_rewrite_or_truncate_them():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL roles")
    suffix = secrets.token_hex(4)
    owner, app, db = f"himoya_owner_{suffix}", f"himoya_app_{suffix}", f"himoya_roles_{suffix}"
    sql = (PROJECT / "deploy" / "postgres-roles.sql").read_text()
    sql = (
        sql.replace("himoya_owner", owner)
        .replace("himoya_app", app)
        .replace("'change-me-owner'", "'owner-pw'")
        .replace("'change-me-app'", "'app-pw'")
        .replace("DATABASE himoya ", f"DATABASE {db} ")
        .replace("\\connect himoya", f"\\connect {db}")
    )
    s = connection.settings_dict
    psql = ["psql", "-v", "ON_ERROR_STOP=1", "-h", s["HOST"] or "127.0.0.1"]
    psql += ["-p", str(s["PORT"] or 5432), "-U", s["USER"], "-d", "postgres"]
    superuser = _url(s["USER"], s["PASSWORD"] or "", "postgres")
    try:
        made = subprocess.run(psql, input=sql, capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        migrated = _himoya(_url(owner, "owner-pw", db), "-m", "himoya", "migrate", "-v0")
        assert migrated.returncode == 0, migrated.stderr[-2000:]
        appended = _himoya(
            _url(app, "app-pw", db), "-c", "import django; django.setup()\n" + APPEND
        )
        assert "appended" in appended.stdout, appended.stderr[-2000:]
        with psycopg.connect(_url(app, "app-pw", db), autocommit=True) as conn:
            assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] >= 1
            for statement in (
                "UPDATE audit_auditevent SET detail = 'rewritten'",
                "DELETE FROM audit_auditevent",
                "TRUNCATE audit_auditevent",
                "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
                "DROP TRIGGER audit_event_append_only ON audit_auditevent",
                "ALTER TABLE audit_auditevent ADD COLUMN x int",
                "DROP TABLE audit_auditevent",
            ):
                with pytest.raises(psycopg.Error):
                    conn.execute(statement)
            assert conn.execute(
                "SELECT count(*) FROM audit_auditevent WHERE detail = 'rewritten'"
            ).fetchone() == (0,)
    finally:
        with psycopg.connect(superuser, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{app}"')
            conn.execute(f'DROP ROLE IF EXISTS "{owner}"')
