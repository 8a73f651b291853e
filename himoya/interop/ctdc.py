"""Import and export CTDC global data, column-wise.

The mapping between CTDC columns and HTCDS codes is `himoya.vocab.ctdc` (the only one);
this module applies it to whole columns at once: a flag column becomes the HTCDS code
it stands for wherever it is 1, and a value column (gender, age band, countries …) is
mapped once per distinct value. Rows are written with COPY into the real tables.

Every CTDC row is a person of its own, even when identical to another row. A row's
source key is its content's fingerprint plus its occurrence (the n-th row with that
content), so the same rows come back as the same keys whether they arrive as Feather,
CSV or XLSX, or as the organisation's own export: importing them again adds nothing.

The cells that the case cannot hold (a 0 recorded as "no" where the export would leave
the cell empty, Datasource, the Other/Unknown/NotSpecified flags, restricted movement …)
are kept beside the case (`SourceFields`) and written again on export, so that a round
trip gives every column's 0, 1 and blank back.
"""

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from django.utils import timezone

from himoya.cases.actions import next_reference
from himoya.cases.models import Case, CaseCode, Person, TraffickingSituation
from himoya.interop import bulk
from himoya.interop.ctdc_read import TEXT_COLUMNS, YEAR_COLUMN, LayoutError, batches
from himoya.interop.models import ImportedRecord, SourceFields
from himoya.interop.results import FileLayoutError, ForeignDataError, file_hash, note
from himoya.interop.validation import RowError
from himoya.vocab import ctdc as mapping

# HTCDS lists that are case codes, and the code field each goes to.
CODE_FIELDS = {
    mapping.EXPLOITATION: CaseCode.Field.EXPLOITATION_TYPES,
    mapping.CONTROL: CaseCode.Field.MEANS_OF_CONTROL,
    mapping.INDUSTRY: CaseCode.Field.LABOUR_SECTORS,
    mapping.SEX_TYPE: CaseCode.Field.SEXUAL_EXPLOITATION_TYPES,
}
FLAG_COLUMNS = [c for c in mapping.COLUMNS if c not in mapping.VALUE_COLUMNS] + [
    c for c in mapping.CTDC_TO_HTCDS if c not in mapping.COLUMNS
]
FLAG_COLUMNS = [c for c in FLAG_COLUMNS if c not in TEXT_COLUMNS]
VALUE_COLUMNS = [c for c in mapping.VALUE_COLUMNS if c != YEAR_COLUMN]
KNOWN = set(mapping.COLUMNS) | set(mapping.CTDC_TO_HTCDS)


def _value_map(column: str, values: list[str]) -> dict[str, object]:
    """Map distinct cells of a value column through the vocabulary's row helper."""
    key = mapping.VALUE_COLUMNS[column][0]
    return {v: mapping.from_ctdc({column: v}).values.get(key) for v in values}


def _distinct(column: pa.ChunkedArray) -> list[str]:
    return [v for v in pc.unique(column).to_pylist() if v is not None]


def _rows_where(mask, offset: int) -> list[int]:
    return [i + offset + 1 for i in pc.indices_nonzero(mask).to_pylist()]


