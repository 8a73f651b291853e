"""Probabilistic linkage of persons with Splink on an in-memory DuckDB.

The register's comparison records (see `features`) are loaded into a DuckDB that lives in
this process's memory only (spilling to disk is switched off, so no identity trace reaches
a file). Splink compares pairs found by the blocking rules, in every script (the name keys
already fold Tajik Cyrillic, Russian and Latin spellings), and gives each pair a match
probability from m and u parameters: u estimated by random sampling, m by expectation
maximisation. The trained settings are stored as a `LinkageModel` version.

`likely_matches` scores one new person against the register without Splink's SQL: it
fetches candidates through the name-token index and scores them with the stored m and u
parameters in Python (the same levels, so the same numbers), fast enough for registration.
"""

import logging
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd

from himoya.linkage import features

logger = logging.getLogger(__name__)

CROSS_ORGANISATION = "l.organisation <> r.organisation"
TF_COLUMNS = ("first_key", "surname_stem")


def _comparisons() -> list:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    first = cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_key"),
            cll.ExactMatchLevel("first_key").configure(tf_adjustment_column="first_key"),
            cll.JaroWinklerLevel("first_key", 0.92),
            # The first name is among the other record's name words: the order was changed.
            cll.CustomLevel(
                "list_contains(name_keys_r, first_key_l) "
                "OR list_contains(name_keys_l, first_key_r)",
                label_for_charts="first name in another place",
            ),
            cll.LevenshteinLevel("first_key", 2),
            cll.ElseLevel(),
        ],
    )
    surname = cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            cll.NullLevel("surname_key"),
            # The stem, not the whole key: -ов and -ова would tie the family name to sex,
            # which the first name already tells (its evidence would count twice).
            cll.ExactMatchLevel("surname_stem").configure(tf_adjustment_column="surname_stem"),
            cll.CustomLevel(
                "list_contains(name_keys_r, surname_key_l) "
                "OR list_contains(name_keys_l, surname_key_r)",
                label_for_charts="family name in another place",
            ),
            cll.JaroWinklerLevel("surname_stem", 0.9),
            cll.LevenshteinLevel("surname_stem", 2),
            cll.ElseLevel(),
        ],
    )
    patronymic = cl.CustomComparison(
        output_column_name="patronymic",
        comparison_levels=[
            cll.NullLevel("patronymic_key"),
            cll.ExactMatchLevel("patronymic_key"),
            cll.CustomLevel(
                "jaro_winkler_similarity(patronymic_key_l, patronymic_key_r) >= 0.88",
                label_for_charts="patronymic similar",
            ),
            cll.ElseLevel(),
        ],
    )
    approximate = "(dob_l IS NULL OR dob_r IS NULL)"
    born = cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("dob"),
            # An approximate age on one side: the years can only be compared loosely.
            cll.CustomLevel(
                f"{approximate} AND birth_year_l = birth_year_r", label_for_charts="year"
            ),
            cll.CustomLevel(
                f"{approximate} AND abs(birth_year_l - birth_year_r) <= 1", label_for_charts="±1"
            ),
            cll.CustomLevel(
                f"{approximate} AND abs(birth_year_l - birth_year_r) <= 3", label_for_charts="±3"
            ),
            # Two full dates that differ, but by less than a year and a bit: a slip.
            cll.CustomLevel(
                "abs(birth_year_l - birth_year_r) <= 1", label_for_charts="dates differ"
            ),
            cll.ElseLevel(),
        ],
    )
    # Sex counts only where a first name is missing: first names tell sex already, and the
    # same evidence counted twice made pairs of namesakes look surer than they are.
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.CustomLevel(
                "(sex_l IS NULL OR sex_r IS NULL) "
                "OR (first_key_l IS NOT NULL AND first_key_r IS NOT NULL)",
                label_for_charts="not compared",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("sex"),
            cll.ElseLevel(),
        ],
    )
    return [
        first,
        surname,
        patronymic,
        born,
        sex,
        cl.ExactMatch("region"),
        cl.ExactMatch("doc_hash"),
        cl.ExactMatch("phone_hash"),
    ]


