"""Model fields whose values are stored encrypted (identity data)."""

import datetime
import json

from django.db import models

from himoya.crypto import keys


class EncryptedMixin:
    """Encrypt on the way to the database, decrypt on the way back.

    The column holds text `hx1:<key id>:<nonce+ciphertext>`; the model's label and the
    field name are the associated data, so a value moved to another column fails to open.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "text"

    def get_internal_type(self):
        return "TextField"

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def to_text(self, value) -> str:
        return str(value)

    def from_text(self, text: str):
        return text

    def get_prep_value(self, value):
        if value is None or value == "":
            return "" if not self.null else None
        return keys.encrypt(self.to_text(value), self._context())

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.from_text(keys.decrypt(value, self._context()))

    def get_lookup(self, lookup_name):
        # Encrypted values cannot be compared; use a blind index for exact look-ups.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedMixin, models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "text"


class EncryptedDateField(EncryptedMixin, models.DateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs["default"] = None
        super().__init__(*args, **kwargs)

    def to_text(self, value) -> str:
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return value.isoformat()

    def from_text(self, text: str):
        return datetime.date.fromisoformat(text)

    def get_prep_value(self, value):
        if value in (None, ""):
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

    def get_prep_value(self, value):
        return keys.encrypt(self.to_text(value if value is not None else {}), self._context())

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value


def encrypted_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
