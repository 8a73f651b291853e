"""The code lists: HTCDS 2.0 picklists, countries, Tajikistan's regions and districts.

Data live in `data/*.json` (one file per source, each a mapping of list name to codes);
every code carries labels in tg, ru and en. Models, forms, importers, exporters, the CTDC
mapping and statistics labels read code lists from here and nowhere else.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.functional import lazy
from django.utils.translation import get_language

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
    entry = _lists()[name].get(code)
    return entry.label_in(lang) if entry else code


label_lazy = lazy(label, str)


def choices(name: str, blank: bool = False) -> list[tuple[str, str]]:
    """Return (code, label) pairs whose labels follow the active language when shown."""
    pairs = [(c, label_lazy(name, c)) for c in _lists()[name]]
    return [("", "—"), *pairs] if blank else pairs