def _blocking_rules() -> list:
    cross = CROSS_ORGANISATION
    return [
        f"l.surname_stem = r.surname_stem AND l.birth_year = r.birth_year AND {cross}",
        f"l.first_key = r.first_key AND l.surname_stem = r.surname_stem AND {cross}",
        f"l.first_key = r.first_key AND l.dob = r.dob AND {cross}",
        f"l.first_stem = r.surname_stem AND l.surname_stem = r.first_stem AND {cross}",
        f"l.doc_hash = r.doc_hash AND {cross}",
        f"l.phone_hash = r.phone_hash AND {cross}",
    ]


def settings_dict() -> dict:
    """Return the untrained Splink settings of Himoya's person linkage."""
    from splink import SettingsCreator

    creator = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=_blocking_rules(),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        probability_two_random_records_match=1e-4,
    )
    return creator.get_settings("duckdb").as_dict()


def _connection() -> duckdb.DuckDBPyConnection:
    """Return a new in-memory DuckDB that never spills to disk."""
    con = duckdb.connect(":memory:")
    con.execute("SET temp_directory = ''")
    con.execute("SET enable_progress_bar = false")
    return con


def frame(records: "Iterable[dict] | pd.DataFrame") -> pd.DataFrame:
    """Return the records as a table with the engine's columns and types.

    Built column by column as the records come, so a register of a million persons is
    never held as a million dictionaries at once.
    """
    if isinstance(records, pd.DataFrame):
        return records
    columns: dict[str, list] = {c: [] for c in features.COLUMNS}
    for rec in records:
        for column, values in columns.items():
            values.append(rec[column])
    columns["name_keys"] = [k if k else None for k in columns["name_keys"]]
    df = pd.DataFrame(columns, columns=features.COLUMNS)
    for column in ("unique_id", "organisation", "birth_year"):
        df[column] = df[column].astype("Int64")
    return df


def _linker(df: pd.DataFrame, settings: dict):
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(_connection())
    table = db_api.register(df, dataset_display_name="persons")
    return Linker(table, settings, log_level=None)


TRAIN_SAMPLE = 200_000  # records enough to learn m and u; more only costs time and memory


class NoSureMatches(Exception):
    """The records hold no pair that is surely one person: nothing to learn matches from."""


def train(records: Iterable[dict], *, seed: int = 42, max_pairs: float = 2e6) -> dict:
    """Train the model on the register's records and return the trained Splink settings.

    A register larger than TRAIN_SAMPLE is trained on a seeded random sample of it.
    """
    from splink import block_on

    rows = list(records)
    if len(rows) > TRAIN_SAMPLE:
        import random

        # A random sample keeps the chance that two random records match (both the pairs
        # of one person and all pairs shrink by the square of the fraction), so no rescaling.
        return train(random.Random(seed).sample(rows, TRAIN_SAMPLE), seed=seed, max_pairs=max_pairs)
    df = frame(rows)
    linker = _linker(df, settings_dict())
    linker.training.estimate_probability_two_random_records_match(
        [
            "l.doc_hash = r.doc_hash",
            "l.first_key = r.first_key AND l.surname_key = r.surname_key AND l.dob = r.dob",
        ],
        recall=0.6,
    )
    if not linker.misc.save_model_to_json()["probability_two_random_records_match"] > 0:
        raise NoSureMatches
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in (block_on("dob"), block_on("doc_hash")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, fix_u_probabilities=True
        )
    return _floored(linker.misc.save_model_to_json())


M_FLOOR = 0.001


