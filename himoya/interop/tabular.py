"""Read and write plain tables (CSV or XLSX) row by row, without holding the file in memory."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

XLSX_MAGIC = b"PK\x03\x04"


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
                yield list(row)
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
        yield from csv.reader(fh, dialect)


def write_csv(path_or_buffer, rows) -> None:
    own = not isinstance(path_or_buffer, io.TextIOBase)
    fh = open(path_or_buffer, "w", encoding="utf-8", newline="") if own else path_or_buffer
    try:
        writer = csv.writer(fh)
        for row in rows:
            writer.writerow(row)
    finally:
        if own:
            fh.close()


def write_xlsx(path, rows, sheet_title: str = "Sheet1") -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title)
    for row in rows:
        ws.append(row)
    wb.save(path)
