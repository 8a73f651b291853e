"""What the benchmarks share: their PostgreSQL databases and their synthetic cases."""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432/"


def ensure_database(name: str) -> None:
    """Create the benchmark's database unless it is there (benchmarks reuse their data)."""
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def fill_cases(count: int, label: str = "") -> dict:
    """Migrate, create the demo organisations and generate cases up to `count` (Django set up).

    Returns the demo context (its "organisations" by slug). Statistics are refreshed
    after cases are written, so every run plans its queries on the data as it is.
    """
    from django.core.management import call_command
    from django.db import connection

    from himoya.cases import bulk, demo
    from himoya.cases.models import Case
    from himoya.organisations import demo as organisations_demo

    call_command("migrate", verbosity=0)
    ctx: dict = {}
    organisations_demo.populate(ctx)
    have = Case.objects.count()
    if have < count:
        started = time.perf_counter()
        regs = demo.registrars(ctx["organisations"])
        with bulk.deferred_indexes():
            bulk.generate(count - have, regs, seed=have + 1, batch_size=20_000, source_prefix="")
        print(f"{label}wrote {count - have:,} cases in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)  # fmt: skip
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    return ctx
