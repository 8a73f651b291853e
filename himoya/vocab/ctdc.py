"""The CTDC ↔ HTCDS mapping: the single source for the CTDC importer and exporter.

CTDC's K-anonymised global data set (`ctdc_global_kanon_2021-07-15.feather`, 63 columns, see
`ctdc_kanon_data_dictionary_20210825.xlsx`) spells a victim record as yes/no flag columns
(`isForcedLabour`, `meansOfControlDebtBondage`, …; 1, 0 or empty), a few value columns
(`gender`, `ageBroad`, `citizenship` …) and `…Concatenated` text columns derived from the
flags. HTCDS spells the same as code sets (`vic_TypeOfExploitation` = {"ForcedLabour"}).

- `FLAGS`: every flag column that means an HTCDS code, as `Flag(column, list, code, label,
  primary)`. `CTDC_TO_HTCDS[column] == (list, code)`; `HTCDS_TO_CTDC[(list, code)] == column`
  (only primary flags: where two CTDC columns mean one HTCDS code, the primary one is the
  column an HTCDS code is exported to). An HTCDS code without its own column exports to the
  column of its nearest mapped parent (tier 3 labour sector → tier 2 → tier 1).
- `VALUE_COLUMNS`: the value columns and the code list their values map to.
- `UNMAPPED`: the CTDC columns with no HTCDS meaning, and why.
- `from_ctdc(row)` turns one CTDC row (a dict; NaN/None/""/-99 are "not recorded") into a
  `CtdcRecord(codes, values, answered, rest)`; `to_ctdc(codes, values, rest, answered)`
  turns it back.
  `answered` names the flag groups (by HTCDS list) that the row recorded at all, which is
  what a share's denominator needs; pass it back to `to_ctdc` to write 0s, not blanks.
  `rest` holds exactly the CTDC cells that `to_ctdc(codes, values, answered=...)` would not
  reproduce on its own (a 0 where the export writes empty, unmapped columns, odd spellings
  of the concatenated columns; about 11 cells a row in the K-anon file); keep it beside
  the imported case and the export reproduces the source row cell for cell. Without it
  the round trip is exact at the HTCDS level: `from_ctdc(to_ctdc(codes, values,
  answered=answered))` gives the same codes, values and answered lists again.
- `table_from_ctdc(pyarrow_table)` does `from_ctdc(..., keep_rest=False)` for a whole file
  at once, column-wise (bulk imports).

CTDC writes only "yes" for a code; HTCDS code sets do the same, so a CTDC 0 ("recorded as
no") and an empty cell ("not recorded") both become "code absent" (the difference lives in
`rest`). On export a flag group (exploitation, control, labour, sex, recruiter) that is
answered or has a code present is written as 1 for present codes and 0 for the others;
any other group stays empty.

The 2024 global synthetic data set uses the same flag names for the columns it keeps but
alpha-3 country codes and "Man"/"Woman" for gender; `from_ctdc` reads those too.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from himoya.vocab import registry


class Flag(NamedTuple):
    column: str
    list: str
    code: str
    label: str  # how CTDC's concatenated column spells it
    primary: bool = True


EXPLOITATION = "vic_TypeOfExploitation"
CONTROL = "vic_MethodsOfControl"
INDUSTRY = "vic_ForcedLabourIndustry"
SEX_TYPE = "vic_TypeOfSexExploitation"
RELATION = "vic_RelationshipToTrafficker"

FLAGS: list[Flag] = [
    Flag("isForcedLabour", EXPLOITATION, "ForcedLabour", "Forced labour"),
    Flag("isSexualExploit", EXPLOITATION, "SexualExploitation", "Sexual exploitation"),
    Flag("isForcedMarriage", EXPLOITATION, "ForcedMarriage", "Forced marriage"),
    Flag("isForcedMilitary", EXPLOITATION, "ForcedMilitaryByNonStateActors", "Forced military"),
    Flag("isOrganRemoval", EXPLOITATION, "OrganRemoval", "Organ removal"),
    Flag("isSlaveryAndPractices", EXPLOITATION, "Servitude", "Slavery and similar practices"),
    Flag("isOtherExploit", EXPLOITATION, "Other", "Other"),
    Flag("typeOfLabourBegging", EXPLOITATION, "ForcedBegging", "Begging"),
    Flag("meansOfControlDebtBondage", CONTROL, "DebtBondage", "Debt bondage"),
    Flag("meansOfControlTakesEarnings", CONTROL, "TakesEarnings", "Takes earnings"),
    Flag(
        "meansOfControlRestrictsFinancialAccess",
        CONTROL,
        "RestrictsFinancialAccess",
        "Restricts financial access",
    ),
    Flag("meansOfControlThreats", CONTROL, "PhysicalThreats", "Threats"),
    Flag("meansOfControlPsychologicalAbuse", CONTROL, "PsychologicalAbuse", "Psychological abuse"),
    Flag("meansOfControlPhysicalAbuse", CONTROL, "PhysicalAbuse", "Physical abuse"),
    Flag("meansOfControlSexualAbuse", CONTROL, "SexualAbuse", "Sexual abuse"),
    Flag("meansOfControlFalsePromises", CONTROL, "FalsePromises", "False promises"),
    Flag(
        "meansOfControlPsychoactiveSubstances",
        CONTROL,
        "PsychoactiveSubstance",
        "Psychoactive substances",
    ),
    # HTCDS has no "restricts movement" code: it is one of the standard's "other" methods.
    Flag("meansOfControlRestrictsMovement", CONTROL, "Other", "Restricts movement", False),
    Flag(
        "meansOfControlRestrictsMedicalCare",
        CONTROL,
        "RestrictsMedicalCare",
        "Restricts medical care",
    ),
    Flag(
        "meansOfControlExcessiveWorkingHours",
        CONTROL,
        "ExcessiveWorkingHours",
        "Excessive working hours",
    ),
    # HTCDS's Field Definitions describe MethodsOfControlUsesChildren where the picklist
    # says ThreatensChildrenFamily.
    Flag("meansOfControlUsesChildren", CONTROL, "ThreatensChildrenFamily", "Uses children"),
    Flag(
        "meansOfControlThreatOfLawEnforcement",
        CONTROL,
        "ThreatsLawEnforcement",
        "Threat of law enforcement",
    ),
    Flag(
        "meansOfControlWithholdsNecessities",
        CONTROL,
        "WithholdsNecessities",
        "Withholds necessities",
    ),
    Flag("meansOfControlWithholdsDocuments", CONTROL, "WithholdsDocuments", "Withholds documents"),
    Flag("meansOfControlOther", CONTROL, "Other", "Other"),
    Flag("typeOfLabourAgriculture", INDUSTRY, "A_AgricultureForestryAndFishing", "Agriculture"),
    Flag("typeOfLabourAquafarming", INDUSTRY, "A03_FishingAndAquaculture", "Aquafarming"),
    Flag("typeOfLabourConstruction", INDUSTRY, "F_Construction", "Construction"),
    Flag(
        "typeOfLabourDomesticWork", INDUSTRY, "T_ActivitiesOfHouseholdsAsEmployers", "Domestic work"
    ),
    Flag(
        "typeOfLabourHospitality",
        INDUSTRY,
        "I_AccommodationAndFoodServiceActivities",
        "Hospitality",
    ),
    Flag("typeOfLabourManufacturing", INDUSTRY, "C_Manufacturing", "Manufacturing"),
    Flag("typeOfLabourMiningOrDrilling", INDUSTRY, "B_MiningAndQuarrying", "Mining or drilling"),
    Flag(
        "typeOfLabourPeddling",
        INDUSTRY,
        "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        "Peddling",
    ),
    Flag("typeOfLabourTransportation", INDUSTRY, "H_TransportationAndStorage", "Transportation"),
    Flag("typeOfSexProstitution", SEX_TYPE, "Prostitution", "Prostitution"),
    Flag("typeOfSexPornography", SEX_TYPE, "Pornography", "Pornography"),
    Flag(
        "typeOfSexRemoteInteractiveServices",
        SEX_TYPE,
        "RemoteInteractiveServices",
        "Remote interactive services",
    ),
    Flag(
        "typeOfSexPrivateSexualServices",
        SEX_TYPE,
        "PrivateSexualServices",
        "Private sexual services",
    ),
    Flag("recruiterRelationFamily", RELATION, "Familial", "Family/Relative"),
    Flag("recruiterRelationFriend", RELATION, "Acquainted", "Friend/Acquaintance"),
    # An intimate partner is someone the person knew; exported back as a friend/acquaintance.
    Flag("recruiterRelationIntimatePartner", RELATION, "Acquainted", "Intimate Partner", False),
]

CTDC_TO_HTCDS: dict[str, tuple[str, str]] = {f.column: (f.list, f.code) for f in FLAGS}
HTCDS_TO_CTDC: dict[tuple[str, str], str] = {(f.list, f.code): f.column for f in FLAGS if f.primary}
FLAG_LISTS = (EXPLOITATION, CONTROL, INDUSTRY, SEX_TYPE, RELATION)

# Value columns: CTDC column -> (key in CtdcRecord.values, code list of the value).
VALUE_COLUMNS: dict[str, tuple[str, str | None]] = {
    "yearOfRegistration": ("year_of_registration", None),  # int
    "Datasource": ("datasource", None),  # "Hotline" / "Case Management": kept as text
    "gender": ("sex", "sex"),
    "ageBroad": ("age_group", "age_group"),  # a fine band: "0-8" … "48+"
    "majorityStatus": ("majority", "age_group"),  # "child" / "adult"
    "majorityStatusAtExploit": ("majority_at_exploitation", "age_group"),
    "majorityEntry": ("majority_at_entry", "age_group"),
    "citizenship": ("citizenship", "country"),
    "CountryOfExploitation": ("country_of_exploitation", "country"),
}

# Concatenated text columns: derived from the flags of one group.
CONCATENATED: dict[str, tuple[str, str]] = {
    # column: (flag column prefix, separator)
    "meansOfControlConcatenated": ("meansOfControl", ";"),
    "typeOfExploitConcatenated": ("is", ";"),
    "typeOfLabourConcatenated": ("typeOfLabour", ";"),
    "typeOfSexConcatenated": ("typeOfSex", ";"),
    "RecruiterRelationship": ("recruiterRelation", "; "),
}

# Derived or unmapped flag columns (no HTCDS code of their own) and their concatenated labels.
OTHER_FLAGS: dict[str, str] = {
    "isSexAndLabour": "Combined sexual and labour exploitation",
    "isAbduction": "",
    "meansOfControlNotSpecified": "Not specified",
    "typeOfLabourIllicitActivities": "Illicit activities",
    "typeOfLabourOther": "Other",
    "typeOfLabourNotSpecified": "Not specified",
    "recruiterRelationOther": "Other",
    "recruiterRelationUnknown": "Not Specified",
}

UNMAPPED: dict[str, str] = {
    "Datasource": "where CTDC got the record (hotline or case management); not an HTCDS field. "
    "Kept as values['datasource'] text.",
    "isSexAndLabour": "derived: 1 when both forced labour and sexual exploitation are present; "
    "written by to_ctdc, not read.",
    "isAbduction": "HTCDS has no abduction code among the methods of recruitment or control.",
    "typeOfLabourIllicitActivities": "no ISIC section for illicit activities in "
    "vic_ForcedLabourIndustry.",
    "typeOfLabourOther": "vic_ForcedLabourIndustry has no 'other' code.",
    "typeOfLabourNotSpecified": "means 'not known': an empty code set in HTCDS.",
    "meansOfControlNotSpecified": "means 'not known': an empty code set in HTCDS.",
    "recruiterRelationOther": "'other' relationship (employer, stranger …) does not fit "
    "Familial/Acquainted/Unaquainted without guessing.",
    "recruiterRelationUnknown": "means 'not known': no code in HTCDS.",
    "meansOfControlConcatenated": "derived from the flags.",
    "typeOfExploitConcatenated": "derived from the flags.",
    "typeOfLabourConcatenated": "derived from the flags.",
    "typeOfSexConcatenated": "derived from the flags.",
    "RecruiterRelationship": "derived from the recruiterRelation flags (Polaris records only).",
}

# Column order of the K-anon file.
COLUMNS: list[str] = [
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus",
    "majorityStatusAtExploit", "majorityEntry", "citizenship",
    "meansOfControlDebtBondage", "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess", "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse", "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse", "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances", "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare", "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren", "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities", "meansOfControlWithholdsDocuments",
    "meansOfControlOther", "meansOfControlNotSpecified", "meansOfControlConcatenated",
    "isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour", "isForcedMarriage",
    "isForcedMilitary", "isOrganRemoval", "isSlaveryAndPractices", "typeOfExploitConcatenated",
    "typeOfLabourAgriculture", "typeOfLabourAquafarming", "typeOfLabourBegging",
    "typeOfLabourConstruction", "typeOfLabourDomesticWork", "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities", "typeOfLabourManufacturing", "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling", "typeOfLabourTransportation", "typeOfLabourOther",
    "typeOfLabourNotSpecified", "typeOfLabourConcatenated", "typeOfSexProstitution",
    "typeOfSexPornography", "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices", "typeOfSexConcatenated", "isAbduction",
    "RecruiterRelationship", "CountryOfExploitation", "recruiterRelationIntimatePartner",
    "recruiterRelationFriend", "recruiterRelationFamily", "recruiterRelationOther",
    "recruiterRelationUnknown",
]  # fmt: skip

_FLAG_COLUMNS = {f.column for f in FLAGS} | set(OTHER_FLAGS)
_LABELS = {f.column: f.label for f in FLAGS} | OTHER_FLAGS
# Which flag group a flag column belongs to, for the 0/empty rule on export.
_GROUP = {f.column: f.list for f in FLAGS} | {
    "typeOfLabourBegging": INDUSTRY,  # CTDC counts begging among the types of labour
    "isSexAndLabour": EXPLOITATION,
    "meansOfControlNotSpecified": CONTROL,
    "typeOfLabourIllicitActivities": INDUSTRY,
    "typeOfLabourOther": INDUSTRY,
    "typeOfLabourNotSpecified": INDUSTRY,
    "recruiterRelationOther": RELATION,
    "recruiterRelationUnknown": RELATION,
}
_KINDS = [(c, c in _FLAG_COLUMNS) for c in COLUMNS]
# Concatenated column -> (separator, [(flag column, label)]) in column order.
_CONCAT_MEMBERS = [
    (
        column,
        sep,
        [(c, _LABELS[c]) for c in COLUMNS if c.startswith(prefix) and _LABELS.get(c)],
    )
    for column, (prefix, sep) in CONCATENATED.items()
]
_GENDER_ALIASES = {"man": "male", "woman": "female", "trans/transgender/nonconforming": "other"}
_MAJORITY = {"minor": "child", "adult": "adult"}


@dataclass
class CtdcRecord:
    codes: dict[str, set[str]] = field(default_factory=dict)  # HTCDS list -> codes present
    values: dict[str, object] = field(default_factory=dict)  # see VALUE_COLUMNS
    # HTCDS lists whose CTDC flag group was recorded at all (some flag 0 or 1): "asked".
    answered: set[str] = field(default_factory=set)
    rest: dict[str, object] = field(default_factory=dict)  # CTDC cells to_ctdc cannot rebuild


def is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and value.strip() in {"", "-99", "NA", "NULL", "nan"}:
        return True
    return value == -99


def flag(value) -> int | None:
    """A CTDC flag cell as 1, 0 or None (not recorded)."""
    if value is None or value != value:  # None or NaN
        return None
    if value == 1:
        return 1
    if value == 0:
        return 0
    if is_missing(value):
        return None
    if isinstance(value, str):
        value = value.strip().lower()
        if value in {"1", "1.0", "true", "yes"}:
            return 1
        if value in {"0", "0.0", "false", "no"}:
            return 0
        raise ValueError(f"not a CTDC flag: {value!r}")
    if value in (0, 1):
        return int(value)
    raise ValueError(f"not a CTDC flag: {value!r}")


def normalise_row(row: Mapping) -> dict:
    """A CTDC row with every K-anon column: flags as 1/0/None, the year as int, text
    stripped, missing cells None. Unknown columns are dropped."""
    out: dict[str, object] = {}
    get = row.get
    for column, is_flag in _KINDS:
        value = get(column)
        if is_flag:
            out[column] = flag(value)
        elif value is None or value != value or is_missing(value):
            out[column] = None
        elif column == "yearOfRegistration":
            out[column] = int(float(value))
        else:
            out[column] = str(value).strip()
    return out


def _band_code(text: str) -> str | None:
    text = text.replace("—", "--").replace("–", "--").replace(" ", "")
    for entry in registry.codelist("age_group"):
        if entry.extra.get("ctdc") and entry.extra["ctdc"] == text:
            return entry.code
    return None


def _value_from_ctdc(column: str, raw: str | int) -> object:
    if VALUE_COLUMNS[column][1] is None:
        return raw
    return _coded_value(column, str(raw).strip())


@cache
def _coded_value(column: str, text: str) -> str | None:
    key, list_name = VALUE_COLUMNS[column]
    if list_name == "sex":
        folded = text.lower()
        for entry in registry.codelist("sex"):
            if entry.extra.get("ctdc", "").lower() == folded:
                return entry.code
        if folded in _GENDER_ALIASES:
            return _GENDER_ALIASES[folded]
    elif column == "ageBroad":
        return _band_code(text)
    elif list_name == "age_group":
        return _MAJORITY.get(text.lower())
    elif list_name == "country":
        if text in {"00", "000"}:
            return None
        country = registry.country_from_any(text)
        return country.code if country else None
    return None


@cache
def _value_to_ctdc(column: str, value) -> object:
    key, list_name = VALUE_COLUMNS[column]
    if value is None or value == "unknown":
        return None
    if list_name is None:
        return value
    if list_name == "country":
        return value
    entry = registry.get(list_name, value)
    return entry.extra.get("ctdc") or None if entry else None


def from_ctdc(row: Mapping, *, keep_rest: bool = True) -> CtdcRecord:
    """One CTDC row → HTCDS code sets, clear values and the cells that need keeping
    (`keep_rest=False` skips working out `rest`, about twice as fast)."""
    row = normalise_row(row)
    record = CtdcRecord(codes={name: set() for name in FLAG_LISTS})
    for f in FLAGS:
        if row[f.column] == 1:
            record.codes[f.list].add(f.code)
    record.answered = {
        _GROUP[f.column]
        for f in FLAGS
        if (f.primary and row[f.column] is not None) or row[f.column] == 1
    }
    for column, (key, _) in VALUE_COLUMNS.items():
        raw = row[column]
        record.values[key] = None if raw is None else _value_from_ctdc(column, raw)
    if not keep_rest:
        return record
    rebuilt = to_ctdc(record.codes, record.values, answered=record.answered)
    record.rest = {c: row[c] for c in COLUMNS if rebuilt[c] != row[c]}
    return record


@cache
def _column_for(list_name: str, code: str) -> str | None:
    """The CTDC column an HTCDS code exports to: its own, or its nearest mapped parent's."""
    seen = set()
    while code and code not in seen:
        seen.add(code)
        column = HTCDS_TO_CTDC.get((list_name, code))
        if column:
            return column
        entry = registry.get(list_name, code)
        code = entry.parent if entry else ""
    return None


