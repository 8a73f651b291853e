"""Check imported values against the vocabulary; report problems per row and field.

Problems are kept as (row, field, problem code, value) so that a report made by a
background job is shown in the language of whoever reads it, not of the worker.
"""

import datetime
import re
from dataclasses import asdict, dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from himoya.interop import fields as F
from himoya.vocab import registry

MESSAGES = {
    "not_in_list": _("“%(value)s” is not a value of the list “%(list)s”."),
    "bad_date": _("“%(value)s” is not a date (write it as YYYY-MM-DD)."),
    "bad_country": _("“%(value)s” is not an ISO 3166 country code."),
    "bad_bool": _("“%(value)s” is not yes or no."),
    "bad_year": _("“%(value)s” is not a year between 1900 and 2100."),
    "bad_flag": _("“%(value)s” is not 0 or 1."),
    "too_long": _("The text is longer than %(max)s characters."),
    "no_case": _("The row holds no case: only a name or other identity fields are filled in."),
}
# Values of identity fields never go into a report: it is stored with the job.
HIDDEN = "…"

YES = {"true", "yes", "1", "y", "да", "ҳа", "t"}
NO = {"false", "no", "0", "n", "нет", "не", "f"}
SPLIT = re.compile(r"[;,\s]+")
EMPTY: dict[str, object] = {
    F.TEXT: "",
    F.CODE: "",
    F.COUNTRY: "",
    F.CODES: [],
    F.DATE: None,
    F.YEAR: None,
    F.BOOL: None,
}


@dataclass
class RowError:
    row: int
    field: str
    problem: str
    value: str = ""
    extra: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def message(self) -> str:
        params = {"value": self.value, "list": self.extra, "max": self.extra}
        return gettext(str(MESSAGES[self.problem])) % params

    @property
    def field_label(self) -> str:
        return F.label(self.field)


def describe(error: dict) -> dict:
    """Return one stored problem with its field label and message in the active language."""
    e = RowError(**error)
    return {"row": e.row, "field": e.field, "field_label": e.field_label, "message": e.message}


def country_code(value: str) -> str | None:
    """Return the ISO alpha-2 code for a country's code (alpha-2, alpha-3) or name."""
    entry = registry.country_from_any(value)
    return entry.code if entry else None


def code_of(codelist: str, value: str) -> str | None:
    """Return the code a value stands for: the code itself, or a label in any language."""
    if registry.is_valid(codelist, value):
        return value
    entry = registry.find(codelist, value)
    return entry.code if entry else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def clean_value(field: F.Field, raw, row: int, errors: list[RowError]):
    """Return the clean value of one field, appending a RowError if it is not valid."""
    text = _text(raw)
    shown = HIDDEN if field.identity else text[:80]
    if text == "" or text == "-99":
        return [] if field.kind == F.CODES else EMPTY[field.kind]
    if field.kind == F.TEXT:
        if len(text) > field.max_length:
            errors.append(RowError(row, field.name, "too_long", "", str(field.max_length)))
        return text
    if field.kind == F.CODE:
        code = code_of(field.codelist, text)
        if code is not None:
            return code
        errors.append(RowError(row, field.name, "not_in_list", shown, str(field.label)))
        return ""
    if field.kind == F.CODES:
        parts = text.split(";") if ";" in text else SPLIT.split(text)
        found = {v.strip(): code_of(field.codelist, v.strip()) for v in parts if v.strip()}
        bad = [value for value, code in found.items() if code is None]
        if bad:
            errors.append(
                RowError(row, field.name, "not_in_list", " ".join(bad)[:80], str(field.label))
            )
        order = registry.codes(field.codelist)
        return sorted({c for c in found.values() if c}, key=order.index)
    if field.kind == F.COUNTRY:
        code = country_code(text)
        if code is None:
            errors.append(RowError(row, field.name, "bad_country", shown))
            return ""
        return code
    if field.kind == F.DATE:
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            errors.append(RowError(row, field.name, "bad_date", shown))
            return None
    if field.kind == F.BOOL:
        low = text.lower()
        if low in YES:
            return True
        if low in NO:
            return False
        errors.append(RowError(row, field.name, "bad_bool", shown))
        return None
    if field.kind == F.YEAR:
        try:
            year = int(float(text))
        except ValueError:
            year = 0
        if 1900 <= year <= 2100:
            return year
        errors.append(RowError(row, field.name, "bad_year", shown))
        return None
    raise ValueError(field.kind)


def clean_record(raw: dict, row: int, errors: list[RowError]) -> dict:
    """Return the canonical record for one row of HTCDS field names → raw values."""
    return {name: clean_value(F.BY_NAME[name], value, row, errors) for name, value in raw.items()}
