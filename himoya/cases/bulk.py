"""Write many synthetic cases fast: ORM bulk_create anywhere, COPY on PostgreSQL.

Used by `himoya demo` (a few thousand cases) and `himoya generate-cases` (a million, for
benchmarks). Identity fields are encrypted value by value with the current field key; name
tokens are hashed once per distinct name key.
"""

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from himoya.cases import codes
from himoya.cases.actions import next_reference
from himoya.cases.models import (
    Case,
    CaseCode,
    CaseEvent,
    Person,
    PersonNameToken,
    TraffickingSituation,
    codes_text,
    derive_cross_border,
    name_hashes,
)
from himoya.cases.synthetic import synthetic_case
from himoya.crypto.fields import EncryptedMixin


@dataclass
class Registrar:
    """An organisation that registers cases, who registers them, and how often."""

    organisation: Any
    user: Any
    weight: float
    regions: tuple


def registrars_for(organisations, users_by_org: dict) -> list[Registrar]:
    return [
        Registrar(o, users_by_org.get(o.pk), 2.0 if o.kind == "shelter" else 1.0, tuple(o.regions))
        for o in organisations
    ]


class _Tokens:
    """Memoised blind-index hashes of names (names repeat a lot in synthetic data)."""

    def __init__(self):
        self.cache: dict[str, frozenset[str]] = {}

    def _of(self, name: str) -> frozenset[str]:
        hashes = self.cache.get(name)
        if hashes is None:
            hashes = self.cache[name] = frozenset(name_hashes(name))
        return hashes

    def hashes(self, person: dict) -> set[str]:
        return set().union(*(self._of(person.get(f) or "") for f in Person.NAME_FIELDS))


def _events(rec: dict) -> list[tuple[str, datetime.date, str, str]]:
    events = [("registered", rec["registered_on"], "", "")]
    if rec["status_decided_on"]:
        kind = "identified" if rec["trafficking_status"] == codes.IDENTIFIED else "not_victim"
        events.append(
            (kind, rec["status_decided_on"], codes.DECIDING_ORG, rec["status_decided_by"])
        )
    if rec["closed_on"]:
        events.append(("closed", rec["closed_on"], codes.CLOSURE_REASON, rec["closure_reason"]))
    return events


def _choose(rng: random.Random, registrars: list[Registrar], region: str) -> Registrar:
    here = [r for r in registrars if region in r.regions] or registrars
    return rng.choices(here, weights=[r.weight for r in here])[0]


def _case_values(rec: dict, reg: Registrar, reference: str, source_key: str) -> dict:
    return {
        "organisation_id": reg.organisation.pk,
        "reference": reference,
        "registered_by_id": getattr(reg.user, "pk", None),
        "caseworker_id": getattr(reg.user, "pk", None),
        "exploitation_began": rec["exploitation_began"],
        "exploitation_ended": rec["exploitation_ended"],
        "identified_on": rec["identified_on"] if rec["status_decided_on"] else None,
        "registered_on": rec["registered_on"],
        "trafficking_status": rec["trafficking_status"],
        "status_decided_by": rec["status_decided_by"],
        "status_decided_on": rec["status_decided_on"],
        "case_status": rec["case_status"],
        "shares_person": rec.get("shares_person", False),
        "closed_on": rec["closed_on"],
        "closure_reason": rec["closure_reason"],
        "sex": rec["sex"],
        "age_group": rec["age_group"],
        "citizenship": rec["citizenship"],
        "region_of_origin": rec["region_of_origin"],
        "exploitation_country": rec["exploitation_country"],
        "is_cross_border": derive_cross_border(
            rec["exploitation_country"], rec["citizenship"], rec["region_of_origin"]
        ),
        **{
            column: codes_text(rec["multi"].get(field, []))
            for field, column in Case.COPIED_CODES.items()
        },
        "source_key": source_key,
    }


def _situation_values(rec: dict) -> dict:
    return {
        "recruitment_country": rec["recruitment_country"],
        "recruiter_relationship": rec["recruiter_relationship"],
        "exploitation_country": rec["exploitation_country"],
        "exploitation_region": rec["exploitation_region"],
        "cross_border_derived": derive_cross_border(
            rec["exploitation_country"], rec["citizenship"], rec["region_of_origin"]
        ),
    }


def _person_values(rec: dict, reg: Registrar) -> dict:
    return {
        **rec["person"],
        "organisation_id": reg.organisation.pk,
        "sex": rec["sex"],
        "age_at_identification": rec["age"],
        "age_group": rec["age_group"],
        "citizenship": rec["citizenship"],
        "region_of_origin": rec["region_of_origin"],
        "created_by_id": getattr(reg.user, "pk", None),
    }