def to_ctdc(
    codes: Mapping[str, set[str] | list[str]],
    values: Mapping,
    rest: Mapping | None = None,
    answered: set[str] | None = None,
) -> dict:
    """HTCDS code sets and values → one CTDC K-anon row (flags 1/0/None; see the module doc).

    `codes` maps list names to the codes present (lists not given count as empty);
    `values` uses the keys of VALUE_COLUMNS; `answered` names the lists whose flags are
    written as 0 when absent (default: the lists with a code present); `rest` (from
    `from_ctdc`) overrides cells.
    """
    row: dict[str, object] = dict.fromkeys(COLUMNS)
    for column, (key, _) in VALUE_COLUMNS.items():
        row[column] = _value_to_ctdc(column, values.get(key))
    present = set()
    for list_name in FLAG_LISTS:
        for code in codes.get(list_name, ()):
            flag_column = _column_for(list_name, code)
            if flag_column:
                present.add(flag_column)
    groups = {_GROUP[c] for c in present} | set(answered or ())
    for column, group in _GROUP.items():
        if group in groups:
            row[column] = 1 if column in present else 0
    if row["isForcedLabour"] == 1 and row["isSexualExploit"] == 1:
        row["isSexAndLabour"] = 1
    for column, sep, members in _CONCAT_MEMBERS:
        row[column] = sep.join(label for c, label in members if row[c] == 1) or None
    if rest:
        row.update({c: v for c, v in rest.items() if c in row})
    return row


