"""Keep the tg, ru and en catalogues complete.

Every app has its own `locale/` folder, so each app's strings live beside its code;
strings of the project's shared templates live in `himoya/locale`.
"""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

LANGS = [code for code, _ in settings.LANGUAGES]
PACKAGE = Path(settings.BASE_DIR)
IGNORE = ["migrations/*", "tests/*", "test_*.py", "*/tests/*", "static/*"]


def extract(root: Path) -> None:
    """Run makemessages over the package rooted at `root` (its parent is the cwd)."""
    import os

    cwd = os.getcwd()
    os.chdir(root)
    try:
        call_command(
            "makemessages",
            locale=LANGS,
            no_obsolete=True,
            no_location=True,
            ignore_patterns=IGNORE,
            verbosity=0,
        )
    finally:
        os.chdir(cwd)


def catalogues(root: Path):
    return sorted(root.rglob("locale/*/LC_MESSAGES/django.po"))


def fill_english(po: polib.POFile) -> None:
    """English is the source language: its catalogue repeats the msgids."""
    for entry in po:
        fuzzy = "fuzzy" in entry.flags
        if entry.msgid_plural:
            if fuzzy or not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        elif fuzzy or not entry.msgstr:
            entry.msgstr = entry.msgid
        if fuzzy:
            # A guess from a similar string: for English the msgid itself is right.
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None


def plural_count(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def problems(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    forms = plural_count(po)
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"{po_path}: fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            found.append(f"{po_path}: untranslated: {entry.msgid!r}")
        elif entry.msgid_plural and (sum(1 for v in entry.msgstr_plural.values() if v) < forms):
            # A missing form falls back to another language's catalogue at run time.
            found.append(f"{po_path}: needs {forms} plural forms: {entry.msgid!r}")
    return found


def update() -> list[Path]:
    """Extract strings, fill the English catalogue, compile every catalogue."""
    extract(PACKAGE)
    paths = catalogues(PACKAGE)
    for path in paths:
        po = polib.pofile(str(path))
        if path.parts[-3] == "en":
            fill_english(po)
        po.metadata.pop("POT-Creation-Date", None)
        po.save()
        subprocess.run(["msgfmt", "-o", str(path.with_suffix(".mo")), str(path)], check=True)
    return paths


def check() -> list[str]:
    """Extract into a copy of the package and report missing, fuzzy or stale translations."""
    found: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "himoya"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        extract(copy)
        for path in catalogues(copy):
            rel = path.relative_to(copy)
            found += [p.replace(str(copy), "himoya") for p in problems(path)]
            committed = PACKAGE / rel.with_suffix(".mo")
            if not committed.exists():
                found.append(f"himoya/{rel.with_suffix('.mo')}: missing; run `himoya translations`")
                continue
            # Keyed by context too: one msgid may stand for two meanings (pgettext).
            fresh = {
                (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
                for e in polib.pofile(str(path))
                if e.translated()
            }
            compiled = {
                (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
                for e in polib.mofile(str(committed))
                if e.msgid
            }
            if _normalise(fresh) != _normalise(compiled):
                found.append(f"himoya/{rel.with_suffix('.mo')}: stale; run `himoya translations`")
    return found


def _normalise(catalogue: dict) -> dict:
    out = {}
    for k, v in catalogue.items():
        if isinstance(v, dict):
            v = tuple(v[i] for i in sorted(v, key=int))
        out[k] = v
    return out


def _precedence() -> list[Path]:
    """Catalogues in the order gettext consults them: LOCALE_PATHS, then apps in order."""
    from django.apps import apps

    roots = [Path(p) for p in settings.LOCALE_PATHS]
    roots += [Path(c.path) / "locale" for c in apps.get_app_configs()]
    return [r for r in roots if r.is_relative_to(PACKAGE) and r.is_dir()]


def clashes(lang: str) -> dict[tuple, dict[str, str]]:
    """Messages (context, msgid) that two catalogues translate differently, by catalogue.

    At run time all catalogues are one: only the first one's translation is ever shown, so
    a second meaning of an English word needs its own pgettext context.
    """
    found: dict[tuple, dict[str, str]] = {}
    for root in _precedence():
        path = root / lang / "LC_MESSAGES" / "django.po"
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid_plural or not entry.msgstr:
                continue
            found.setdefault((entry.msgctxt, entry.msgid), {})[str(path)] = entry.msgstr
    return {key: seen for key, seen in found.items() if len(set(seen.values())) > 1}


def unify(lang: str) -> list[str]:
    """Give every catalogue the translation users see (the first catalogue's); say which."""
    changed = []
    by_path: dict[str, dict[tuple, str]] = {}
    for key, seen in clashes(lang).items():
        shown = next(iter(seen.values()))  # dicts keep the precedence order
        for path, msgstr in seen.items():
            if msgstr != shown:
                by_path.setdefault(path, {})[key] = shown
                changed.append(f"{path}: {key[1]!r}: {msgstr!r} -> {shown!r}")
    for path, fixes in by_path.items():
        po = polib.pofile(path)
        for entry in po:
            if (entry.msgctxt, entry.msgid) in fixes:
                entry.msgstr = fixes[(entry.msgctxt, entry.msgid)]
        po.save()
    return changed
