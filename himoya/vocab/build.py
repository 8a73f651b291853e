"""Regenerate the generated code lists: data/htcds.json and data/countries.json.

Sources:
- the HTCDS 2.0 field standard (`htcds/htcds_field_standards_2.0.ods` under
  settings.HIMOYA_SHARED_DATA): every picklist field, its codes ("Value Names") and English
  labels ("Value Labels"); the ODS is the source of truth for codes and English;
- `sources/htcds_labels.json`: the hand-written Tajik and Russian labels of those codes;
- `sources/htcds_industry_tiers.json`: tiers 2 and 3 of vic_ForcedLabourIndustry (the
  standard's "Labour Subdivisions"), which the ODS only refers to;
- pycountry (ISO 3166-1 with its gettext catalogues for ru and tg) and
  `sources/countries.json` (hand-written names that read better than the ISO forms).

Only the build needs pandas/odfpy and pycountry; the registry reads the committed JSON.
"""

import json
import re
from pathlib import Path
from typing import Any

VOCAB_DIR = Path(__file__).resolve().parent
SOURCES_DIR = VOCAB_DIR / "sources"
DATA_DIR = VOCAB_DIR / "data"
ODS_NAME = Path("htcds") / "htcds_field_standards_2.0.ods"

# Fields whose value column names a standard instead of listing values.
STANDARD_LISTS = {"ISO 3166": "country", "ISO 639": "language"}


# The standard's English labels with its typos and run-together names put right.
ENGLISH_CORRECTIONS = {
    ("vic_RelationshipToTrafficker", "Unaquainted"): "Unacquainted",
    ("per_RoleInProcess", "RecruiterOrIntermediary"): "Recruiter or Intermediary",
    ("per_RoleInProcess", "BrokerTravelAgent"): "Broker / Travel Agent",
    ("cas_Status", "FollowUp"): "Follow-up",
    # The glossary's terms, as the screening and the law say them.
    ("vic_TraffickingStatus", "PossibleVictimOfTrafficking"): "Presumed victim of trafficking",
    ("vic_TraffickingStatus", "ActualVictimOfTrafficking"): "Identified victim of trafficking",
}


class BuildError(Exception):
    pass


def clean(text: str) -> str:
    """Strip stray whitespace and no-break spaces the ODS carries around names and labels."""
    return re.sub(r"[\s\u00a0\u200b]+", " ", str(text)).strip()


def ods_path(shared_data: Path) -> Path:
    return Path(shared_data) / ODS_NAME


def read_ods_fields(path: Path) -> list[dict]:
    """Return one dict per field row of the ODS that has a value column.

    Each: {"field", "type", "values": [(code, en), ...]} or {"field", "type", "standard": list}.
    """
    import pandas as pd

    frame = pd.read_excel(path, engine="odf", sheet_name="Field_Standards", dtype=str)
    fields = []
    for _, row in frame.iterrows():
        field_name = row.get("Field Name including Prefix")
        names = row.get("Value Names (if picklist)")
        if not isinstance(field_name, str) or not isinstance(names, str):
            continue
        field_name = clean(field_name)
        kind = clean(row.get("Field Type") or "")
        standard = next((lst for key, lst in STANDARD_LISTS.items() if key in names), None)
        if standard:
            fields.append({"field": field_name, "type": kind, "standard": standard})
            continue
        codes = [clean(n) for n in names.splitlines() if clean(n)]
        labels = [clean(n) for n in str(row.get("Value Labels (if picklist)")).splitlines()]
        labels = [lab for lab in labels if lab]
        if len(codes) != len(labels):
            raise BuildError(f"{field_name}: {len(codes)} value names but {len(labels)} labels")
        values = list(zip(codes, labels, strict=True))
        fields.append({"field": field_name, "type": kind, "values": values})  # type: ignore[dict-item]
    return fields


