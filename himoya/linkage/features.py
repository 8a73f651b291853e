"""Comparison records: what the probabilistic linkage compares of one person, in memory only.

A record holds phonetic name keys (the same for Tajik Cyrillic, Russian and Latin spellings,
see `himoya.cases.names`), a surname stem without the endings that vary between spellings of
one family name (Раҳимов / Rahimova / Раҳимзода all give "rahim"), the sorted set of every
name key (so a swapped name order still meets), birth date and year, sex, region of origin,
and keyed hashes of document and phone numbers. Records are built from a decrypted Person
and never written anywhere in the clear; the generator builds them from plain fields.
"""

import re
from datetime import date

from himoya.cases.names import name_key, name_words
from himoya.crypto.keys import blind_index

DOCUMENT_PURPOSE = "linkage-document"
PHONE_PURPOSE = "linkage-phone"

# Endings that differ between spellings of one family name (on the phonetic key: "S" = sh).
# Longest first, so "ovna" goes before "ova" and "ov".
_ENDINGS = sorted(
    [
        "ovna", "ovich", "ovic", "evna", "evich", "evic",
        "zoda", "zada", "zade", "zod", "ova", "eva", "ov", "ev", "ieva", "iev", "i",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
STEM_MIN = 3  # an ending is only removed when this much of the name remains
_DIGITS = re.compile(r"\d+")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")

# The fields of a comparison record, in the order the engine's tables use.
COLUMNS = [
    "unique_id",
    "organisation",
    "first_key",
    "surname_key",
    "patronymic_key",
    "first_stem",
    "surname_stem",
    "name_keys",
    "dob",
    "birth_year",
    "sex",
    "region",
    "doc_hash",
    "phone_hash",
    "linkable",
]


def stem(key: str) -> str:
    """Return a name key without a family-name or patronymic ending ("rahimova" → "rahim")."""
    for ending in _ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= STEM_MIN:
            return key[: -len(ending)]
    return key


def _first_key(*names: str) -> str:
    """Return the key of the first usable word of the first name that has one ("" if none)."""
    for name in names:
        for word in name_words(name):
            key = name_key(word)
            if len(key) >= 2:
                return key
    return ""


def _number_hash(value: str, purpose: str) -> str | None:
    digits = _NOT_ALNUM.sub("", value or "").upper()
    return blind_index(digits, purpose) if len(digits) >= 5 else None


def age_in(approximate_age: str) -> int | None:
    """Return the age an approximate age states ("about 25" → 25, its first number)."""
    match = _DIGITS.search(approximate_age or "")
    return int(match.group()) if match else None


def birth_year(born: date | None, approximate_age: str, registered: date | None) -> int | None:
    """Return the year of birth, from the date or else from an approximate age when met."""
    if born is not None:
        return born.year
    age = age_in(approximate_age)
    if age is not None and registered is not None and 0 < age < 120:
        return registered.year - age
    return None


def record(
    unique_id: int,
    *,
    organisation: int,
    given: str = "",
    family: str = "",
    patronymic: str = "",
    given_latin: str = "",
    family_latin: str = "",
    patronymic_latin: str = "",
    born: date | None = None,
    approximate_age: str = "",
    registered: date | None = None,
    sex: str = "",
    region: str = "",
    document: str = "",
    phone: str = "",
) -> dict:
    """Return the comparison record of plain fields (the Cyrillic name first, else Latin)."""
    first = _first_key(given, given_latin)
    surname = _first_key(family, family_latin)
    patronymic_ = _first_key(patronymic, patronymic_latin)
    words = name_words(given, family, patronymic, given_latin, family_latin, patronymic_latin)
    keys = sorted({k for k in (name_key(w) for w in words) if len(k) >= 2})
    return {
        "unique_id": unique_id,
        "organisation": organisation,
        "first_key": first or None,
        "surname_key": surname or None,
        "patronymic_key": patronymic_ or None,
        "first_stem": stem(first) if first else None,
        "surname_stem": stem(surname) if surname else None,
        "name_keys": keys,
        "dob": born.isoformat() if born else None,
        "birth_year": birth_year(born, approximate_age, registered),
        "sex": sex or None,
        "region": region or None,
        "doc_hash": _number_hash(document, DOCUMENT_PURPOSE),
        "phone_hash": _number_hash(phone, PHONE_PURPOSE),
        "linkable": linkable(keys),
    }


def linkable(keys: list[str] | set[str]) -> bool:
    """Tell whether a record may be linked automatically: at least two name words.

    A person with no name in any script, or with only one name word, may still be proposed
    for review, never linked without an officer.
    """
    return len(set(keys)) >= 2


def person_record(person, registered: date | None = None) -> dict:
    """Return the comparison record of a Person (its identity decrypted in memory only)."""
    when = registered or getattr(person, "first_registered", None)
    if when is None and getattr(person, "created_at", None) is not None:
        when = person.created_at.date()
    return record(
        person.pk,
        organisation=person.organisation_id,
        given=person.given_name or "",
        family=person.family_name or "",
        patronymic=person.patronymic or "",
        given_latin=person.given_name_latin or "",
        family_latin=person.family_name_latin or "",
        patronymic_latin=person.patronymic_latin or "",
        born=person.date_of_birth,
        approximate_age=person.approximate_age or "",
        registered=when,
        sex=person.sex or "",
        region=person.region_of_origin or "",
        document=person.document_number or "",
        phone=person.phone or "",
    )
