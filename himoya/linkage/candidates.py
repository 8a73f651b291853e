"""Candidate pairs: records of two bodies that may be one person (simple, exact rules).

Two person records of different organisations are proposed when they have the same sex,
the same date of birth (or, both without one, approximate ages within a year) and share at
least one name word, compared by its phonetic key so Tajik, Russian and Latin spellings
meet. A record with fewer than two name words is never proposed. Pairs already linked, and
pairs rejected while their compared fields were as they are now, are left out.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db import connection

from himoya.cases.models import Person, PersonNameToken
from himoya.cases.names import name_keys
from himoya.crypto.keys import blind_index
from himoya.linkage.models import CandidatePair, LinkageModel, PairDecision, PersonLink

FINGERPRINT_PURPOSE = "linkage-pair"
_NUMBER = re.compile(r"\d+")


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


def _age(person: Person) -> int | None:
    match = _NUMBER.search(person.approximate_age or "")
    return int(match.group()) if match else None


def born_alike(a: Person, b: Person) -> bool:
    """Tell whether the two records agree on birth: same date, or close approximate ages."""
    if a.date_of_birth or b.date_of_birth:
        return a.date_of_birth is not None and a.date_of_birth == b.date_of_birth
    age_a, age_b = _age(a), _age(b)
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


def scored_pairs() -> list[Pair]:
    """Return the pairs the linkage model queued, most likely first; decided, linked and
    same-organisation pairs left out (the model's run already leaves them out)."""
    rows = list(CandidatePair.objects.order_by("-probability", "first_id", "second_id"))
    persons = (
        Person.objects.select_related("organisation")
        .prefetch_related("cases")
        .in_bulk({i for r in rows for i in (r.first_id, r.second_id)})
    )
    links = dict(PersonLink.objects.values_list("person_id", "national_id"))
    decisions = {
        (d.first_id, d.second_id): d.fingerprint
        for d in PairDecision.objects.filter(decision=PairDecision.Decision.REJECTED)
    }
    out = []
    for row in rows:
        x, y = row.first_id, row.second_id
        a, b = persons[x], persons[y]
        if a.organisation_id == b.organisation_id:
            continue
        if x in links and links.get(y) == links[x]:
            continue
        if decisions.get((x, y)) == fingerprint(a, b):
            continue
        out.append(Pair(a, b, shared_name_count(a, b), row.probability))
    return out


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
        return scored_pairs()
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


def linked_pairs() -> list[tuple[Person, Person]]:
    """Return each linked record with the first record of its national identity."""
    groups: dict[int, list[int]] = {}
    for person_id, national in PersonLink.objects.values_list("person_id", "national_id"):
        groups.setdefault(national, []).append(person_id)
    ids = [(min(g), x) for g in groups.values() for x in sorted(g) if x != min(g)]
    persons = (
        Person.objects.select_related("organisation")
        .prefetch_related("cases")
        .in_bulk({i for pair in ids for i in pair})
    )
    return [(persons[x], persons[y]) for x, y in ids]
