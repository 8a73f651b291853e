"""Read CTDC global data (K-anon or synthetic schema) as column batches.

CSV, XLSX and Feather files are read in batches of at most BATCH_ROWS rows, so memory
stays bounded whatever the file's size. Every batch is brought to one schema: flag
columns become float64 (1/0/null), text columns strings with `-99` and blanks as null.
A CTDC row has no identifier; its place in the file (row number, from 1) is its key.
"""

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from himoya.interop.tabular import file_encoding, sniff_kind

BATCH_ROWS = 50_000
MISSING = ("-99", "-99.0", "NULL", "")

# The K-anon codebook's text columns; every other known column is a 0/1 flag.
TEXT_COLUMNS = (
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    "meansOfControlConcatenated",
    "typeOfExploitConcatenated",
    "typeOfLabourConcatenated",
    "typeOfSexConcatenated",
    "RecruiterRelationship",
    "CountryOfExploitation",
    "traffickMonths",
)
YEAR_COLUMN = "yearOfRegistration"
# Spellings of the same column in other CTDC releases.
ALIASES = {"MajorityEntry": "majorityEntry", "meansWithholdDocuments": "meansWithholdDocs"}


class LayoutError(ValueError):
    pass


def batches(path: Path, known: set[str], only: tuple[str, ...] = ()) -> Iterator[pa.Table]:
    """Yield the file's rows as tables of at most BATCH_ROWS rows, in file order.

    `only` names the columns wanted (default: every known column); the layout is checked
    against all of `known` either way.
    """
    kind = sniff_kind(path)
    if kind == "feather":
        yield from _feather(path, known, only)
    elif kind == "xlsx":
        yield from _xlsx(path, known, only)
    else:
        yield from _csv(path, known, only)


def _check(names: list[str], known: set[str]) -> None:
    if sum(ALIASES.get(n, n) in known for n in names) < 3:
        raise LayoutError("ctdc")


def _feather(path: Path, known: set[str], only=()) -> Iterator[pa.Table]:
    import pyarrow.ipc as ipc

    with pa.memory_map(str(path)) as source:
        reader = ipc.open_file(source)
        _check(reader.schema.names, known)
        for i in range(reader.num_record_batches):
            batch = reader.get_batch(i)
            for offset in range(0, batch.num_rows, BATCH_ROWS):
                yield normalise(
                    pa.Table.from_batches([batch.slice(offset, BATCH_ROWS)]), known, only
                )


def _csv(path: Path, known: set[str], only=()) -> Iterator[pa.Table]:
    import pyarrow.csv as pacsv

    encoding = file_encoding(path)
    with open(path, "rb") as fh:
        head = fh.read(4096).decode(encoding, "replace").splitlines()[0]
    delimiter = max(",;\t", key=head.count)
    names = [n.strip().strip('"') for n in head.split(delimiter)]
    _check(names, known)
    reader = pacsv.open_csv(
        str(path),
        read_options=pacsv.ReadOptions(
            block_size=4 << 20,
            use_threads=True,
            encoding="utf8" if encoding.startswith("utf-8") else encoding,
        ),
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            null_values=list(MISSING),
        ),
    )
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in reader:
        pending.append(batch)
        rows += batch.num_rows
        if rows >= BATCH_ROWS:
            yield normalise(pa.Table.from_batches(pending), known, only)
            pending, rows = [], 0
    if pending:
        yield normalise(pa.Table.from_batches(pending), known, only)


def _xlsx(path: Path, known: set[str], only=()) -> Iterator[pa.Table]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        names = [str(n or "").strip() for n in next(rows, ())]
        _check(names, known)
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= BATCH_ROWS:
                yield _xlsx_table(names, chunk, known, only)
                chunk = []
        if chunk:
            yield _xlsx_table(names, chunk, known, only)
    finally:
        wb.close()


def _xlsx_table(names: list[str], chunk: list[tuple], known: set[str], only=()) -> pa.Table:
    columns = {}
    for i, name in enumerate(names):
        if name:
            values = [None if i >= len(r) or r[i] is None else str(r[i]) for r in chunk]
            columns[name] = pa.array(values, pa.string())
    return normalise(pa.table(columns), known, only)


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        if pa.types.is_floating(column.type):
            # 1.0 → "1": a float column of codes (e.g. a year) read from a typed file
            column = pc.cast(pc.cast(column, pa.int64(), safe=False), pa.string())
        else:
            column = pc.cast(column, pa.string())
    column = pc.utf8_trim_whitespace(column.cast(pa.string()))
    return pc.if_else(pc.is_in(column, pa.array(MISSING)), None, column)


def _as_number(column: pa.ChunkedArray) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """Return (float64 values, texts that are no number) for a flag or year column."""
    if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
        numbers = pc.cast(column, pa.float64())
        numbers = pc.if_else(pc.equal(numbers, -99.0), None, numbers)
        return numbers, pa.chunked_array([pa.nulls(len(column), pa.string())])
    text = _as_text(column)
    numeric = pc.match_substring_regex(text, r"^-?[0-9]+(\.[0-9]+)?$")
    numbers = pc.cast(pc.if_else(numeric, text, None), pa.float64())
    junk = pc.if_else(pc.invert(numeric), text, None)
    return numbers, junk


def normalise(table: pa.Table, known: set[str], only: tuple[str, ...] = ()) -> pa.Table:
    """Bring a batch to the common schema; `<flag>__junk` holds non-numeric flag texts."""
    out = {}
    n = table.num_rows
    present = {ALIASES.get(name, name): name for name in table.column_names}
    for name in only or sorted(known):
        source = present.get(name)
        if name in TEXT_COLUMNS:
            out[name] = _as_text(table[source]) if source else pa.nulls(n, pa.string())
        else:
            if source:
                numbers, junk = _as_number(table[source])
            else:
                numbers, junk = pa.nulls(n, pa.float64()), pa.nulls(n, pa.string())
            out[name] = numbers
            out[f"{name}__junk"] = junk
    return pa.table(out)


def ignored_columns(path: Path, known: set[str]) -> list[str]:
    """Return the file's column names this importer does not read."""
    kind = sniff_kind(path)
    if kind == "feather":
        import pyarrow.ipc as ipc

        with pa.memory_map(str(path)) as source:
            names = ipc.open_file(source).schema.names
    elif kind == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        names = [str(n or "") for n in next(wb.worksheets[0].iter_rows(values_only=True), ())]
        wb.close()
    else:
        with open(path, "rb") as fh:
            head = fh.read(4096).decode("utf-8-sig", "replace").splitlines()[0]
        delimiter = max(",;\t", key=head.count)
        names = [n.strip().strip('"') for n in head.split(delimiter)]
    return [n for n in names if n and ALIASES.get(n, n) not in known]