def validate(table: pa.Table, offset: int) -> tuple[list[RowError], pa.ChunkedArray, dict]:
    """Return problems, a mask of valid rows and the mapped value columns of a batch."""
    errors: list[RowError] = []
    n = table.num_rows
    bad = pa.chunked_array([pa.array([False] * n)])
    for column in FLAG_COLUMNS:
        values, junk = table[column], table[f"{column}__junk"]
        wrong = pc.or_kleene(pc.is_valid(junk), pc.invert(pc.is_in(values, pa.array([0.0, 1.0]))))
        wrong = pc.and_(wrong, pc.or_(pc.is_valid(junk), pc.is_valid(values)))
        wrong = pc.fill_null(wrong, False)
        if pc.any(wrong).as_py():
            shown = pc.coalesce(junk, pc.cast(values, pa.string()))
            for row in _rows_where(wrong, offset):
                value = shown[row - offset - 1].as_py()
                errors.append(RowError(row, column, "bad_flag", str(value)[:80]))
            bad = pc.or_(bad, wrong)
    year = table[YEAR_COLUMN]
    year_junk = table[f"{YEAR_COLUMN}__junk"]
    wrong = pc.or_(
        pc.is_valid(year_junk),
        pc.fill_null(
            pc.or_(
                pc.or_(pc.less(year, 1900.0), pc.greater(year, 2100.0)),
                pc.not_equal(pc.floor(year), year),
            ),
            False,
        ),
    )
    if pc.any(wrong).as_py():
        shown = pc.coalesce(year_junk, pc.cast(year, pa.string()))
        for row in _rows_where(wrong, offset):
            errors.append(RowError(row, YEAR_COLUMN, "bad_year", shown[row - offset - 1].as_py()))
        bad = pc.or_(bad, wrong)
    mapped = {}
    for column in VALUE_COLUMNS:
        cells = table[column]
        known = _value_map(column, _distinct(cells))
        keys = pa.array(list(known), pa.string())
        codes = pa.array([known[k] for k in known], pa.string())
        index = pc.index_in(cells, keys)
        mapped[column] = pc.take(codes, index) if len(keys) else pa.nulls(n, pa.string())
        if mapping.VALUE_COLUMNS[column][1] is None:
            continue
        wrong = pc.and_(pc.is_valid(cells), pc.is_null(mapped[column]))
        wrong = pc.and_(wrong, pc.invert(pc.is_in(cells, pa.array(["00", "000"]))))
        if pc.any(wrong).as_py():
            problem = "bad_country" if "ountr" in column or column == "citizenship" else None
            for row in _rows_where(wrong, offset):
                value = cells[row - offset - 1].as_py()[:80]
                errors.append(
                    RowError(
                        row, column, problem or "not_in_list", value, "" if problem else column
                    )
                )
            bad = pc.or_(bad, wrong)
    return errors, pc.invert(bad), mapped


def export_key(case_codes: dict, values: dict) -> tuple:
    """What a case's CTDC row is made of: its code sets (by list) and its values."""
    return (
        tuple(sorted((k, tuple(sorted(v))) for k, v in case_codes.items() if v)),
        tuple(sorted(values.items())),
    )


def basis_of(key: tuple) -> str:
    return hashlib.sha1(repr(key).encode()).hexdigest()[:16]


_CODE_FLAGS = [(f.column, f.list, f.code) for f in mapping.FLAGS if f.list in CODE_FIELDS]
_RELATION_FLAGS = [(f.column, f.code) for f in mapping.FLAGS if f.list == mapping.RELATION]


def _as_stored(row: dict) -> tuple[dict, dict]:
    """A normalised CTDC row as the case keeps it: (code sets, values), as export reads them."""
    case_codes: dict[str, set] = {}
    for column, list_name, code in _CODE_FLAGS:
        if row[column] == 1:
            case_codes.setdefault(list_name, set()).add(code)
    relation = next((code for column, code in _RELATION_FLAGS if row[column] == 1), None)
    if relation:
        case_codes[mapping.RELATION] = {relation}

    def value(column):
        raw = row[column]
        if raw is None or mapping.is_missing(raw):
            return None
        return mapping._value_from_ctdc(column, raw)

    case = {
        "sex": value("gender"),
        "age_group": value("ageBroad") or value("majorityStatus"),
        "citizenship": value("citizenship"),
        "exploitation_country": value("CountryOfExploitation"),
    }
    return case_codes, _values_of(case, row[YEAR_COLUMN])


@lru_cache(maxsize=1 << 16)
def _rebuilt(key: tuple) -> tuple[dict, str]:
    """The row the export writes for a case made of `key` (see export_key), and its basis."""
    codes, values = key
    return mapping.to_ctdc({k: set(v) for k, v in codes}, dict(values)), basis_of(key)


def facts_of_row(values: tuple) -> tuple[str, dict, str]:
    """(content fingerprint, cells the case cannot rebuild, basis) of one row's cells.

    `values` are a batch's cells in `mapping.COLUMNS` order, as ctdc_read normalises
    them (flags and the year as floats, missing cells None).
    """
    cells = [int(v) if type(v) is float else v for v in values]
    row = dict(zip(mapping.COLUMNS, cells, strict=True))
    case_codes, case_values = _as_stored(row)
    rebuilt, basis = _rebuilt(export_key(case_codes, case_values))
    rest = {c: v for c, v in row.items() if rebuilt[c] != v}
    content = json.dumps(cells, separators=(",", ":"))
    return hashlib.sha1(content.encode()).hexdigest()[:20], rest, basis


def row_facts(table: pa.Table, valid, cache: dict) -> list:
    """Per row: (fingerprint, kept cells, basis), or None for a row that is not valid."""
    columns = [table[c].to_pylist() for c in mapping.COLUMNS]
    ok = pc.fill_null(valid, False).to_pylist()
    out: list = []
    for good, values in zip(ok, zip(*columns, strict=True), strict=True):
        if not good:
            out.append(None)
            continue
        facts = cache.get(values)
        if facts is None:
            facts = cache[values] = facts_of_row(values)
        out.append(facts)
    return out


