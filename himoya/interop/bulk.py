"""Write many rows fast: PostgreSQL COPY into the real tables, bulk_create elsewhere.

Ids are allocated up front from the table's own sequence, so related rows (a case and
its person, codes and situation) can be written in separate COPY streams.
"""

import datetime
import io
import json

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, models
from django.utils import timezone


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def allocate_ids(model, n: int) -> list[int]:
    """Reserve `n` primary keys of `model` from its own sequence.

    On PostgreSQL the ids are drawn with nextval, which never blocks anyone and is not
    rolled back: other writers (a registration in another organisation) keep inserting
    while an import runs; the ids need not be consecutive. Elsewhere (SQLite, which lets
    one writer at a time) the ids follow the largest one in the table.
    """
    if n == 0:
        return []
    table = model._meta.db_table
    if not is_postgres():
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
            first = cur.fetchone()[0] + 1
        return list(range(first, first + n))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, n],
        )
        return [row[0] for row in cur.fetchall()]


def lock_organisation(organisation_id: int) -> None:
    """Serialise imports into one organisation until the transaction ends."""
    if is_postgres():
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x1A7E, organisation_id])


def _constant(field: models.Field, now: datetime.datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now.isoformat() if isinstance(field, models.DateTimeField) else now.date()
    if field.has_default():
        value = field.get_db_prep_save(field.get_default(), connection)
    elif field.null:
        value = None
    else:
        value = field.get_db_prep_save("", connection) if field.empty_strings_allowed else None
    return value


def _arrow(values, n: int) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    return pa.array(values)


def copy_columns(model, columns: dict, n: int) -> None:
    """Insert `n` rows given as {attname: pa.Array | list}; other columns take defaults.

    Values must already be in their database form (encrypted text, codes, dates …).
    """
    if n == 0:
        return
    now = timezone.now()
    names, arrays = [], []
    for field in model._meta.concrete_fields:
        if field.attname in columns:
            array = _arrow(columns[field.attname], n)
        elif field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        else:
            value = _constant(field, now)
            array = pa.nulls(n) if value is None else pa.array([value] * n)
        names.append(field.column)
        arrays.append(array)
    table = pa.table(dict(zip(names, arrays, strict=True)))
    if not is_postgres():
        attnames = {f.column: f.attname for f in model._meta.concrete_fields}
        json_columns = {
            f.column for f in model._meta.concrete_fields if isinstance(f, models.JSONField)
        }
        objs = [
            model(
                **{
                    attnames[k]: json.loads(v) if k in json_columns and v is not None else v
                    for k, v in row.items()
                }
            )
            for row in table.to_pylist()
        ]
        model.objects.bulk_create(objs, batch_size=500)
        return
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False, batch_size=8192))
    quoted = ", ".join(connection.ops.quote_name(c) for c in names)
    sql = (
        f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN (FORMAT csv)"
    )
    with connection.cursor() as cur:
        with cur.cursor.copy(sql) as copy:
            view = buffer.getbuffer()
            for start in range(0, len(view), 1 << 20):
                copy.write(view[start : start + (1 << 20)])
            del view


def copy_objects(model, objs: list) -> None:
    """Insert model instances (ids set or not) with COPY, or bulk_create off PostgreSQL."""
    if not objs:
        return
    if not is_postgres():
        model.objects.bulk_create(objs, batch_size=500)
        return
    columns = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and getattr(objs[0], field.attname) is None:
            continue
        values = []
        for obj in objs:
            value: object
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = timezone.now()
            elif isinstance(field, models.JSONField):
                value = json.dumps(getattr(obj, field.attname))
            else:
                value = field.get_db_prep_save(getattr(obj, field.attname), connection)
            if isinstance(value, datetime.datetime):
                value = value.isoformat()
            values.append(value)
        columns[field.attname] = (
            pa.array(values) if any(v is not None for v in values) else pa.nulls(len(values))
        )
    copy_columns(model, columns, len(objs))
