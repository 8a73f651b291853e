from contextlib import contextmanager

import pytest
from django.db import connection

from himoya.audit.models import AuditEvent


@contextmanager
def append_only_lifted():
    """Let the test play the attacker: lift the trigger inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


@pytest.fixture
def tamper():
    """Run raw SQL against the audit table as someone with database access would."""

    def run(sql, params=()):
        with append_only_lifted(), connection.cursor() as cursor:
            cursor.execute(sql.replace("{table}", AuditEvent._meta.db_table), params)

    return run
