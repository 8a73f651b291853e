"""How fast and how accurate is the probabilistic person linkage (issue 13)?

Two measurements:

1. Whole linkage in memory (default): generates --persons labelled persons (10 % further
   registrations of earlier persons, in other organisations, with the real-world variants
   of `himoya.linkage.synthetic`), builds their comparison records, trains the Splink model
   (u by random sampling, m by EM), predicts every pair found by the blocking rules and
   clusters the pairs at the automatic threshold. Prints the time of each step, pairwise
   precision and recall at the automatic threshold, and the peak resident memory of the
   child process that did the work.

   Baseline, measured in the same child on the same records: a deterministic linkage on
   the same in-memory DuckDB (pairs of two organisations with equal first-name key,
   family-name stem and birth date, one hash join). It is fair because it sees the same
   records on the same engine at the same moment; the ratio says what the probabilistic
   model costs over the simplest exact rule, and its precision and recall say what it buys.

2. One new person against the register (--lookup): in a PostgreSQL database given by
   DATABASE_URL (default `himoya_bench_linkage`, created and filled with --register
   synthetic cases if it has fewer), trains a model version on 50,000 generated
   persons, then times `likely_matches` for --lookups persons of the register (each scored
   against all the others) and prints the median. Baseline: the same candidate query on
   the name-token index alone (no decryption, no scoring), timed for the same persons in
   the same process, so the ratio is what decrypting and scoring the candidates adds.

    .venv/bin/python bench/linkage.py [--persons 100000]
    .venv/bin/python bench/linkage.py --persons 1000000
    .venv/bin/python bench/linkage.py --lookup [--register 1000000] [--lookups 50]

Not part of the test suite.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

from _common import PG, ROOT, ensure_database, fill_cases  # bench/ is on the path

LOOKUP_DB = "himoya_bench_linkage"


def _django(url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "himoya.settings_test")
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def whole(persons: int, seed: int) -> dict:
    """Run the whole linkage on generated persons (in this process); return measurements."""
    _django("sqlite://:memory:")
    from himoya.linkage import engine, synthetic

    out: dict = {"persons": persons}
    started = time.perf_counter()
    people = synthetic.Generator(seed=seed).persons(persons)
    truth = synthetic.true_pairs(people)
    out["generate_s"] = time.perf_counter() - started

    started = time.perf_counter()
    records = list(synthetic.records(people))
    del people
    out["features_s"] = time.perf_counter() - started

    linkage_started = time.perf_counter()
    settings = engine.train(records, max_pairs=5e6)
    out["train_s"] = time.perf_counter() - linkage_started
    threshold = 0.8
    started = time.perf_counter()
    scored = engine.predict(records, settings, threshold=0.3)
    out["predict_s"] = time.perf_counter() - started
    started = time.perf_counter()
    linkable = {r["unique_id"] for r in records if r["linkable"]}
    sure = [
        (s.first, s.second)
        for s in scored
        if s.probability >= threshold and s.first in linkable and s.second in linkable
    ]
    groups = engine.clusters(sure)
    out["cluster_s"] = time.perf_counter() - started
    out["linkage_s"] = time.perf_counter() - linkage_started
    out["pairs_scored"] = len(scored)
    out["groups"] = len(groups)
    out["true_pairs"] = len(truth)
    out["precision"], out["recall"] = synthetic.precision_recall(set(sure), truth)

    # Baseline: one exact rule on the same engine and records.
    started = time.perf_counter()
    con = engine._connection()
    df = engine.frame(records)
    con.register("persons", df)
    exact = con.execute(
        """
        SELECT least(l.unique_id, r.unique_id), greatest(l.unique_id, r.unique_id)
        FROM persons l JOIN persons r
          ON l.first_key = r.first_key AND l.surname_stem = r.surname_stem AND l.dob = r.dob
        WHERE l.unique_id < r.unique_id AND l.organisation <> r.organisation
          AND l.linkable AND r.linkable
        """
    ).fetchall()
    out["baseline_s"] = time.perf_counter() - started
    out["baseline_precision"], out["baseline_recall"] = synthetic.precision_recall(
        {(a, b) for a, b in exact}, truth
    )
    out["peak_rss_gib"] = _peak_rss_gib()
    return out


def lookup(url: str, register: int, lookups: int) -> dict:
    """Time likely_matches against the register in PostgreSQL (in this process)."""
    _django(url)
    from django.db.models import Min

    from himoya.cases.models import Person
    from himoya.linkage import actions, engine, features, synthetic

    fill_cases(register, label="linkage lookup: ")
    # A new version each run, so the timing is of the model the code trains today.
    records = list(synthetic.records(synthetic.Generator(seed=1).persons(50_000)))
    actions.do_train_model(records=records)
    del records
    size = Person.objects.count()
    step = max(size // lookups, 1)
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True)[::step][:lookups])
    persons = list(
        Person.objects.filter(pk__in=ids).annotate(first_registered=Min("cases__registered_on"))
    )
    engine.likely_matches(persons[0], threshold=0.5)  # warm the model cache and connection
    timings, base, found = [], [], 0
    for person in persons:
        started = time.perf_counter()
        engine._candidate_ids(features.person_record(person), person.pk)
        base.append(time.perf_counter() - started)
        started = time.perf_counter()
        found += bool(engine.likely_matches(person, threshold=0.5))
        timings.append(time.perf_counter() - started)
    return {
        "register": size,
        "lookups": len(persons),
        "median_ms": statistics.median(timings) * 1000,
        "p90_ms": sorted(timings)[int(len(timings) * 0.9)] * 1000,
        "baseline_median_ms": statistics.median(base) * 1000,
        "with_match": found,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--lookup", action="store_true")
    parser.add_argument("--register", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=50)
    parser.add_argument("--child", choices=["whole", "lookup"])
    opts = parser.parse_args()
    if opts.child == "whole":
        print(json.dumps(whole(opts.persons, opts.seed)))
        return
    if opts.child == "lookup":
        url = os.environ.get("DATABASE_URL") or PG + LOOKUP_DB
        print(json.dumps(lookup(url, opts.register, opts.lookups)))
        return
    args = [sys.executable, __file__, "--seed", str(opts.seed)]
    if opts.lookup:
        env = dict(os.environ)
        if not env.get("DATABASE_URL"):
            ensure_database(LOOKUP_DB)
            env["DATABASE_URL"] = PG + LOOKUP_DB
        args += ["--child", "lookup", "--register", str(opts.register)]
        args += ["--lookups", str(opts.lookups)]
        result = json.loads(subprocess.check_output(args, env=env).decode().splitlines()[-1])
        print(
            f"likely_matches against {result['register']:,} persons "
            f"({result['lookups']} lookups, {result['with_match']} with a match ≥ 0.5): "
            f"median {result['median_ms']:.1f} ms, p90 {result['p90_ms']:.1f} ms "
            f"(target < 200 ms); candidate index query alone {result['baseline_median_ms']:.1f}"
            f" ms, ratio {result['median_ms'] / result['baseline_median_ms']:.1f}×"
        )
        return
    args += ["--child", "whole", "--persons", str(opts.persons)]
    r = json.loads(subprocess.check_output(args).decode().splitlines()[-1])
    print(
        f"{r['persons']:,} persons ({r['true_pairs']:,} labelled pairs): generated in "
        f"{r['generate_s']:.1f} s, comparison records in {r['features_s']:.1f} s"
    )
    print(
        f"linkage {r['linkage_s']:.1f} s (train {r['train_s']:.1f} s, predict "
        f"{r['predict_s']:.1f} s for {r['pairs_scored']:,} pairs ≥ 0.3, cluster "
        f"{r['cluster_s']:.1f} s into {r['groups']:,} groups); peak RSS {r['peak_rss_gib']:.2f} GiB"
    )
    print(
        f"at the automatic threshold 0.8: precision {r['precision']:.4f}, recall {r['recall']:.4f}"
    )
    print(
        f"baseline exact rule (first name, family stem, birth date): {r['baseline_s']:.2f} s, "
        f"precision {r['baseline_precision']:.4f}, recall {r['baseline_recall']:.4f}; "
        f"linkage/baseline time {r['linkage_s'] / max(r['baseline_s'], 1e-9):.0f}×"
    )


if __name__ == "__main__":
    main()
