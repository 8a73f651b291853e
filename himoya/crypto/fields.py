"""Model fields whose values are stored encrypted (identity data).

The column holds text `hx1:<key id>:<base64url(nonce + ciphertext)>` (AES-256-GCM); the
model's label and the field name (or the field's `context=` argument) are the
associated data, so a value copied into another column or table fails to open. Renaming
the model or the field therefore needs `context="<old label>.<old name>"` to keep the
stored values readable.

Encrypted values cannot be compared, sorted or made unique in the database: only
`isnull` look-ups work, and the system check refuses `unique` and `db_index`. For exact
look-ups keep a blind index beside the field::

    family_name = EncryptedCharField(_("family name"))
    family_name_index = models.CharField(max_length=64, blank=True, db_index=True,
                                         editable=False)

    def refresh_blind_indexes(self):
        self.family_name_index = blind_index(self.family_name, "cases.person.family_name")
        return ["family_name_index"]

and look up with `Person.objects.filter(family_name_index=blind_index(text, ...))`.

`refresh_blind_indexes(self)` is the protocol `himoya rotate-field-key` relies on: it
sets every blind-index attribute from the (decrypted) values of the instance and returns
the names of the fields it set; the command calls it for every row and writes back only
the indexes that changed (a queryset update: no save(), no signals). A model that keeps
its indexes in another table (e.g. one row per name token) writes them itself and
returns None; the command runs it inside the row's batch transaction (rolled back on
`--dry-run`). Call it from `save()` or the model's actions as well.

An empty value ("" or None) is stored as it is, unencrypted: emptiness is not secret.
"""

import datetime
import json
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.db import models

from himoya.crypto import keys


class EncryptedMixin:
    """Encrypt on the way to the database, decrypt on the way back."""

    if TYPE_CHECKING:  # provided by the Field this is mixed into
        model: Any
        name: str
        attname: str

    def __init__(self, *args, context: str = "", **kwargs):
        self.context = context
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.context:
            kwargs["context"] = self.context
        return name, path, args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique, indexed or a primary key.",
                    hint="Keep a blind index (himoya.crypto.keys.blind_index) beside it.",
                    obj=self,
                    id="himoya.E001",
                )
            )
        return errors

    def db_type(self, connection):
        return "text"

    def get_internal_type(self):
        return "TextField"

    def _context(self) -> str:
        return self.context or f"{self.model._meta.label_lower}.{self.name}"

    def to_text(self, value) -> str:
        return str(value)

    def from_text(self, text: str):
        return text

    def is_empty(self, value) -> bool:
        return value is None or value == ""

    def get_prep_value(self, value):
        if self.is_empty(value):
            return None if self.null else ""
        return keys.encrypt(self.to_text(value), self._context())

    def get_db_prep_value(self, value, connection, prepared=False):
        # Skip the parent's adaptation (a date field would adapt the ciphertext as a date).
        return value if prepared else self.get_prep_value(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self.from_empty(value)
        return self.from_text(keys.decrypt(value, self._context()))

    def from_empty(self, value):
        return value

    def get_lookup(self, lookup_name):
        # Encrypted values cannot be compared; use a blind index for exact look-ups.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        return None


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedMixin, models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)


class EncryptedDateField(EncryptedMixin, models.DateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs["default"] = None
        super().__init__(*args, **kwargs)

    def to_text(self, value) -> str:
        return models.DateField.to_python(self, value).isoformat()

    def from_text(self, text: str):
        return datetime.date.fromisoformat(text)

    def from_empty(self, value):
        return None

    def get_prep_value(self, value):
        if self.is_empty(value):
            return None
        return keys.encrypt(self.to_text(value), self._context())

    def to_python(self, value):
        return models.DateField.to_python(self, value)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def to_text(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def from_text(self, text: str):
        return json.loads(text)

    def is_empty(self, value) -> bool:
        return value is None and self.null

    def from_empty(self, value):
        return None if value is None and self.null else {}

    def get_prep_value(self, value):
        if self.is_empty(value):
            return None
        return keys.encrypt(self.to_text(value if value is not None else {}), self._context())

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value


def encrypted_fields(model) -> list:
    """Return the model's own encrypted columns."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
