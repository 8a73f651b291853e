"""A throw-away model with encrypted fields, created in the test's own transaction."""

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from himoya.crypto.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
)
from himoya.crypto.keys import blind_index, new_key_spec

K1 = new_key_spec("k1")
K2 = new_key_spec("k2")


@pytest.fixture
def keyring(settings):
    """Set HIMOYA_FIELD_KEY for the test: `keyring(K2, K1)` makes K2 current."""

    def use(*specs):
        settings.FIELD_KEY = ",".join(specs)

    use(K1)
    return use


@pytest.fixture
def secret_model(db):
    with isolate_apps("himoya.crypto"):

        class Secret(models.Model):
            name = EncryptedCharField()
            name_index = models.CharField(max_length=64, blank=True, editable=False)
            notes = EncryptedTextField()
            born = EncryptedDateField()
            contacts = EncryptedJSONField()
            updated_at = models.DateTimeField(auto_now=True)

            class Meta:
                app_label = "crypto"

            def __str__(self):
                return f"secret {self.pk}"

            def save(self, *args, **kwargs):
                self.refresh_blind_indexes()
                super().save(*args, **kwargs)

            def refresh_blind_indexes(self):
                self.name_index = blind_index(self.name, "crypto.secret.name")
                return ["name_index"]

        with connection.schema_editor() as editor:
            editor.create_model(Secret)
        yield Secret


def raw_row(model, pk) -> dict:
    """Read a row straight from the database, bypassing the fields' decryption."""
    columns = [f.column for f in model._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {model._meta.db_table} WHERE id = %s", [pk]
        )
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.fixture
def tokened_models(db):
    """A model that keeps its blind indexes in a table of its own (one row per token)."""
    with isolate_apps("himoya.crypto"):

        class Holder(models.Model):
            name = EncryptedCharField()

            class Meta:
                app_label = "crypto"

            def __str__(self):
                return f"holder {self.pk}"

            def refresh_blind_indexes(self):
                self.tokens.all().delete()
                Token.objects.bulk_create(
                    Token(holder=self, digest=blind_index(word, "crypto.holder.name"))
                    for word in self.name.split()
                )

        class Token(models.Model):
            holder = models.ForeignKey(Holder, on_delete=models.CASCADE, related_name="tokens")
            digest = models.CharField(max_length=64)

            class Meta:
                app_label = "crypto"

            def __str__(self):
                return self.digest

        with connection.schema_editor() as editor:
            editor.create_model(Holder)
            editor.create_model(Token)
        yield Holder, Token