def code_sets(row: Mapping) -> dict[str, set[str]]:
    """Shortcut: just the HTCDS code sets of one CTDC row."""
    return from_ctdc(row).codes


def table_from_ctdc(table):
    """A whole CTDC file at once (a pyarrow Table, e.g. `pyarrow.feather.read_table`) →
    a pyarrow Table with one row per source row, for bulk imports:

    - one column per HTCDS flag list (FLAG_LISTS): the codes present, comma-separated
      ("" when none), in FLAGS order;
    - `answered`: the answered lists, comma-separated;
    - one column per key of VALUE_COLUMNS, as `from_ctdc` would give it.

    Row for row it equals `from_ctdc(row, keep_rest=False)` (tested on the K-anon file);
    it does not work out `rest`. Each flag list is computed as a bit mask per row and the
    few distinct masks are spelled out once, so the cost hardly depends on the codes.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows

    def flag_column(name):
        if name not in table.column_names:
            return pa.nulls(n, pa.float64())
        col = table.column(name).combine_chunks()
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            col = pc.utf8_trim_whitespace(col)
            col = pc.if_else(pc.equal(col, ""), None, col)
        col = pc.cast(col, pa.float64())
        return pc.if_else(pc.equal(col, -99), None, col)

    def spelled(masks, names):
        """Row bit masks → comma-separated names of the set bits."""
        uniques = pc.unique(masks)
        words = [
            ",".join(name for bit, name in enumerate(names) if m >> bit & 1)
            for m in uniques.to_pylist()
        ]
        return pc.take(pa.array(words, pa.string()), pc.index_in(masks, value_set=uniques))

    flags = {f.column: flag_column(f.column) for f in FLAGS}
    zero = pa.array([0] * n, pa.int64())
    out = {}
    for list_name in FLAG_LISTS:
        codes = list(dict.fromkeys(f.code for f in FLAGS if f.list == list_name))
        masks = zero
        for f in FLAGS:
            if f.list == list_name:
                yes = pc.fill_null(pc.equal(flags[f.column], 1), False)
                masks = pc.bit_wise_or(masks, pc.if_else(yes, 1 << codes.index(f.code), 0))
        out[list_name] = spelled(masks, codes)
    masks = zero
    for bit, group in enumerate(FLAG_LISTS):
        for f in FLAGS:
            if _GROUP[f.column] == group:
                cell = flags[f.column]
                mark = pc.is_valid(cell) if f.primary else pc.equal(cell, 1)
                masks = pc.bit_wise_or(masks, pc.if_else(pc.fill_null(mark, False), 1 << bit, 0))
    out["answered"] = spelled(masks, FLAG_LISTS)
    for source, (key, _) in VALUE_COLUMNS.items():
        if source not in table.column_names:
            out[key] = pa.nulls(n, pa.int64() if source == "yearOfRegistration" else pa.string())
            continue
        raw = table.column(source).combine_chunks()
        if source == "yearOfRegistration":
            if not pa.types.is_floating(raw.type):
                raw = pc.cast(raw, pa.float64())
            out[key] = pc.cast(pc.floor(raw), pa.int64())
            continue
        text = pc.utf8_trim_whitespace(pc.cast(raw, pa.string()))
        uniques = pc.unique(text)
        mapped = [
            None if is_missing(u) else _value_from_ctdc(source, u) for u in uniques.to_pylist()
        ]
        index = pc.index_in(text, value_set=uniques)
        out[key] = pc.take(pa.array(mapped, pa.string()), index)
    return pa.table(out)