def _text(array, n: int) -> pa.Array:
    """Strings with null as "" (for NOT NULL text columns)."""
    if array is None:
        return pa.array([""] * n, pa.string())
    return pc.fill_null(array, "")


def _flag_set(table: pa.Table, column: str):
    return pc.fill_null(pc.equal(table[column], 1.0), False)


def _write(table, mapped, keys, facts, organisation, references):
    """COPY one batch of valid, new rows (`keys`: their source keys) into the tables.

    The persons and cases are CTDC's, not registered by the importing user: their
    `created_by` and `registered_by` stay empty; the audit log names who imported them.
    """
    n = table.num_rows
    person_ids = pa.array(bulk.allocate_ids(Person, n), pa.int64())
    case_ids = pa.array(bulk.allocate_ids(Case, n), pa.int64())
    org = pa.array([organisation.pk] * n, pa.int64())
    sex = _text(mapped["gender"], n)
    age = _text(pc.coalesce(mapped["ageBroad"], mapped["majorityStatus"]), n)
    citizenship = _text(mapped["citizenship"], n)
    country = _text(mapped["CountryOfExploitation"], n)
    cross_border = pc.if_else(
        pc.or_(pc.equal(country, ""), pc.equal(citizenship, "")),
        pa.scalar(None, pa.bool_()),
        pc.not_equal(country, citizenship),
    )
    year = table[YEAR_COLUMN]
    today = timezone.localdate()
    year_int = pc.cast(year, pa.int64())
    registered_on = pc.if_else(
        pc.is_valid(year),
        pc.strptime(
            pc.binary_join_element_wise(pc.cast(year_int, pa.string()), "01-01", "-"),
            format="%Y-%m-%d",
            unit="s",
        ).cast(pa.date32()),
        pa.scalar(today, pa.date32()),
    )
    bulk.copy_columns(
        Person,
        {
            "id": person_ids,
            "organisation_id": org,
            "sex": sex,
            "age_group": age,
            "citizenship": citizenship,
        },
        n,
    )
    bulk.copy_columns(
        Case,
        {
            "exploitation_codes": _copied_codes(table, n, mapping.EXPLOITATION),
            "labour_sector_codes": _copied_codes(table, n, mapping.INDUSTRY),
            "id": case_ids,
            "person_id": person_ids,
            "organisation_id": org,
            "reference": pa.array(references, pa.string()),
            "registered_on": registered_on,
            "sex": sex,
            "age_group": age,
            "citizenship": citizenship,
            "exploitation_country": country,
            "is_cross_border": cross_border,
            "source_key": pa.array(keys, pa.string()),
        },
        n,
    )
    relation = pa.nulls(n, pa.string())
    for flag in reversed(mapping.FLAGS):  # the first flag listed wins
        if flag.list == mapping.RELATION:
            relation = pc.if_else(_flag_set(table, flag.column), flag.code, relation)
    bulk.copy_columns(
        TraffickingSituation,
        {
            "case_id": case_ids,
            "exploitation_country": country,
            "recruiter_relationship": _text(relation, n),
            "cross_border_derived": cross_border,
        },
        n,
    )
    code_parts = []
    for flag in mapping.FLAGS:
        if flag.list not in CODE_FIELDS or flag.column not in table.column_names:
            continue
        where = _flag_set(table, flag.column)
        ids = pc.filter(case_ids, where)
        if len(ids):
            code_parts.append(
                pa.table(
                    {
                        "case_id": ids,
                        "field": pa.array([str(CODE_FIELDS[flag.list])] * len(ids)),
                        "code": pa.array([flag.code] * len(ids)),
                    }
                )
            )
    if code_parts:
        codes = pa.concat_tables(code_parts).group_by(["case_id", "field", "code"]).aggregate([])
        # In the order of the (case, field, code) indexes: B-tree appends, not scattered inserts.
        codes = codes.sort_by(
            [("case_id", "ascending"), ("field", "ascending"), ("code", "ascending")]
        )
        bulk.copy_columns(
            CaseCode,
            {"case_id": codes["case_id"], "field": codes["field"], "code": codes["code"]},
            codes.num_rows,
        )
    undated = pc.filter(case_ids, pc.is_null(year))
    bulk.copy_columns(ImportedRecord, {"case_id": undated}, len(undated))
    kept = [i for i, (_f, rest, _b) in enumerate(facts) if rest]
    if kept:
        ids = case_ids.to_pylist()
        bulk.copy_columns(
            SourceFields,
            {
                "case_id": pa.array([ids[i] for i in kept], pa.int64()),
                "format": pa.array(["ctdc"] * len(kept)),
                "cells": pa.array([json.dumps(facts[i][1]) for i in kept], pa.string()),
                "basis": pa.array([facts[i][2] for i in kept], pa.string()),
            },
            len(kept),
        )


