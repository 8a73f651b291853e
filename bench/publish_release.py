"""Benchmark: a k-anonymous release with 10 quasi-identifiers, and a synthetic release.

Targets (issue 17): k-anonymous release of 1,000,000 cases with 10 quasi-identifiers in
under 60 s and 4 GiB; synthetic release of 100,000 records with 10 fields in under 3 min.

Baselines measured in the same run, so the ratios mean something on a noisy machine:
- k-anonymity: ONE pass that reads the same rows from PostgreSQL and counts the
  quasi-identifier classes with pandas `groupby().size()`. Any k-anonymisation has to
  read the population and count its classes at least once; this is that floor, written
  the way a careful analyst would (one query, vectorised counting).
- synthetic: pac-synth itself fitted and sampled on the same records, called directly.
  The ratio shows what Himoya adds (reading, measuring utility) around the library.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/himoya_bench \\
        python bench/publish_release.py [--cases 1000000] [--synthetic 100000]

It migrates the database and generates cases with `himoya generate-cases` when fewer are
there. Not part of the test suite.
"""

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/himoya_bench")
os.environ.setdefault("HIMOYA_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "himoya.settings")

import django  # noqa: E402

django.setup()

import pandas as pd  # noqa: E402
from django.core.management import call_command  # noqa: E402

from himoya.cases.models import Case  # noqa: E402
from himoya.publish import kanon, measure, population, synthetic  # noqa: E402

QIS = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    "isCrossBorder",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
]
START, END = datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)


def ensure_cases(count: int) -> None:
    call_command("migrate", verbosity=0)
    have = Case.objects.count()
    if have < count:
        from himoya.organisations.models import Organisation

        if not Organisation.objects.exists():
            call_command("demo", cases=0)
        call_command("generate-cases", count=count - have, seed=have + 1)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--synthetic", type=int, default=100_000)
    args = parser.parse_args()
    ensure_cases(args.cases)

    def baseline():
        frame = pd.DataFrame(population.rows(START, END, [], "all", QIS), columns=QIS)
        return frame.astype(str).groupby(QIS, dropna=False).size()

    def release():
        frame = pd.DataFrame(population.rows(START, END, [], "all", QIS), columns=QIS)
        result = kanon.anonymise(frame, QIS, 11)
        measure.reidentification(frame, result, QIS)
        return result

    _, base = timed(baseline)
    result, took = timed(release)
    print(f"k-anonymous release: {result.records_in:,} persons, 10 quasi-identifiers, k=11")
    print(f"  baseline (read + count classes once): {base:.1f} s")
    print(f"  release (generalise, suppress, re-identification test): {took:.1f} s")
    print(f"  ratio release / baseline: {took / base:.2f}   target: under 60 s")
    print(f"  suppressed {result.suppressed_records:,}; levels {result.levels}")
    print(f"  peak memory so far: {peak_mib():,.0f} MiB   target: under 4,096 MiB")

    rows = population.rows(START, END, [], "all", QIS)[: args.synthetic]
    frame = pd.DataFrame(rows, columns=QIS)

    def library_only():
        import pacsynth

        text = pd.DataFrame({c: kanon.as_text(frame[c]) for c in QIS})
        records = [QIS, *text.values.tolist()]
        params = pacsynth.DpAggregateSeededParametersBuilder().reporting_length(3).epsilon(4.0)
        synth = pacsynth.DpAggregateSeededSynthesizer(params.build())
        synth.fit(pacsynth.Dataset(records, sensitive_zeros=QIS))
        return synth.sample()

    _, lib = timed(library_only)
    made, syn = timed(lambda: synthetic.synthesise(frame, epsilon=4.0))
    _, util = timed(lambda: measure.utility(frame, made.data, QIS))
    print(f"synthetic release: {len(frame):,} records × {len(QIS)} fields, ε=4")
    print(f"  baseline (pac-synth alone): {lib:.1f} s")
    print(f"  Himoya's synthesis: {syn:.1f} s, utility measurement: {util:.1f} s")
    print(f"  ratio Himoya / baseline: {(syn + util) / lib:.2f}   target: under 180 s")
    print(f"  peak memory: {peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