def _floored(settings: dict) -> dict:
    """Give levels never seen among matches a small m instead of zero or nothing, so no
    single field (a changed phone, a mistyped sex) can veto a pair whatever the rest says;
    levels never compared at all weigh nothing."""
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if u is None and m is None:  # never compared in training: no evidence either way
                level["m_probability"] = level["u_probability"] = 1.0
            elif m is None or m < M_FLOOR:
                level["m_probability"] = M_FLOOR
    return settings


def rescaled(settings: dict, trained_on: int, records: int) -> dict:
    """Return the settings with the prior scaled from the training set's size to `records`.

    The chance that two random records are one person falls as the register grows (each
    person has a few records at most), so a model trained on 50,000 records is told how
    big the register it now scores is.
    """
    if not trained_on or not records or trained_on == records:
        return settings
    prior = settings["probability_two_random_records_match"] * trained_on / records
    return settings | {"probability_two_random_records_match": min(max(prior, 1e-12), 0.5)}


@dataclass(frozen=True)
class Scored:
    """A pair of records with their match probability, the smaller id first."""

    first: int
    second: int
    probability: float


def predict(
    records: "Iterable[dict] | pd.DataFrame", settings: dict, *, threshold: float
) -> list[Scored]:
    """Return the pairs of different organisations at or above the threshold probability."""
    df = frame(records)
    if len(df) < 2:
        return []
    linker = _linker(df, settings)
    result = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    table = (
        result.as_duckdbpyrelation()
        .select("unique_id_l, unique_id_r, match_probability")
        .fetchall()
    )
    out = [Scored(min(a, b), max(a, b), float(p)) for a, b, p in table if p is not None]
    return out


