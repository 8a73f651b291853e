"""Candidate pairs: records of two bodies that may be one person (simple, exact rules).

Two person records of different organisations are proposed when they have the same sex,
the same date of birth (or, both without one, approximate ages within a year) and share at
least one name word, compared by its phonetic key so Tajik, Russian and Latin spellings
meet. A record with fewer than two name words is never proposed. Pairs already linked, and
pairs rejected while their compared fields were as they are now, are left out.
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import F, Max, OuterRef, Q, Subquery

from himoya.cases.models import Person, PersonNameToken
from himoya.cases.names import name_keys
from himoya.crypto.keys import blind_index
from himoya.linkage.features import age_in
from himoya.linkage.models import CandidatePair, LinkageModel, PairDecision, PersonLink

FINGERPRINT_PURPOSE = "linkage-pair"


@dataclass(frozen=True)
class Pair:
    """Two person records that may be one person, the smaller id first."""

    first: Person
    second: Person
    shared_names: int
    probability: float | None = None  # the linkage model's, when a model proposed the pair


def name_keys_of(person: Person) -> set[str]:
    """Return the phonetic keys of every name word of the record, in any script."""
    return name_keys(*(getattr(person, f) or "" for f in Person.NAME_FIELDS))


def born_alike(a: Person, b: Person) -> bool:
    """Tell whether the two records agree on birth: same date, or close approximate ages."""
    if a.date_of_birth or b.date_of_birth:
        return a.date_of_birth is not None and a.date_of_birth == b.date_of_birth
    age_a, age_b = age_in(a.approximate_age), age_in(b.approximate_age)
    return age_a is not None and age_b is not None and abs(age_a - age_b) <= 1


def fingerprint(a: Person, b: Person) -> str:
    """Return a keyed hash of both records' compared fields (changes when one changes)."""
    parts = []
    for p in sorted((a, b), key=lambda p: p.pk):
        born = p.date_of_birth.isoformat() if isinstance(p.date_of_birth, date) else ""
        parts.append("|".join([p.sex, born, p.approximate_age or "", *sorted(name_keys_of(p))]))
    return blind_index("#".join(parts), FINGERPRINT_PURPOSE)


def shared_if_alike(a: Person, b: Person, keys_a: set[str] | None = None) -> int | None:
    """Return how many name words two records share if they meet the rules, else None.

    The rules, whatever the organisations: same sex, born alike, two name words or more
    on each side and at least one in common. `keys_a`: a's name keys, if known already.
    """
    if not a.sex or a.sex != b.sex or not born_alike(a, b):
        return None  # the cheap tests first: most candidates share a common name only
    keys_a = name_keys_of(a) if keys_a is None else keys_a
    keys_b = name_keys_of(b)
    if len(keys_a) < 2 or len(keys_b) < 2 or not keys_a & keys_b:
        return None
    return len(keys_a & keys_b)


def check_pair(a: Person, b: Person) -> Pair | None:
    """Return the pair if the two records meet the rules, else None (ignores decisions)."""
    if a.organisation_id == b.organisation_id:
        return None
    shared = shared_if_alike(a, b)
    if shared is None:
        return None
    first, second = sorted((a, b), key=lambda p: p.pk)
    return Pair(first, second, shared)


def linked_together(a: Person, b: Person) -> bool:
    """Tell whether the two records already belong to the same national identity."""
    links = dict(
        PersonLink.objects.filter(person_id__in=[a.pk, b.pk]).values_list(
            "person_id", "national_id"
        )
    )
    return len(links) == 2 and links[a.pk] == links[b.pk]


def _blocked_ids() -> set[tuple[int, int]]:
    """Return id pairs of different organisations, same sex, sharing a name token hash."""
    token = PersonNameToken._meta.db_table
    person = Person._meta.db_table
    sql = f"""
        SELECT DISTINCT a.person_id, b.person_id
        FROM {token} a
        JOIN {token} b ON b.token_hash = a.token_hash AND b.person_id > a.person_id
        JOIN {person} pa ON pa.id = a.person_id
        JOIN {person} pb ON pb.id = b.person_id
        WHERE pa.organisation_id <> pb.organisation_id AND pa.sex = pb.sex AND pa.sex <> ''
    """  # noqa: S608  (table names from the models, no user input)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {(x, y) for x, y in cursor.fetchall()}


PAGE_SIZE = 50