# Share of cases that are a later case of a person registered before (re-trafficked).
LATER_EPISODES = 0.03
_SAME_PERSON = ("person", "sex", "age", "age_group", "citizenship", "region_of_origin")


def _add_later_episodes(rng: random.Random, records: list[dict], chosen: list) -> None:
    """Make some cases a later episode of a person registered earlier in the batch.

    Such a record keeps `first` (the index of the person's first case, registered before
    it), is registered by the same organisation, and both cases are marked
    `shares_person`.
    """
    seen: dict[str, list[int]] = {}  # first cases so far, by sex (the story stays plausible)
    for i, later in enumerate(records):
        earlier = seen.setdefault(later["sex"], [])
        picks = [rng.choice(earlier) for _ in range(4)] if earlier else []
        picks = [j for j in picks if records[j]["registered_on"] < later["registered_on"]]
        if not picks or rng.random() >= LATER_EPISODES:
            earlier.append(i)
            continue
        j = picks[0]
        first = records[j]
        later.update({k: first[k] for k in _SAME_PERSON}, first=j, shares_person=True)
        first["shares_person"] = True
        chosen[i] = chosen[j]


def _person_slots(records) -> list[int]:
    """For each record, the index of the record whose person it is (its own if new)."""
    return [r.get("first", i) for i, r in enumerate(records)]


def _references(records, chosen) -> list[str]:
    """Reserve reference numbers per organisation and year, in date order."""
    groups = defaultdict(list)
    for i, (rec, reg) in enumerate(zip(records, chosen, strict=True)):
        groups[(reg.organisation.pk, rec["registered_on"].year)].append(i)
    refs = [""] * len(records)
    for (_org_id, year), idx in groups.items():
        idx.sort(key=lambda i: records[i]["registered_on"])
        org = chosen[idx[0]].organisation
        for i, ref in zip(idx, next_reference(org, year, len(idx)), strict=True):
            refs[i] = ref
    return refs


BULK_TABLES = (Person, PersonNameToken, Case, TraffickingSituation, CaseCode, CaseEvent)


@contextmanager
def deferred_indexes(models=BULK_TABLES, stdout=None):
    """Drop the secondary indexes of `models` for a bulk load and rebuild them afterwards.

    PostgreSQL only. Primary keys and unique constraints stay (they guard the data); the
    rest are rebuilt from their saved definitions even if the load fails.
    """
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cur:
        cur.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               JOIN pg_class c ON c.relname = i.indexname
               JOIN pg_index x ON x.indexrelid = c.oid
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                 AND NOT x.indisprimary AND NOT x.indisunique""",
            [tables],
        )
        saved = cur.fetchall()
        for name, _definition in saved:
            cur.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        started = time.perf_counter()
        with connection.cursor() as cur:
            # Deferred foreign-key checks pending in this transaction block CREATE INDEX.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _name, definition in saved:
                cur.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
            cur.execute("ANALYZE " + ", ".join(tables))
        if stdout is not None:
            stdout.write(f"rebuilt {len(saved)} indexes in {time.perf_counter() - started:.0f} s")


def generate(
    count: int,
    registrars: list[Registrar],
    *,
    seed: int = 2026,
    batch_size: int = 5000,
    source_prefix: str = "synthetic",
    use_copy: bool | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create `count` synthetic cases; return how many were written."""
    rng = random.Random(seed)
    today = timezone.localdate()
    tokens = _Tokens()
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    writer = _CopyWriter() if use_copy else _OrmWriter()
    done = 0
    while done < count:
        n = min(batch_size, count - done)
        records = [synthetic_case(rng, today) for _ in range(n)]
        chosen = [_choose(rng, registrars, r["region_of_origin"]) for r in records]
        _add_later_episodes(rng, records, chosen)
        with transaction.atomic():
            refs = _references(records, chosen)
            keys = [f"{source_prefix}:{seed}:{done + i}" if source_prefix else "" for i in range(n)]
            writer.write(records, chosen, refs, keys, tokens)
        done += n
        if progress:
            progress(done)
    return done


