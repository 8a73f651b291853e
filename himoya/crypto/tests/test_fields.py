import datetime

import pytest
from django.core.exceptions import FieldError
from django.db import models
from django.test.utils import isolate_apps

from himoya.crypto.fields import EncryptedCharField, encrypted_fields
from himoya.crypto.keys import blind_index

from .conftest import raw_row

NAME = "Зарина Ҷӯраева"
BORN = datetime.date(1998, 3, 14)


def make(model, **values):
    defaults = {"name": NAME, "notes": "Паспорт дар дасти корфармо", "born": BORN}
    defaults["contacts"] = {"phone": "+992 93 555 0101"}
    return model.objects.create(**{**defaults, **values})


@pytest.mark.django_db
class TestEncryptedFields:
    def test_raw_row_holds_no_plaintext(self, keyring, secret_model):
        obj = make(secret_model)
        row = raw_row(secret_model, obj.pk)
        raw = " ".join(str(v) for v in row.values())
        for plain in ("Зарина", "Ҷӯраева", "Паспорт", "1998", "555", "phone"):
            assert plain not in raw
        for column in ("name", "notes", "born", "contacts"):
            assert row[column].startswith("hx1:k1:")

    def test_values_read_back_with_their_types(self, keyring, secret_model):
        pk = make(secret_model).pk
        obj = secret_model.objects.get(pk=pk)
        assert obj.name == NAME
        assert obj.notes == "Паспорт дар дасти корфармо"
        assert obj.born == BORN
        assert obj.contacts == {"phone": "+992 93 555 0101"}

    def test_date_given_as_text_or_datetime_is_stored_as_a_date(self, keyring, secret_model):
        a = make(secret_model, born="2001-02-03")
        b = make(secret_model, born=datetime.datetime(2001, 2, 3, 10, 30))
        for obj in (a, b):
            assert secret_model.objects.get(pk=obj.pk).born == datetime.date(2001, 2, 3)

    def test_empty_values_stay_empty(self, keyring, secret_model):
        obj = secret_model.objects.create()
        row = raw_row(secret_model, obj.pk)
        assert row["name"] == "" and row["born"] is None
        fresh = secret_model.objects.get(pk=obj.pk)
        assert (fresh.name, fresh.born, fresh.contacts) == ("", None, {})
        assert secret_model.objects.filter(born__isnull=True).count() == 1

    def test_queryset_update_encrypts_too(self, keyring, secret_model):
        obj = make(secret_model)
        secret_model.objects.filter(pk=obj.pk).update(name="Фарангис")
        assert "Фарангис" not in raw_row(secret_model, obj.pk)["name"]
        assert secret_model.objects.get(pk=obj.pk).name == "Фарангис"

    def test_comparing_encrypted_values_is_refused(self, keyring, secret_model):
        with pytest.raises(FieldError):
            list(secret_model.objects.filter(name=NAME))
        with pytest.raises(FieldError):
            list(secret_model.objects.filter(name__icontains="Зарина"))

    def test_blind_index_finds_the_row_whatever_the_spelling(self, keyring, secret_model):
        obj = make(secret_model)
        make(secret_model, name="Someone else")
        wanted = blind_index("ЗАРИНА  Љӯраева", "crypto.secret.name")
        assert list(secret_model.objects.filter(name_index=wanted)) == [obj]

    def test_value_copied_into_another_column_does_not_open(self, keyring, secret_model):
        from django.db import connection

        obj = make(secret_model)
        table = secret_model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET notes = name WHERE id = %s", [obj.pk])
        from himoya.crypto.keys import DecryptionError

        with pytest.raises(DecryptionError):
            secret_model.objects.get(pk=obj.pk)

    def test_encrypted_fields_lists_the_encrypted_columns(self, secret_model):
        names = [f.name for f in encrypted_fields(secret_model)]
        assert names == ["name", "notes", "born", "contacts"]


@isolate_apps("himoya.crypto")
def test_unique_encrypted_field_fails_the_system_check():
    class Bad(models.Model):
        name = EncryptedCharField(unique=True)

        class Meta:
            app_label = "crypto"

        def __str__(self):
            return str(self.pk)

    errors = Bad._meta.get_field("name").check()
    assert [e.id for e in errors] == ["himoya.E001"]


@isolate_apps("himoya.crypto")
def test_context_argument_keeps_values_readable_after_a_rename():
    class Renamed(models.Model):
        surname = EncryptedCharField(context="crypto.old.name")

        class Meta:
            app_label = "crypto"

        def __str__(self):
            return str(self.pk)

    field = Renamed._meta.get_field("surname")
    assert field._context() == "crypto.old.name"
    assert field.deconstruct()[3]["context"] == "crypto.old.name"
