"""What `record` accepts: field names, never values of identity fields."""

import datetime

import pytest
from django.db import models
from django.test.utils import isolate_apps

from himoya.audit.actions import Action, record
from himoya.audit.models import AuditEvent
from himoya.crypto.fields import EncryptedCharField, EncryptedDateField

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    """An unsaved object of a model with identity fields (no table needed)."""
    with isolate_apps("himoya.crypto"):

        class Person(models.Model):
            family_name = EncryptedCharField()
            birth_date = EncryptedDateField()
            organisation_id = models.IntegerField(null=True)

            class Meta:
                app_label = "crypto"

            def __str__(self):
                return str(self.pk)

        yield Person(
            pk=41, family_name="Раҳимова", birth_date=datetime.date(1990, 5, 1), organisation_id=3
        )


def test_update_records_changed_field_names_only(person):
    event = record(Action.UPDATE, obj=person, fields=["family_name", "birth_date", "birth_date"])
    stored = AuditEvent.objects.values().get(pk=event.pk)
    assert stored["fields"] == ["birth_date", "family_name"]
    assert (stored["object_type"], stored["object_id"]) == ("crypto.person", "41")
    assert stored["organisation_id"] == 3
    flat = " ".join(str(v) for v in stored.values())
    assert "Раҳимова" not in flat and "1990" not in flat


@pytest.mark.parametrize("bad", ["Раҳимова", "family_name=Раҳимова", "1990-05-01", 5, ""])
def test_values_in_fields_are_refused(person, bad):
    with pytest.raises(ValueError, match="field names only"):
        record(Action.UPDATE, obj=person, fields=["family_name", bad])
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("detail", ["renamed to РАҲИМОВА", "born 1990-05-01"])
def test_identity_value_in_detail_is_refused(person, detail):
    with pytest.raises(ValueError, match="must not hold the value"):
        record(Action.UPDATE, obj=person, fields=["family_name"], detail=detail)
    assert not AuditEvent.objects.exists()


def test_dotted_field_paths_are_names(person):
    event = record(Action.UPDATE, obj=person, fields=["situation.means_of_control"])
    assert event.fields == ["situation.means_of_control"]


def test_anonymous_actor_is_not_stored(org):
    from django.contrib.auth.models import AnonymousUser

    event = record(Action.PERMISSION_DENIED, actor=AnonymousUser(), organisation=org)
    assert (event.actor_id, event.actor_name, event.organisation_id) == (None, "", org.pk)


@pytest.mark.parametrize("detail", ["validation failed", "case 1990", "status: identified"])
def test_detail_that_merely_contains_similar_text_is_accepted(person, detail):
    person.family_name = "Ali"
    assert record(Action.UPDATE, obj=person, fields=["family_name"], detail=detail).pk
