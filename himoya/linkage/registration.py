"""At registration, check a new person against the register, in the background.

A likely match inside the registering organisation becomes a `PossibleDuplicate` that its
caseworkers see on the case page ("this may be a person you already registered"). A
likely match in another organisation is stored nowhere a caseworker can see: the national
linkage queue (`candidates.candidate_pairs`) finds such pairs itself. Nothing is linked or
merged from here.

Candidates come from indexes only: the blind-index hashes of the person's name words
(`PersonNameToken`), on persons of the same sex. Date of birth, document and phone are
encrypted without a blind index today, so they are compared after the fetch, not used
to fetch. Scoring is in `find_likely_matches` alone: the active probabilistic model
(`engine.likely_matches`) once one is trained, the exact rules of the queue before.

Records without any name are never proposed. A record with a single name word is never
proposed across organisations (nor ever linked automatically), but inside one
organisation it is shown as a possible duplicate when the other record has the same
name word, the same sex and the same full date of birth: a caseworker who registers
"Malika, born 3 May 2001" twice should hear of it, and only she decides.
"""

import logging
import threading
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django_tasks import task

from himoya.audit.actions import Action, record
from himoya.cases.models import Person, PersonNameToken, name_token_hash
from himoya.linkage.candidates import born_alike, name_keys_of, shared_if_alike
from himoya.linkage.models import CandidatePair, LinkageModel, PossibleDuplicate

log = logging.getLogger(__name__)

# Scores of the rules, used until a model is trained (then the model's probability).
NOTICE_THRESHOLD = 0.5
SINGLE_NAME_SCORE = 0.5
# How many records sharing the most name words are compared, at most, per new person.
CANDIDATE_LIMIT = 500
BATCH = 1000


def _candidate_ids(person: Person, limit: int = CANDIDATE_LIMIT) -> list[int]:
    """Ids of other persons of the same sex sharing a name word, most shared first."""
    keys = name_keys_of(person)
    if not keys or not person.sex:
        return []
    hashes = sorted(name_token_hash(k) for k in keys)
    rows = (
        PersonNameToken.objects.filter(token_hash__in=hashes, person__sex=person.sex)
        .exclude(person_id=person.pk)
        .values("person_id")
        .annotate(shared=Count("token_hash"))
        .order_by("-shared", "-person_id")
        .values_list("person_id", flat=True)[:limit]
    )
    return list(rows)


def _rule_score(a: Person, b: Person, keys_a: set[str]) -> float | None:
    """Score a pair by the exact rules of the linkage queue: None when they do not match.

    Inside one organisation a record with a single name word is also shown when the other
    record has that name word, the same sex and the same full date of birth.
    """
    shared = shared_if_alike(a, b, keys_a)
    if shared is not None:
        keys_b = name_keys_of(b)
        base = 0.7 if a.date_of_birth is not None else 0.55
        return round(base + 0.25 * shared / max(len(keys_a), len(keys_b)), 3)
    if (
        a.organisation_id == b.organisation_id
        and a.date_of_birth is not None
        and a.sex
        and a.sex == b.sex
        and born_alike(a, b)
    ):
        keys_b = name_keys_of(b)
        if min(len(keys_a), len(keys_b)) == 1 and keys_a & keys_b:
            return SINGLE_NAME_SCORE
    return None


# What the rules compare: loading only these decrypts less.
_COMPARED = ("organisation_id", "sex", "date_of_birth", "approximate_age", *Person.NAME_FIELDS)


def find_likely_matches(
    person: Person, threshold: float = NOTICE_THRESHOLD, model: LinkageModel | None = None
) -> list[tuple[Person, float]]:
    """Return the register's persons that may be this person, with a score, best first.

    With a trained model (`model`, the active one) the score is its match probability;
    without one, the exact rules of the linkage queue score.
    """
    if model is not None:
        from himoya.linkage import engine  # DuckDB and pandas: loaded where a model scores

        scored = dict(engine.likely_matches(person, threshold=threshold))
        others = Person.objects.filter(pk__in=scored).only(*engine.COMPARED_FIELDS)
        found = [(other, scored[other.pk]) for other in others]
        found.sort(key=lambda item: (-item[1], -item[0].pk))
        return found
    ids = _candidate_ids(person)
    if not ids:
        return []
    keys = name_keys_of(person)
    found = []
    for other in Person.objects.filter(pk__in=ids).only(*_COMPARED):
        score = _rule_score(person, other, keys)
        if score is not None and score >= threshold:
            found.append((other, score))
    found.sort(key=lambda item: (-item[1], -item[0].pk))
    return found