class _OrmWriter:
    def write(self, records, chosen, refs, keys, tokens):
        now = timezone.now()
        slots = _person_slots(records)
        new = [i for i, slot in enumerate(slots) if slot == i]
        created = Person.objects.bulk_create(
            [Person(**_person_values(records[i], chosen[i])) for i in new]
        )
        PersonNameToken.objects.bulk_create(
            [
                PersonNameToken(person_id=p.pk, token_hash=h)
                for p, i in zip(created, new, strict=True)
                for h in sorted(tokens.hashes(records[i]["person"]))
            ],
            batch_size=5000,
        )
        by_slot = dict(zip(new, created, strict=True))
        persons = [by_slot[slot] for slot in slots]
        cases = Case.objects.bulk_create(
            [
                Case(person_id=p.pk, **_case_values(r, reg, ref, key))
                for p, r, reg, ref, key in zip(persons, records, chosen, refs, keys, strict=True)
            ]
        )
        TraffickingSituation.objects.bulk_create(
            [
                TraffickingSituation(case_id=c.pk, **_situation_values(r))
                for c, r in zip(cases, records, strict=True)
            ]
        )
        CaseCode.objects.bulk_create(
            [
                CaseCode(case_id=c.pk, field=field, code=code)
                for c, r in zip(cases, records, strict=True)
                for field, values in r["multi"].items()
                for code in values
            ],
            batch_size=5000,
        )
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=c.pk,
                    kind=kind,
                    date=date,
                    summary_list=lst,
                    summary_code=code,
                    organisation_id=c.organisation_id,
                    created_at=now,
                )
                for c, r in zip(cases, records, strict=True)
                for kind, date, lst, code in _events(r)
            ],
            batch_size=5000,
        )


class _Table:
    """Column order and defaults of a model, for COPY rows."""

    def __init__(self, model, with_id: bool):
        self.model = model
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if with_id or not (f.primary_key and f.attname == "id")
        ]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.encrypted = {f.attname: f for f in self.fields if isinstance(f, EncryptedMixin)}
        self.sql = "COPY {} ({}) FROM STDIN".format(
            model._meta.db_table,
            ", ".join(connection.ops.quote_name(f.column) for f in self.fields),
        )

    def row(self, values: dict) -> tuple:
        out = []
        for f in self.fields:
            v = values.get(f.attname, self.defaults[f.attname])
            if f.attname in self.encrypted:
                v = self.encrypted[f.attname].get_prep_value(v)
            out.append(v)
        return tuple(out)


class _CopyWriter:
    def __init__(self):
        self.person = _Table(Person, with_id=True)
        self.token = _Table(PersonNameToken, with_id=False)
        self.case = _Table(Case, with_id=True)
        self.situation = _Table(TraffickingSituation, with_id=True)
        self.code = _Table(CaseCode, with_id=False)
        self.event = _Table(CaseEvent, with_id=False)

    def _ids(self, cur, model, n: int) -> range:
        table = model._meta.db_table
        cur.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [table, table, n],
        )
        last = cur.fetchone()[0]
        return range(last - n + 1, last + 1)

    def _copy(self, cur, table: _Table, rows) -> None:
        with cur.copy(table.sql) as copy:
            for row in rows:
                copy.write_row(row)

    def write(self, records, chosen, refs, keys, tokens):
        now = timezone.now()
        with connection.cursor() as wrapper:
            cur = wrapper.cursor
            slots = _person_slots(records)
            new = [i for i, slot in enumerate(slots) if slot == i]
            by_slot = dict(zip(new, self._ids(cur, Person, len(new)), strict=True))
            person_ids = [by_slot[slot] for slot in slots]
            case_ids = self._ids(cur, Case, len(records))
            self._copy(
                cur,
                self.person,
                (
                    self.person.row(
                        {
                            "id": by_slot[i],
                            "created_at": now,
                            **_person_values(records[i], chosen[i]),
                        }
                    )
                    for i in new
                ),
            )
            self._copy(
                cur,
                self.token,
                ((by_slot[i], h) for i in new for h in sorted(tokens.hashes(records[i]["person"]))),
            )
            self._copy(
                cur,
                self.case,
                (
                    self.case.row(
                        {
                            "id": cid,
                            "person_id": pid,
                            "created_at": now,
                            **_case_values(r, reg, ref, key),
                        }
                    )
                    for cid, pid, r, reg, ref, key in zip(
                        case_ids, person_ids, records, chosen, refs, keys, strict=True
                    )
                ),
            )
            self._copy(
                cur,
                self.situation,
                (
                    self.situation.row({"case_id": cid, **_situation_values(r)})
                    for cid, r in zip(case_ids, records, strict=True)
                ),
            )
            self._copy(
                cur,
                self.code,
                (
                    (cid, field, code)
                    for cid, r in zip(case_ids, records, strict=True)
                    for field, values in r["multi"].items()
                    for code in values
                ),
            )
            self._copy(
                cur,
                self.event,
                (
                    self.event.row(
                        {
                            "case_id": cid,
                            "kind": kind,
                            "date": date,
                            "summary_list": lst,
                            "summary_code": code,
                            "organisation_id": reg.organisation.pk,
                            "created_at": now,
                        }
                    )
                    for cid, r, reg in zip(case_ids, records, chosen, strict=True)
                    for kind, date, lst, code in _events(r)
                ),
            )