def _copied_codes(table: pa.Table, n: int, list_name: str) -> pa.Array:
    """A list's codes as the case row copies them (`|code|code|`, sorted), column-wise."""
    by_code: dict[str, list] = {}
    for flag in mapping.FLAGS:
        if flag.list == list_name and flag.column in table.column_names:
            by_code.setdefault(flag.code, []).append(_flag_set(table, flag.column))
    text = pa.array([""] * n, pa.string())
    for code in sorted(by_code):
        hit = by_code[code][0]
        for other in by_code[code][1:]:
            hit = pc.or_(hit, other)
        piece = pc.if_else(pc.fill_null(hit, False), f"{code}|", "")
        text = pc.binary_join_element_wise(text, piece, "")
    return pc.if_else(pc.equal(text, ""), "", pc.binary_join_element_wise("|", text, ""))


def import_file(
    path: Path, organisation, acting_user, result: dict, progress: Callable | None
) -> None:
    """Validate and write a CTDC file, batch by batch, filling `result` (see actions)."""
    from himoya.interop.ctdc_read import ignored_columns

    _refuse_foreign(path)
    done = set(
        Case.objects.filter(organisation=organisation, source_key__startswith="ctdc:")
        .values_list("source_key", flat=True)
        .iterator(chunk_size=20_000)
    )
    prefix = f"ctdc:{file_hash(path)}:"
    seen: dict[str, int] = {}
    cache: dict = {}
    kept_columns: set[str] = set()
    try:
        result["ignored_columns"] = ignored_columns(path, KNOWN)
        offset = 0
        for table in batches(path, KNOWN):
            n = table.num_rows
            errors, valid, mapped = validate(table, offset)
            result["rows"] += n
            if errors:
                note(result, errors)
                result["invalid_rows"] += len({e.row for e in errors})
            facts = row_facts(table, valid, cache)
            keys: list[str | None] = []
            for fact in facts:
                if fact is None:
                    keys.append(None)
                    continue
                seen[fact[0]] = seen.get(fact[0], 0) + 1
                keys.append(f"ctdc:{fact[0]}:{seen[fact[0]]}")
                kept_columns.update(fact[1])
            # Keys of imports before content keys: the file's hash and the row number.
            legacy = [f"{prefix}{offset + i + 1:07d}" for i in range(n)] if done else []
            fresh = pa.array(
                [
                    k is not None and k not in done and not (legacy and legacy[i] in done)
                    for i, k in enumerate(keys)
                ]
            )
            keep = pc.and_(valid, fresh)
            result["valid"] += pc.sum(pc.cast(valid, pa.int64())).as_py() or 0
            result["already_imported"] += (
                pc.sum(pc.cast(pc.and_(valid, pc.invert(fresh)), pa.int64())).as_py() or 0
            )
            count = pc.sum(pc.cast(keep, pa.int64())).as_py() or 0
            result["new"] += count
            writing = not result["dry_run"] and (
                result["skip_invalid"] or not result["invalid_rows"]
            )
            if writing and count:
                batch = table.filter(keep)
                batch_mapped = {c: pc.filter(a, keep) for c, a in mapped.items()}
                chosen = [i for i, k in enumerate(pc.fill_null(keep, False).to_pylist()) if k]
                years = batch[YEAR_COLUMN].to_pylist()
                references = _references(organisation, years)
                _write(
                    batch,
                    batch_mapped,
                    [keys[i] for i in chosen],
                    [facts[i] for i in chosen],
                    organisation,
                    references,
                )
                result["created"] += count
            offset += n
            if progress:
                progress(offset)
        result["kept_as_source"] = [c for c in mapping.COLUMNS if c in kept_columns]
    except LayoutError as exc:
        raise FileLayoutError("ctdc") from exc