def clusters(edges: Iterable[tuple[int, int]]) -> list[set[int]]:
    """Return the connected groups of record ids joined by the edges (union-find)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, set[int]] = {}
    for x in list(parent):
        groups.setdefault(find(x), set()).add(x)
    return list(groups.values())


# --- Scoring one record against others with the stored parameters (no SQL) -----------------


def jaro_winkler(a: str, b: str) -> float:
    """Return the Jaro-Winkler similarity of two strings (as DuckDB computes it)."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    reach = max(max(la, lb) // 2 - 1, 0)
    used = [False] * lb
    matches_a = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - reach), min(lb, i + reach + 1)):
            if not used[j] and b[j] == ch:
                used[j] = True
                matches_a.append(ch)
                break
    m = len(matches_a)
    if not m:
        return 0.0
    matches_b = [b[j] for j in range(lb) if used[j]]
    transpositions = sum(x != y for x, y in zip(matches_a, matches_b, strict=True)) // 2
    jaro = (m / la + m / lb + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def levenshtein(a: str, b: str) -> int:
    """Return the edit distance of two strings."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _level(name: str, l: dict, r: dict) -> int:  # noqa: E741, C901
    """Return the comparison vector value of one comparison (-1 for null), as the SQL does."""

    def null(col: str) -> bool:
        return l[col] is None or r[col] is None

    if name == "first_name":
        if null("first_key"):
            return -1
        a, b = l["first_key"], r["first_key"]
        if a == b:
            return 4
        if jaro_winkler(a, b) >= 0.92:
            return 3
        if a in (r["name_keys"] or ()) or b in (l["name_keys"] or ()):
            return 2
        return 1 if levenshtein(a, b) <= 2 else 0
    if name == "surname":
        if null("surname_key"):
            return -1
        a, b = l["surname_stem"], r["surname_stem"]
        if a == b:
            return 4
        if l["surname_key"] in (r["name_keys"] or ()) or r["surname_key"] in (l["name_keys"] or ()):
            return 3
        if jaro_winkler(a, b) >= 0.9:
            return 2
        return 1 if levenshtein(a, b) <= 2 else 0
    if name == "patronymic":
        if null("patronymic_key"):
            return -1
        a, b = l["patronymic_key"], r["patronymic_key"]
        if a == b:
            return 2
        return 1 if jaro_winkler(a, b) >= 0.88 else 0
    if name == "birth":
        if l["birth_year"] is None or r["birth_year"] is None:
            return -1
        if l["dob"] is not None and l["dob"] == r["dob"]:
            return 5
        gap = abs(l["birth_year"] - r["birth_year"])
        if l["dob"] is None or r["dob"] is None:
            if gap <= 3:
                return 4 if gap == 0 else 3 if gap <= 1 else 2
        return 1 if gap <= 1 else 0
    if name == "sex" and not (null("first_key") or null("sex")):
        return -1  # sex counts only where a first name is missing
    # sex, region, doc_hash, phone_hash: exact match
    if null(name):
        return -1
    return 1 if l[name] == r[name] else 0


class Scorer:
    """Fellegi-Sunter scoring with a stored model's parameters, for a handful of pairs."""

    def __init__(self, settings: dict):
        self.prior = settings["probability_two_random_records_match"]
        # Splink numbers the levels that are not null downwards from the top, to 0.
        self.comparisons: list[tuple[str, dict[int, dict]]] = []
        for comparison in settings["comparisons"]:
            levels = [c for c in comparison["comparison_levels"] if not c.get("is_null_level")]
            top = len(levels) - 1
            numbered = {top - i: level for i, level in enumerate(levels)}
            self.comparisons.append((comparison["output_column_name"], numbered))

    def weight(self, l: dict, r: dict, tf: dict[str, tuple[float, float]] | None = None) -> float:  # noqa: E741
        """Return the log2 Bayes factor of the pair (without the prior)."""
        total = 0.0
        for name, levels in self.comparisons:
            value = _level(name, l, r)
            if value < 0:
                continue
            level = levels[value]
            m = level.get("m_probability") or 1.0
            u = level.get("u_probability") or 1.0
            total += math.log2(m / u)
            column = level.get("tf_adjustment_column")
            if column and tf and column in tf:
                u_tf = max(tf[column])
                if u_tf > 0:
                    total += level.get("tf_adjustment_weight", 1.0) * math.log2(u / u_tf)
        return total

    def probability(
        self,
        l: dict,  # noqa: E741
        r: dict,
        tf: dict[str, tuple[float, float]] | None = None,
        prior: float | None = None,
    ) -> float:
        """Return the match probability of the pair (under another prior if given)."""
        p = self.prior if prior is None else prior
        prior_weight = math.log2(p / (1 - p))
        weight = prior_weight + self.weight(l, r, tf)
        if weight > 60:
            return 1.0
        odds = 2**weight
        return odds / (1 + odds)


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- The register ----------------------------------------------------------------------


def register_records(ids: Iterable[int] | None = None) -> Iterator[dict]:
    """Yield the comparison records of the register's persons (decrypted in memory only)."""
    from django.db.models import Min

    from himoya.cases.models import Person

    persons = Person.objects.annotate(first_registered=Min("cases__registered_on")).order_by("pk")
    if ids is not None:
        persons = persons.filter(pk__in=list(ids))
    for person in persons.iterator(chunk_size=2000):
        yield features.person_record(person)


# --- One new person against the register --------------------------------------------------

CANDIDATE_LIMIT = 150
FAMILY_FORMS = ("", "ov", "ova", "ev", "eva", "zoda", "i", "zade", "zada")
COMPARED_FIELDS = (
    "organisation_id",
    "given_name",
    "family_name",
    "patronymic",
    "given_name_latin",
    "family_name_latin",
    "patronymic_latin",
    "date_of_birth",
    "approximate_age",
    "sex",
    "region_of_origin",
    "document_number",
    "phone",
    "created_at",
)
_scorers: dict[int, Scorer] = {}


def _scorer(model) -> Scorer:
    if model.pk not in _scorers:
        _scorers.clear()
        _scorers[model.pk] = Scorer(model.settings)
    return _scorers[model.pk]


def _register_size() -> int:
    from django.db import connection

    from himoya.cases.models import Person

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [Person._meta.db_table],
            )
            row = cursor.fetchone()
            if row and row[0] and row[0] > 10_000:
                return int(row[0])
    return Person.objects.count()


