"""The code lists: HTCDS 2.0 picklists, countries, Tajikistan's regions and districts.

Data live in `data/*.json` (one file per source, each a mapping of list name to codes);
every code carries labels in tg, ru and en. Models, forms, importers, exporters, the CTDC
mapping and statistics labels read code lists from here and nowhere else.
"""

import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.functional import lazy
from django.utils.translation import get_language

from himoya.core.text import search_fold

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGS = ("tg", "ru", "en")


@dataclass(frozen=True)
class Code:
    code: str
    labels: dict = field(hash=False, compare=False)
    parent: str = ""
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    def label_in(self, lang: str | None = None) -> str:
        lang = (lang or get_language() or "tg")[:2]
        return self.labels.get(lang) or self.labels.get("en") or self.code

    @property
    def label(self) -> str:
        return self.label_in()


@cache
def _lists() -> dict[str, dict[str, Code]]:
    lists: dict[str, dict[str, Code]] = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        for name, entries in json.loads(path.read_text(encoding="utf-8")).items():
            if name.startswith("_"):  # "_about" and other notes, not a code list
                continue
            lists[name] = {
                e["code"]: Code(
                    code=e["code"],
                    labels={k: e[k] for k in LANGS if e.get(k)},
                    parent=e.get("parent", ""),
                    extra={k: v for k, v in e.items() if k not in {*LANGS, "code", "parent"}},
                )
                for e in entries
            }
    return lists


def names() -> list[str]:
    return sorted(_lists())


def has(name: str) -> bool:
    """Tell whether the code list `name` is loaded."""
    return name in _lists()


def codelist(name: str) -> list[Code]:
    """Return the codes of a list, in the standard's order."""
    return list(_lists()[name].values())


def get(name: str, code: str) -> Code | None:
    return _lists()[name].get(code)


def is_valid(name: str, code: str) -> bool:
    return code in _lists()[name]


def codes(name: str) -> list[str]:
    return list(_lists()[name])


def label(name: str, code: str, lang: str | None = None) -> str:
    """Return the label of a code in `lang` (default: the active language)."""
    # A dictionary per list and language: pages show hundreds of labels.
    return _labels_in(name, (lang or get_language() or "tg")[:2]).get(code, code)


@cache
def _labels_in(name: str, lang: str) -> dict[str, str]:
    return dict(_choices_in(name, lang))


label_lazy = lazy(label, str)


def choices(
    name: str, blank: bool = False, *, top_level_only: bool = False
) -> list[tuple[str, str]]:
    """Return (code, label) pairs whose labels follow the active language when shown.

    `top_level_only` leaves out codes that have a parent (e.g. the tier 2 and 3 labour
    sectors of vic_ForcedLabourIndustry, the fine age bands of age_group).
    """
    pairs = [
        (c, label_lazy(name, c))
        for c, entry in _lists()[name].items()
        if not (top_level_only and entry.parent)
    ]
    return [("", "—"), *pairs] if blank else pairs


@cache
def _choices_in(name: str, lang: str) -> tuple[tuple[str, str], ...]:
    return tuple((c, entry.label_in(lang)) for c, entry in _lists()[name].items())


def choices_in(name: str, lang: str | None = None) -> tuple[tuple[str, str], ...]:
    """(code, label) pairs with plain labels in `lang` (default: active), made once per language.

    For forms built per request (a form's __init__), where the language is known: the lazy
    labels of `choices` are looked up again each time a page shows them.
    """
    return _choices_in(name, (lang or get_language() or "tg")[:2])


def sorted_choices(name: str, blank: bool = False, lang: str | None = None):
    """(code, label) pairs sorted by the label in `lang` (default: the active language).

    Labels are plain strings, so call this where the language is known (a form's __init__).
    """
    pairs = sorted(
        ((c.code, c.label_in(lang)) for c in codelist(name)), key=lambda p: search_fold(p[1])
    )
    return [("", "—"), *pairs] if blank else pairs


# Alphabetical order as each language's readers expect it (Python's code-point order puts
# Tajik ғ ӣ қ ӯ ҳ ҷ after я, and Russian ё after я).
ALPHABETS = {
    "tg": "абвгғдеёжзиӣйкқлмнопрстуӯфхҳчҷшъэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "en": "abcdefghijklmnopqrstuvwxyz",
}

# Countries a caseworker in Tajikistan picks most: home, then the migration corridors.
COMMON_COUNTRIES = ("TJ", "RU", "KZ", "TR", "AE", "UZ", "KG", "AF")


def collation_key(text: str, lang: str | None = None) -> tuple:
    """Sort key putting `text` in the alphabetical order of `lang` (default: active).

    Punctuation is ignored; a letter outside the alphabet sorts as its base letter
    (Å as A), so "Åland Islands" stands among the A's.
    """
    alphabet = ALPHABETS.get((lang or get_language() or "tg")[:2], ALPHABETS["en"])
    key = []
    for ch in str(text).casefold():
        if ch not in alphabet:
            ch = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isalnum())[:1]
        if ch:
            key.append((0, alphabet.index(ch)) if ch in alphabet else (1, ord(ch)))
    return tuple(key)