@transaction.atomic
def check_person(person_id: int) -> int:
    """Check one person against the register; return how many notices were opened."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return 0
    model = LinkageModel.current()
    # With a model, another body's likely match is queued from the review threshold on;
    # a notice to the caseworker still needs NOTICE_THRESHOLD.
    threshold = min(NOTICE_THRESHOLD, model.review_threshold) if model else NOTICE_THRESHOLD
    opened = 0
    for other, score in find_likely_matches(person, threshold, model):
        if other.organisation_id != person.organisation_id:
            # Another body: only the national queue may know. Without a model the queue
            # finds the pair itself; with one it lists what the model scored.
            if model is not None:
                _queue(person, other, score, model)
            continue
        if score < NOTICE_THRESHOLD:
            continue
        # Two checks running at once (each record registered just now) would each open
        # the notice the other way round: the first to lock both records decides.
        list(
            Person.objects.select_for_update()
            .filter(pk__in=[person.pk, other.pk])
            .order_by("pk")
            .values_list("pk")
        )
        if PossibleDuplicate.objects.filter(person=other, other=person).exists():
            continue
        row, created = PossibleDuplicate.objects.get_or_create(
            person=person, other=other, defaults={"score": score}
        )
        if created:
            opened += 1
            record(
                Action.CREATE,
                organisation=person.organisation_id,
                obj=row,
                detail=f"possible duplicate {person.pk}/{other.pk}",
            )
    return opened


def _queue(person: Person, other: Person, probability: float, model: LinkageModel) -> None:
    """Put a pair of two organisations in the linkage officer's queue (until the next run)."""
    first, second = sorted((person.pk, other.pk))
    CandidatePair.objects.update_or_create(
        first_id=first, second_id=second, defaults={"probability": probability, "model": model}
    )


def check_persons(person_ids: Iterable[int]) -> int:
    """Check many persons (an import's) in one go; return how many notices were opened."""
    opened = 0
    for person_id in sorted(set(person_ids)):
        opened += check_person(person_id)  # one transaction each
    return opened


@task()
def check_registered(person_ids: list[int]) -> int:
    """The background job: check newly registered persons against the register."""
    opened = check_persons(person_ids)
    log.info("registration check: %s persons, %s notices", len(person_ids), opened)
    return opened


_pending = threading.local()


def _enqueue_pending() -> None:
    ids = getattr(_pending, "ids", None)
    _pending.ids = set()
    if not ids:
        return
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        check_registered.enqueue(ordered[start : start + BATCH])


def check_after_commit(person_ids: Iterable[int]) -> None:
    """Check these persons in the background once the transaction commits.

    Every person registered in one transaction (an import's thousands, or one form's one)
    goes into the same job: the first commit callback takes all that are pending. Ids of
    a transaction that rolled back may ride along; the check skips persons that are gone.
    """
    ids = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = set()
    ids.update(person_ids)
    transaction.on_commit(_enqueue_pending)


def notices_for(user, case) -> list[tuple[PossibleDuplicate, object]]:
    """Return the open notices of the case's person that the user may see, with the other
    person's case to open: only to members of the case's organisation who may open both
    cases, and only pairs inside that organisation."""
    from django.db.models import Q

    from himoya.access import policy
    from himoya.access.cases import cases_visible_to

    org_id = case.organisation_id
    if not any(m.organisation_id == org_id for m in policy.memberships(user)):
        return []
    rows = list(
        PossibleDuplicate.objects.filter(
            Q(person_id=case.person_id) | Q(other_id=case.person_id),
            status=PossibleDuplicate.Status.OPEN,
            person__organisation_id=org_id,
            other__organisation_id=org_id,
        )
        .order_by("-score", "pk")
        .only("pk", "person_id", "other_id", "score")
    )
    if not rows:
        return []
    others = {r.other_id if r.person_id == case.person_id else r.person_id for r in rows}
    visible = cases_visible_to(user).filter(organisation_id=org_id)
    if not visible.filter(pk=case.pk).exists():
        return []
    cases: dict[int, object] = {}
    for other_case in visible.filter(person_id__in=others).order_by("-registered_on", "-pk"):
        cases.setdefault(other_case.person_id, other_case)
    out = []
    for row in rows:
        other_id = row.other_id if row.person_id == case.person_id else row.person_id
        if other_id in cases:
            out.append((row, cases[other_id]))
    return out
