"""Load a global or foreign data set into the reference area (never into cases)."""

import datetime
import hashlib
from pathlib import Path

import pyarrow as pa
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from himoya.audit.actions import Action, record
from himoya.reference.models import Dataset, Record

COLUMNS = (
    "dataset_id",
    "year",
    "gender",
    "age_broad",
    "citizenship",
    "country_of_exploitation",
    "forced_labour",
    "sexual_exploitation",
    "other_exploitation",
)
CTDC_SOURCE = _("Counter Trafficking Data Collaborative (CTDC), IOM: global victim data")
CTDC_UNIT = _("victim records (a person met by several organisations may appear more than once)")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _column(table: pa.Table, name: str) -> list:
    """A column's values; a file without the column (a release of a few fields) gives None."""
    if name not in table.column_names:
        return [None] * table.num_rows
    return table[name].to_pylist()


def _text(table: pa.Table, name: str, width: int) -> list[str]:
    return [(str(v) if v is not None else "")[:width] for v in _column(table, name)]


def _flag(table: pa.Table, name: str) -> list[bool | None]:
    return [None if v is None else float(v) >= 0.5 for v in _column(table, name)]


def _year(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None  # a generalised year ("2016–2017") or none


def _rows(table: pa.Table, dataset_id: int):
    columns = [
        [_year(y) for y in _column(table, "yearOfRegistration")],
        _text(table, "gender", 20),
        _text(table, "ageBroad", 10),
        _text(table, "citizenship", 2),
        _text(table, "CountryOfExploitation", 2),
        _flag(table, "isForcedLabour"),
        _flag(table, "isSexualExploit"),
        _flag(table, "isOtherExploit"),
    ]
    for values in zip(*columns, strict=True):
        yield (dataset_id, *values)


@transaction.atomic
def load_ctdc(
    path: Path,
    *,
    name: str,
    source: str = "",
    source_date: datetime.date | None = None,
    acting_user=None,
    progress=None,
) -> Dataset:
    """Load a CTDC file (K-anon or synthetic schema) as one reference data set."""
    from himoya.interop.ctdc import KNOWN
    from himoya.interop.ctdc_read import LayoutError, batches

    digest = sha256(path)
    if Dataset.objects.filter(file_sha256=digest).exists():
        raise ValidationError(_("This file is already loaded as reference data."))
    with translation.override("en"):  # stored in the source language, shown translated
        default_source, unit = str(CTDC_SOURCE), str(CTDC_UNIT)
    dataset = Dataset.objects.create(
        kind=Dataset.Kind.CTDC,
        name=name,
        source=source or default_source,
        source_date=source_date,
        counting_unit=unit,
        file_sha256=digest,
        loaded_by=acting_user,
    )
    count = 0
    try:
        with connection.cursor() as wrapper:
            cur = wrapper.cursor  # the driver's cursor: psycopg's COPY
            for table in batches(path, KNOWN):
                rows = _rows(table, dataset.pk)
                if connection.vendor == "postgresql":
                    sql = f"COPY reference_record ({', '.join(COLUMNS)}) FROM STDIN"
                    with cur.copy(sql) as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    Record.objects.bulk_create(
                        (Record(**dict(zip(COLUMNS, row, strict=True))) for row in rows),
                        batch_size=5000,
                    )
                count += table.num_rows
                if progress:
                    progress(count)
    except LayoutError as exc:
        raise ValidationError(_("The file is not in the CTDC layout.")) from exc
    dataset.records = count
    dataset.save(update_fields=["records"])
    record(
        Action.IMPORT,
        actor=acting_user,
        obj=dataset,
        detail=f"reference ctdc: {count} records",
    )
    return dataset
