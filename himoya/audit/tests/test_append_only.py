"""PostgreSQL itself refuses to change or remove audit events."""

import pytest
from django.db import DatabaseError, connection, transaction

from himoya.audit.actions import Action, record
from himoya.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org):
    return record(Action.VIEW_IDENTITY, organisation=org, object_type="cases.person", object_id=7)


def refused(run) -> str:
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
        run()
    return str(excinfo.value)


def test_raw_update_is_refused(event):
    def run():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET detail = 'x' WHERE id = %s", [event.pk])

    assert "append-only: UPDATE refused" in refused(run)
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_raw_delete_is_refused(event):
    def run():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])

    assert "append-only: DELETE refused" in refused(run)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_orm_update_is_refused(event):
    assert "UPDATE refused" in refused(
        lambda: AuditEvent.objects.filter(pk=event.pk).update(object_id="8")
    )

    def save_changed():
        event.object_id = "8"
        event.save()

    assert "UPDATE refused" in refused(save_changed)
    assert AuditEvent.objects.get(pk=event.pk).object_id == "7"


def test_orm_delete_is_refused(event):
    assert "DELETE refused" in refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    assert "DELETE refused" in refused(lambda: AuditEvent.objects.get(pk=event.pk).delete())
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_appending_still_works(event):
    second = record(Action.EXPORT, object_type="stats.table", object_id=1)
    assert second.prev_hash == event.hash


def test_truncate_stays_allowed_for_the_test_runner(event):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
    assert not AuditEvent.objects.exists()