def _candidate_ids(rec: dict, exclude: int | None) -> list[int]:
    """Return ids of persons sharing at least two name traces with the record (by index)."""
    from django.db.models import Count

    from himoya.cases.models import PersonNameToken, name_prefix_hash, name_token_hash

    hashes = {name_token_hash(k) for k in rec["name_keys"] or ()}
    for stem_ in {rec["surname_stem"], rec["first_stem"]} - {None}:
        if len(stem_) >= features.STEM_MIN:
            hashes.update((name_token_hash(stem_), name_prefix_hash(stem_)))
    if not hashes:
        return []
    rows = (
        PersonNameToken.objects.filter(token_hash__in=sorted(hashes))
        .exclude(person_id=exclude or 0)
        .values("person_id")
        .annotate(n=Count("person_id"))
        .filter(n__gte=2)
        .order_by("-n", "-person_id")
        .values_list("person_id", flat=True)
    )
    return list(rows[:CANDIDATE_LIMIT])


def _term_frequencies(rec: dict, size: int) -> dict[str, tuple[float, float]]:
    """Return how common the record's first name and family name keys are in the register
    of `size` persons."""
    from django.db.models import Count

    from himoya.cases.models import PersonNameToken, name_token_hash

    # A stem is counted by its usual family-name forms (rahim: rahimov, rahimova, rahimzoda…),
    # whole keys only: counting a beginning would read a large part of the index.
    wanted: dict[str, set[str]] = {}
    if rec["first_key"]:
        wanted["first_key"] = {name_token_hash(rec["first_key"])}
    if rec["surname_stem"]:
        stem_ = rec["surname_stem"]
        wanted["surname_stem"] = {name_token_hash(stem_ + end) for end in FAMILY_FORMS}
    hashes = set().union(*wanted.values()) if wanted else set()
    counts = dict(
        PersonNameToken.objects.filter(token_hash__in=hashes)
        .values("token_hash")
        .annotate(n=Count("*"))
        .values_list("token_hash", "n")
    )
    size = max(size, 1)
    out = {}
    for column, column_hashes in wanted.items():
        n = sum(counts.get(h, 0) for h in column_hashes)
        if n:
            out[column] = (n / size, n / size)
    return out


def likely_matches(person, *, threshold: float) -> list[tuple[int, float]]:
    """Return (person id, match probability) of register persons likely to be this person.

    Candidates come from the name-token index (whole name keys and the family name's stem);
    each is scored with the active model's parameters. Most likely first; empty without an
    active model. The caller decides what a caseworker may see (her own organisation only).
    """
    from django.db.models import Min

    from himoya.cases.models import Case, Person
    from himoya.linkage.models import LinkageModel

    model = LinkageModel.current()
    if model is None:
        return []
    rec = features.person_record(person)
    ids = _candidate_ids(rec, person.pk)
    if not ids:
        return []
    scorer = _scorer(model)
    size = _register_size()
    prior = rescaled(model.settings, model.record_count, size)
    tf = _term_frequencies(rec, size)
    found = []
    # Only the compared fields are read (and decrypted); the person's first registration
    # dates an approximate age.
    registered = dict(
        Case.objects.filter(person_id__in=ids)
        .values("person_id")
        .annotate(first=Min("registered_on"))
        .values_list("person_id", "first")
    )
    others = Person.objects.filter(pk__in=ids).only(*COMPARED_FIELDS)
    for other in others:
        theirs = features.person_record(other, registered.get(other.pk))
        probability = scorer.probability(
            rec, theirs, tf, prior["probability_two_random_records_match"]
        )
        if probability >= threshold:
            found.append((other.pk, probability))
    found.sort(key=lambda x: (-x[1], x[0]))
    return found