def ods_picklists(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Picklist name -> [(code, English label)] in the standard's order."""
    return {f["field"]: f["values"] for f in read_ods_fields(path) if "values" in f}


def ods_standard_fields(path: Path) -> dict[str, str]:
    """Field name -> code list name for fields that say "Use ISO 3166 / ISO 639"."""
    return {f["field"]: f["standard"] for f in read_ods_fields(path) if "standard" in f}


def _load_source(name: str) -> dict:
    return json.loads((SOURCES_DIR / name).read_text(encoding="utf-8"))


def build_htcds(shared_data: Path) -> dict[str, list[dict]]:
    picklists = ods_picklists(ods_path(shared_data))
    labels = _load_source("htcds_labels.json")
    tiers = _load_source("htcds_industry_tiers.json")
    missing = []
    out: dict[str, list[dict]] = {}
    for name, values in picklists.items():
        translated = labels.get(name, {})
        entries = []
        for code, en in values:
            en = ENGLISH_CORRECTIONS.get((name, code), en)
            if code not in translated:
                missing.append(f"{name}.{code}")
                continue
            entry: dict[str, Any] = {"code": code}
            if name == "vic_ForcedLabourIndustry":
                entry["tier"] = 1
            if translated[code] is None:  # a proper name: the same in every language
                entry.update(tg=en, ru=en, en=en, proper_name=True)
            else:
                tg, ru = translated[code]
                entry.update(tg=tg, ru=ru, en=en)
            entries.append(entry)
        out[name] = entries
    for name, translated in labels.items():
        if name.startswith("_"):
            continue
        ods_codes = {code for code, _ in picklists.get(name, [])}
        stale = sorted(set(translated) - ods_codes)
        if stale:
            raise BuildError(f"{name}: translations for codes not in the ODS: {stale}")
    if missing:
        raise BuildError("no tg/ru labels in sources/htcds_labels.json: " + ", ".join(missing))
    industry = out["vic_ForcedLabourIndustry"]
    known = {e["code"] for e in industry}
    for extra in tiers["vic_ForcedLabourIndustry"]:
        if extra["parent"] not in known:
            raise BuildError(f"{extra['code']}: parent {extra['parent']} is not a known code")
        known.add(extra["code"])
    out["vic_ForcedLabourIndustry"] = _tiered(industry, tiers["vic_ForcedLabourIndustry"])
    return out


def _tiered(top: list[dict], below: list[dict]) -> list[dict]:
    """Each tier-1 code followed by its sub-levels (depth first), keeping the source order."""
    children: dict[str, list[dict]] = {}
    for e in below:
        children.setdefault(e["parent"], []).append(
            {"code": e["code"], "parent": e["parent"], "tier": e["tier"], **_langs(e)}
        )
    ordered = []

    def walk(entry):
        ordered.append(entry)
        for child in children.get(entry["code"], []):
            walk(child)

    for e in top:
        walk(e)
    return ordered


def _langs(e: dict) -> dict:
    return {"tg": e["tg"], "ru": e["ru"], "en": e["en"]}


def build_countries() -> tuple[dict[str, list[dict]], list[str]]:
    """ISO 3166-1 from pycountry, names in tg/ru/en; returns (lists, codes with ru as tg)."""
    import gettext

    import pycountry

    def catalogue(lang):
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])

    ru, tg = catalogue("ru"), catalogue("tg")
    overrides = _load_source("countries.json")["names"]
    entries, tg_fallbacks = [], []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        iso_names = [c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)]
        iso_names = [n for n in iso_names if n]
        en = getattr(c, "common_name", None) or c.name
        ru_name, tg_name = ru.gettext(c.name), tg.gettext(c.name)
        if tg_name == c.name or re.search(r"[A-Za-z]", tg_name):
            tg_name = ""
        own = overrides.get(c.alpha_2, {})
        en, ru_name, tg_name = own.get("en", en), own.get("ru", ru_name), own.get("tg", tg_name)
        if not tg_name:
            tg_name = ru_name
            tg_fallbacks.append(c.alpha_2)
        aliases = {*iso_names, *(ru.gettext(n) for n in iso_names), tg.gettext(c.name)}
        aliases -= {en, ru_name, tg_name}
        entries.append(
            {
                "code": c.alpha_2,
                "alpha3": c.alpha_3,
                "numeric": c.numeric,
                "tg": tg_name,
                "ru": ru_name,
                "en": en,
                "aliases": sorted(a for a in aliases if not re.fullmatch(r"[A-Za-z]{2,3}", a)),
            }
        )
    return {"country": entries}, tg_fallbacks


def dump(lists: dict[str, list[dict]]) -> str:
    """JSON with one code per line: readable diffs, stable output."""
    parts = []
    for name, entries in lists.items():
        rows = ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in entries)
        parts.append(f" {json.dumps(name)}: [\n{rows}\n ]")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write(name: str, lists: dict[str, list[dict]]) -> Path:
    path = DATA_DIR / name
    path.write_text(dump(lists), encoding="utf-8")
    return path