def _refuse_foreign(path: Path) -> None:
    """Refuse a file whose records mostly concern other countries (global data)."""
    from django.conf import settings

    from himoya.vocab import registry

    country = settings.HIMOYA_COUNTRY
    entry = registry.get("country", country)
    spellings = pa.array([country, (entry.extra.get("alpha3") if entry else "") or country])
    rows = concerning = 0
    try:
        for table in batches(path, KNOWN, only=("citizenship", "CountryOfExploitation")):
            here = pc.or_kleene(
                pc.is_in(table["citizenship"], spellings),
                pc.is_in(table["CountryOfExploitation"], spellings),
            )
            concerning += pc.sum(pc.cast(pc.fill_null(here, False), pa.int64())).as_py() or 0
            rows += table.num_rows
    except LayoutError:
        return  # the import itself reports the layout
    if rows and concerning * 2 < rows:
        raise ForeignDataError(concerning, rows, country)


def _references(organisation, years: list) -> list[str]:
    """Reserve case references, one per row, in blocks per registration year."""
    today = timezone.localdate().year
    wanted: dict[int, int] = {}
    for y in years:
        year = int(y) if y is not None else today
        wanted[year] = wanted.get(year, 0) + 1
    blocks = {y: iter(next_reference(organisation, y, count)) for y, count in wanted.items()}
    return [next(blocks[int(y) if y is not None else today]) for y in years]


# --- export -------------------------------------------------------------------------


def export_rows(cases, *, with_identity: bool = False):
    """Yield one CTDC K-anon row (a dict in the file's column order) per case."""
    del with_identity  # CTDC rows carry no identity
    from himoya.interop.models import ImportedRecord as IR

    cases = cases.order_by("id")
    ids = list(cases.values_list("id", flat=True))
    codes: dict[int, dict[str, set]] = {}
    lists = {str(v): k for k, v in CODE_FIELDS.items()}
    for start in range(0, len(ids), 20000):
        chunk = ids[start : start + 20000]
        for case_id, field, code in CaseCode.objects.filter(case_id__in=chunk).values_list(
            "case_id", "field", "code"
        ):
            if field in lists:
                codes.setdefault(case_id, {}).setdefault(lists[field], set()).add(code)
        undated = set(IR.objects.filter(case_id__in=chunk).values_list("case_id", flat=True))
        sources = {
            case_id: (cells, basis)
            for case_id, cells, basis in SourceFields.objects.filter(
                case_id__in=chunk, format="ctdc"
            ).values_list("case_id", "cells", "basis")
        }
        relations = dict(
            TraffickingSituation.objects.filter(case_id__in=chunk).values_list(
                "case_id", "recruiter_relationship"
            )
        )
        for case in cases.filter(id__in=chunk).values(
            "id", "registered_on", "sex", "age_group", "citizenship", "exploitation_country"
        ):
            case_codes = codes.get(case["id"], {})
            if relations.get(case["id"]):
                case_codes = {**case_codes, mapping.RELATION: {relations[case["id"]]}}
            year = None if case["id"] in undated else case["registered_on"].year
            values = _values_of(case, year)
            key = export_key(case_codes, values)
            row, basis = _rebuilt(key)
            source = sources.get(case["id"])
            # The source's own cells, while the case still says what was imported.
            yield {**row, **source[0]} if source and source[1] == basis else row


def _values_of(case: dict, year) -> dict:
    from himoya.vocab import registry

    age = case["age_group"] or None
    band, majority = None, None
    if age:
        entry = registry.get("age_group", age)
        if entry is not None and entry.parent:
            band, majority = age, entry.parent
        else:
            majority = age
    return {
        "year_of_registration": year,
        "sex": case["sex"] or None,
        "age_group": band,
        "majority": majority,
        "citizenship": case["citizenship"] or None,
        "country_of_exploitation": case["exploitation_country"] or None,
    }


def write(rows, path: Path, kind: str) -> int:
    """Write CTDC rows to CSV, XLSX or Feather; return how many."""
    columns = mapping.COLUMNS
    if kind == "feather":
        import pyarrow.feather as feather

        data: dict[str, list] = {c: [] for c in columns}
        for row in rows:
            for c in columns:
                data[c].append(row[c])
        text = set(TEXT_COLUMNS)
        table = pa.table(
            {c: pa.array(v, pa.string() if c in text else pa.float64()) for c, v in data.items()}
        )
        feather.write_feather(table, str(path))
        return table.num_rows
    from himoya.interop.tabular import write_csv, write_xlsx

    count = 0

    def lines():
        nonlocal count
        yield list(columns)
        for row in rows:
            count += 1
            yield ["" if row[c] is None else row[c] for c in columns]

    (write_xlsx if kind == "xlsx" else write_csv)(path, lines())
    return count
