"""Benchmark: the national dashboard and the UNODC XLSX export over 1,000,000 cases.

Prints the dashboard's median render time against hand-written GROUPING SETS queries
that compute the same numbers from the same copied columns under the same settings,
measured in the same run (machines here are noisy; the
ratio is what counts), and the time of the full UNODC table set for ten years as XLSX.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/himoya_bench \
        python bench/stats_dashboard.py [--cases 1000000] [--runs 7]

It migrates the database, creates the demo organisations and generates the cases with
`himoya generate-cases` when fewer are there. Not part of the test suite.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/himoya_bench")
os.environ.setdefault("HIMOYA_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "himoya.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

# The baseline reads what the engine reads: the case rows, with the codes of each case
# from the |code|code| copies on the row (Case.COPIED_CODES, unnested as the engine
# does), not from a join with every CaseCode row; persons as the engine counts them
# (the national identity when linked); and it runs under the engine's settings
# (work_mem, no JIT, in one transaction). One query per child table, as the engine.
_CODES = (
    "unnest(coalesce(nullif(string_to_array(trim(both '|' from c.{col}), '|'), '{{}}'), "
    "ARRAY[NULL]::text[]))"
)
_PERSONS = """
       COUNT(DISTINCT COALESCE(c.national_person_id, c.person_id))
             FILTER (WHERE c.registered_on BETWEEN %(s)s AND %(e)s),
       COUNT(DISTINCT COALESCE(c.national_person_id, c.person_id))
             FILTER (WHERE c.registered_on BETWEEN %(ps)s AND %(pe)s)
"""
BASELINE_SQL = [
    f"""
SELECT to_char(c.registered_on, 'YYYY-MM') AS month,
       CASE WHEN c.sex = 'male' AND c.age_group IN ('child', '0-8', '9-17') THEN 'boy'
            WHEN c.sex = 'female' AND c.age_group IN ('child', '0-8', '9-17') THEN 'girl'
            WHEN c.sex = 'male' AND c.age_group <> '' THEN 'man'
            WHEN c.sex = 'female' AND c.age_group <> '' THEN 'woman' ELSE 'unknown' END AS sex_age,
       c.exploitation_country, c.is_cross_border, c.region_of_origin, {_PERSONS}
FROM cases_case c
WHERE c.registered_on BETWEEN %(ps)s AND %(e)s
GROUP BY GROUPING SETS ((), (1), (2), (3), (4), (5))
""",
    *[
        f"""
SELECT {cols}, {_PERSONS}
FROM (SELECT c.*, {_CODES.format(col=col)} AS code FROM cases_case c
      WHERE c.registered_on BETWEEN %(ps)s AND %(e)s) c
GROUP BY GROUPING SETS {sets}
"""
        for col, cols, sets in (
            ("exploitation_codes", "code, c.sex", "((code), (code, c.sex))"),
            ("labour_sector_codes", "code", "((code))"),
        )
    ],
]


def median_ms(fn, runs: int) -> float:
    fn()  # warm the caches once
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def ensure_data(count: int) -> None:
    from himoya.cases.models import Case

    call_command("migrate", verbosity=0)
    if not Case.objects.exists():
        call_command("demo", cases=0, verbosity=0)
    have = Case.objects.count()
    if have < count:
        print(f"generating {count - have:,} cases …", flush=True)
        call_command("generate-cases", count=count - have, seed=have + 1)
    connection.cursor().execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL).")
    ensure_data(args.cases)

    from conftest import sign_in
    from himoya.access.roles import Role
    from himoya.cases.models import Case
    from himoya.organisations.models import Membership
    from himoya.stats import periods

    setup_test_environment()
    coordinator = Membership.objects.filter(role=Role.NATIONAL_COORDINATOR).first().user
    client = sign_in(Client(), coordinator)
    period = periods.year(args.year)
    prev = period.previous_year()
    url = f"/stats/?period=year&year={args.year}"
    total = Case.objects.count()
    print(f"{total:,} cases; dashboard for {args.year} (compared with {args.year - 1})")

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def baseline():
        from django.db import transaction

        params = {"s": period.start, "e": period.end, "ps": prev.start, "pe": prev.end}
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL work_mem = '64MB'")
            cur.execute("SET LOCAL jit = off")
            for sql in BASELINE_SQL:
                cur.execute(sql, params)
                cur.fetchall()

    base = median_ms(baseline, args.runs)
    dash = median_ms(page, args.runs)
    print(f"hand-written GROUPING SETS queries (baseline): median {base:8.1f} ms")
    print(f"full dashboard page:                median {dash:8.1f} ms")
    print(
        f"ratio dashboard / baseline: {dash / base:.2f} (target ≤ 2.0); "
        f"dashboard {'under' if dash < 1000 else 'OVER'} 1 s"
    )
    # The same page for an analyst: every figure through the cell-key protection.
    analyst = Membership.objects.filter(role=Role.ANALYST).first().user
    protected_client = sign_in(Client(), analyst)

    def protected_page():
        response = protected_client.get(url)
        assert response.status_code == 200, response.status_code

    protected = median_ms(protected_page, args.runs)
    print(f"dashboard with the protection on (analyst): median {protected:8.1f} ms")
    print(
        f"ratio protected / baseline: {protected / base:.2f}; "
        f"protected / exact page: {protected / dash:.2f}; "
        f"protected dashboard {'under' if protected < 1000 else 'OVER'} 1 s"
    )

    from himoya.stats import engine, exports, reports

    ten_years = periods.custom(period.start.replace(year=args.year - 9), period.end)
    scope = engine.scope_for(coordinator)
    t = time.perf_counter()
    result = reports.build(reports.reports()["unodc"], ten_years, scope)
    body = exports.to_xlsx(result)
    elapsed = time.perf_counter() - t
    print(
        f"UNODC table set, ten years ({ten_years.label}), XLSX {len(body) / 1024:.0f} KiB: "
        f"{elapsed:.1f} s (target < 10 s)"
    )


if __name__ == "__main__":
    main()