def _open_scored_rows():
    """The model's queued pairs still open, most likely first: pairs of one organisation and
    pairs already linked together left out in the database, so a page is one query."""

    def national(side: str) -> Subquery:
        return Subquery(PersonLink.objects.filter(person=OuterRef(side)).values("national_id"))

    return (
        CandidatePair.objects.exclude(first__organisation=F("second__organisation"))
        .annotate(first_national=national("first"), second_national=national("second"))
        .filter(
            Q(first_national__isnull=True)
            | Q(second_national__isnull=True)
            | Q(first_national__lt=F("second_national"))
            | Q(first_national__gt=F("second_national"))
        )
        .order_by("-probability", "first_id", "second_id")
    )


def scored_pairs(page: int = 1, size: int = PAGE_SIZE) -> tuple[list[Pair], int]:
    """Return one page of the pairs the linkage model queued, most likely first, and how
    many are open in all; pairs rejected while their records were as they are now are
    left out of the page (a rejection also takes its pair out of the queue)."""
    rows_qs = _open_scored_rows()
    total = rows_qs.count()
    rows = list(rows_qs[(page - 1) * size : page * size])
    persons = (
        Person.objects.select_related("organisation")
        .prefetch_related("cases")
        .in_bulk({i for r in rows for i in (r.first_id, r.second_id)})
    )
    decisions = {
        (d.first_id, d.second_id): d.fingerprint
        for d in PairDecision.objects.filter(
            decision=PairDecision.Decision.REJECTED,
            first_id__in=[r.first_id for r in rows],
            second_id__in=[r.second_id for r in rows],
        )
    }
    out = []
    for row in rows:
        a, b = persons[row.first_id], persons[row.second_id]
        if decisions.get((a.pk, b.pk)) == fingerprint(a, b):
            continue
        out.append(Pair(a, b, shared_name_count(a, b), row.probability))
    return out, total


def queued_pair(a: Person, b: Person) -> Pair | None:
    """Return the pair if the model queued it or the simple rules propose it, else None."""
    row = CandidatePair.objects.filter(first=a, second=b).first()
    if row is not None and a.organisation_id != b.organisation_id:
        return Pair(a, b, shared_name_count(a, b), row.probability)
    return check_pair(a, b)


def candidate_pairs() -> list[Pair]:
    """Return the pairs to review: the model's, most likely first, once a model exists;
    else by the simple rules, newest records first. Decided and linked pairs left out."""
    if LinkageModel.objects.filter(active=True).exists():
        return scored_pairs(size=10**9)[0]
    blocked = _blocked_ids()
    ids = {i for pair in blocked for i in pair}
    persons = Person.objects.select_related("organisation").prefetch_related("cases").in_bulk(ids)
    links = dict(PersonLink.objects.values_list("person_id", "national_id"))
    decisions = {
        (d.first_id, d.second_id): d.fingerprint
        for d in PairDecision.objects.filter(decision=PairDecision.Decision.REJECTED)
    }
    out = []
    for x, y in blocked:
        a, b = persons[x], persons[y]
        if x in links and links.get(y) == links[x]:
            continue
        pair = check_pair(a, b)
        if pair is None:
            continue
        if decisions.get((x, y)) == fingerprint(a, b):
            continue
        out.append(pair)
    out.sort(key=lambda p: (-p.second.pk, -p.first.pk))
    return out


def shared_name_count(a: Person, b: Person) -> int:
    """Return how many name words the two records share (by phonetic key)."""
    return len(name_keys_of(a) & name_keys_of(b))


def linked_pairs(limit: int = PAGE_SIZE) -> list[tuple[Person, Person]]:
    """Return each linked record with the first record of its national identity, for the
    `limit` identities linked most recently."""
    recent = (
        PersonLink.objects.values("national_id")
        .annotate(last=Max("linked_at"))
        .order_by("-last", "-national_id")
        .values_list("national_id", flat=True)[:limit]
    )
    groups: dict[int, list[int]] = {}
    rows = PersonLink.objects.filter(national_id__in=list(recent)).values_list(
        "person_id", "national_id"
    )
    for person_id, national in rows:
        groups.setdefault(national, []).append(person_id)
    ids = [(min(g), x) for g in groups.values() for x in sorted(g) if x != min(g)]
    persons = (
        Person.objects.select_related("organisation")
        .prefetch_related("cases")
        .in_bulk({i for pair in ids for i in pair})
    )
    return [(persons[x], persons[y]) for x, y in ids]