@cache
def _countries_sorted(lang: str) -> tuple[tuple[str, str], ...]:
    # The lists never change while the process runs (see _lists): sort once per language.
    return tuple(
        sorted(
            (
                (c.code, c.label_in(lang))
                for c in codelist("country")
                if c.code not in COMMON_COUNTRIES
            ),
            key=lambda pair: collation_key(pair[1], lang),
        )
    )


def country_choices(blank: bool = False, lang: str | None = None) -> list:
    """Countries grouped for a select: the most used first, then all others A to Z.

    Labels are plain strings in `lang` (default: the active language): call this where
    the language is known (a form's __init__).
    """
    from django.utils.translation import gettext

    lang = (lang or get_language() or "tg")[:2]
    common = [(code, label("country", code, lang)) for code in COMMON_COUNTRIES]
    rest = list(_countries_sorted(lang))
    grouped = [(gettext("Most used"), common), (gettext("All countries"), rest)]
    return [("", "—"), *grouped] if blank else grouped


# Hierarchies (parent codes): labour-sector tiers, age bands, districts of a region.


def children(name: str, code: str) -> list[Code]:
    """The codes one level below `code`, in list order."""
    return [c for c in _lists()[name].values() if c.parent == code]


def top_level(name: str) -> list[Code]:
    """The codes that have no parent."""
    return [c for c in _lists()[name].values() if not c.parent]


def root(name: str, code: str) -> str:
    """The top-level ancestor of a code (itself if it has no parent): for rolling tiers up."""
    seen = set()
    entry = _lists()[name].get(code)
    while entry and entry.parent and entry.code not in seen:
        seen.add(entry.code)
        code = entry.parent
        entry = _lists()[name].get(code)
    return code


# Finding a code from outside text (imports): code, label in any language, alias.


@cache
def _index(name: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for entry in _lists()[name].values():
        keys = [
            entry.code,
            *entry.labels.values(),
            *entry.extra.get("aliases", []),
            entry.extra.get("alpha3", ""),
        ]
        for key in keys:
            if key:
                index.setdefault(search_fold(str(key)), entry.code)
    return index


def find(name: str, text: str | None) -> Code | None:
    """The code whose code, label (tg/ru/en) or alias equals `text`, ignoring case and
    spacing and folding legacy Tajik glyphs; None if nothing matches."""
    if not text:
        return None
    code = _index(name).get(search_fold(str(text)))
    return _lists()[name][code] if code else None


# Countries (ISO 3166-1; code = alpha-2, extra alpha3 and numeric).


def country_from_alpha3(code: str | None) -> Code | None:
    """The country with this ISO alpha-3 code (any case), or None."""
    if not code:
        return None
    code = code.strip().upper()
    return next((c for c in _lists()["country"].values() if c.extra["alpha3"] == code), None)


def country_from_any(text: str | None) -> Code | None:
    """The country named by alpha-2, alpha-3, numeric code, or English/Russian/Tajik name
    (ISO short and official names included; case-insensitive); None if unknown."""
    if not text:
        return None
    text = str(text).strip()
    if text.isdigit():
        num = text.zfill(3)
        return next((c for c in _lists()["country"].values() if c.extra["numeric"] == num), None)
    return find("country", text)


# Demographics for statistics.


def age_group_for(age: int | None) -> str:
    """The fine age band (CTDC K-anon bands: "0-8", "9-17", … "48+") of an age in whole
    years; "unknown" when the age is not known."""
    if age is None or age < 0:
        return "unknown"
    for entry in _lists()["age_group"].values():
        low, high = entry.extra.get("min"), entry.extra.get("max")
        if entry.parent and low is not None and age >= low and (high is None or age <= high):
            return entry.code
    return "unknown"


def majority_for(age: int | None) -> str:
    """ "child" (under 18), "adult" (18 and older) or "unknown"."""
    band = age_group_for(age)
    return _lists()["age_group"][band].parent or "unknown"


def sex_from_gender(gender: str | None) -> str:
    """The clear-text `sex` code for an HTCDS prs_Gender code ("Masculine" → "male")."""
    for entry in _lists()["sex"].values():
        if gender and gender in entry.extra.get("prs_gender", []):
            return entry.code
    return "unknown"


def gender_from_sex(sex: str | None) -> str:
    """The HTCDS prs_Gender code for a `sex` code (the first of the mapped ones)."""
    entry = _lists()["sex"].get(sex or "unknown") or _lists()["sex"]["unknown"]
    return entry.extra["prs_gender"][0]


def sex_age_category(sex: str | None, age: int | None) -> str:
    """man / woman / boy / girl from a `sex` code and an age in years; "unknown" when
    either is unknown or the sex is neither male nor female."""
    majority = majority_for(age)
    for entry in _lists()["sex_age"].values():
        if entry.extra.get("sex") == sex and entry.extra.get("age_group") == majority:
            return entry.code
    return "unknown"
