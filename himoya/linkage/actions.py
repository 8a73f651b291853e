"""Link and unlink person records into national identities; every decision audited."""

from itertools import combinations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.audit.actions import Action, record
from himoya.cases.models import Case, Person
from himoya.linkage.models import LinkageModel, PersonLink


def _sync_cases(person_ids: set[int]) -> None:
    """Copy each person's national identity onto their cases, and mark shared persons."""
    links = dict(
        PersonLink.objects.filter(person_id__in=person_ids).values_list("person_id", "national_id")
    )
    several = set(
        Case.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("person_id", flat=True)
    )
    for person_id in person_ids:
        national = links.get(person_id)
        Case.objects.filter(person_id=person_id).update(
            national_person_id=national,
            # Statistics correct for repeated persons only on marked rows.
            shares_person=national is not None or person_id in several,
        )


@transaction.atomic
def do_link_persons(persons: list[Person], *, acting_user, request=None) -> int:
    """Make these person records one national person; return the national identity."""
    ids = {p.pk for p in persons}
    if len(ids) < 2:
        raise ValidationError(_("Choose at least two person records to link."))
    existing = set(
        PersonLink.objects.filter(person_id__in=ids).values_list("national_id", flat=True)
    )
    members = ids | set(
        PersonLink.objects.filter(national_id__in=existing).values_list("person_id", flat=True)
    )
    national = min(members)
    for person_id in members:
        PersonLink.objects.update_or_create(
            person_id=person_id, defaults={"national_id": national, "linked_by": acting_user}
        )
    _sync_cases(members)
    record(
        Action.UPDATE,
        actor=acting_user,
        object_type="linkage.nationalperson",
        object_id=national,
        detail=f"linked {len(members)} person records",
        request=request,
    )
    return national


@transaction.atomic
def do_unlink_person(person: Person, *, acting_user, request=None) -> None:
    """Take one person record out of its national identity (reversing a link)."""
    link = PersonLink.objects.filter(person=person).first()
    if link is None:
        raise ValidationError(_("This person record is not linked."))
    national = link.national_id
    link.delete()
    rest = list(PersonLink.objects.filter(national_id=national))
    touched = {person.pk, *(r.person_id for r in rest)}
    if len(rest) == 1:
        rest[0].delete()  # one record alone is no link
    elif rest and national == person.pk:
        new = min(r.person_id for r in rest)
        PersonLink.objects.filter(national_id=national).update(national_id=new)
    _sync_cases(touched)
    record(
        Action.UPDATE,
        actor=acting_user,
        object_type="linkage.nationalperson",
        object_id=national,
        detail="unlinked 1 person record",
        request=request,
    )


def _decide(first: Person, second: Person, decision: str, acting_user, request) -> None:
    from himoya.linkage.candidates import fingerprint
    from himoya.linkage.models import CandidatePair, PairDecision

    CandidatePair.objects.filter(first=first, second=second).delete()  # decided: not queued

    PairDecision.objects.update_or_create(
        first=first,
        second=second,
        defaults={
            "decision": decision,
            "fingerprint": fingerprint(first, second),
            "decided_by": acting_user,
        },
    )
    record(
        Action.UPDATE,
        actor=acting_user,
        object_type="linkage.pair",
        object_id=first.pk,
        detail=f"pair {first.pk}/{second.pk} {decision}",
        request=request,
    )


@transaction.atomic
def do_confirm_pair(first: Person, second: Person, *, acting_user, request=None) -> int:
    """Record that the pair is one person and link the two records."""
    from himoya.linkage.models import PairDecision

    _decide(first, second, PairDecision.Decision.CONFIRMED, acting_user, request)
    return do_link_persons([first, second], acting_user=acting_user, request=request)


@transaction.atomic
def do_reject_pair(first: Person, second: Person, *, acting_user, request=None) -> None:
    """Record that the pair are two people (until one of the records changes)."""
    from himoya.linkage.models import PairDecision

    _decide(first, second, PairDecision.Decision.REJECTED, acting_user, request)


def do_reveal_pair_names(first: Person, second: Person, *, acting_user, request=None) -> None:
    """Audit that the linkage officer opened both records' identities to compare names.

    Written to the national part of the log (no organisation, a linkage object), not to
    the registering organisations' logs nor their persons' subject-access reports: that a
    linkage officer looked at a record would tell its organisation that another body may
    know the person. National auditors read these entries.
    """
    for person in (first, second):
        record(
            Action.VIEW_IDENTITY,
            actor=acting_user,
            object_type="linkage.person",
            object_id=person.pk,
            fields=list(Person.IDENTITY_FIELDS),
            detail=f"pair {first.pk}/{second.pk}",
            request=request,
        )


@transaction.atomic
def do_dismiss_possible_duplicate(duplicate, *, acting_user, request=None) -> None:
    """Record that the caseworker found the two records to be two different people."""
    from django.utils import timezone

    from himoya.linkage.models import PossibleDuplicate

    duplicate = PossibleDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.status != PossibleDuplicate.Status.OPEN:
        raise ValidationError(_("This notice was dismissed already."))
    duplicate.status = PossibleDuplicate.Status.DISMISSED
    duplicate.decided_by = acting_user
    duplicate.decided_at = timezone.now()
    duplicate.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        Action.UPDATE,
        actor=acting_user,
        organisation=duplicate.person.organisation_id,
        obj=duplicate,
        fields=["status"],
        request=request,
    )


# --- The probabilistic linkage -----------------------------------------------------------


@transaction.atomic
def do_train_model(
    *, acting_user=None, records: list[dict] | None = None, request=None, **thresholds
) -> LinkageModel:
    """Train the linkage model on the register (or on the given records); store a version.

    The new version becomes the active one; earlier versions stay for the record.
    """
    from himoya.linkage import engine

    if records is None:
        records = list(engine.register_records())
    if len(records) < 50:
        raise ValidationError(_("Too few person records to train the linkage model."))
    try:
        trained = engine.train(records)
    except engine.NoSureMatches:
        raise ValidationError(
            _(
                "No two person records are surely one person yet (the same document, or the "
                "same names and date of birth), so there is nothing to learn matches from. "
                "Train on generated persons instead (--synthetic 100000)."
            )
        ) from None
    last = LinkageModel.objects.order_by("-version").values_list("version", flat=True).first()
    LinkageModel.objects.filter(active=True).update(active=False)
    model = LinkageModel.objects.create(
        version=(last or 0) + 1,
        trained_by=acting_user,
        settings=trained,
        record_count=len(records),
        active=True,
        **thresholds,
    )
    record(
        Action.CREATE,
        actor=acting_user,
        object_type="linkage.model",
        object_id=model.version,
        detail=f"trained on {len(records)} records",
        request=request,
    )
    return model


def _rejected_unchanged(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Return the pairs an officer rejected while their records were as they are now."""
    from himoya.linkage.candidates import fingerprint
    from himoya.linkage.models import PairDecision

    decided = {
        (d.first_id, d.second_id): d.fingerprint
        for d in PairDecision.objects.filter(decision=PairDecision.Decision.REJECTED)
    }
    wanted = pairs & set(decided)
    persons = Person.objects.in_bulk({i for pair in wanted for i in pair})
    return {(x, y) for x, y in wanted if fingerprint(persons[x], persons[y]) == decided[(x, y)]}


def _linkable_groups(
    groups: list[set[int]], links: dict[int, int]
) -> tuple[list[set[int]], set[int]]:
    """Return the national persons the run may make (each the whole set of its records,
    with those already linked to a member) and the records it must hold back for review.

    A set is linked only if no two of its records belong to one organisation (her
    organisation's own figures must not change) and no two were rejected by an officer
    while they were as they are now (A-B and B-C sure must not link A and C against the
    officer's word). Groups that reach the same national person are one set.
    """
    from himoya.linkage.engine import clusters

    by_national: dict[int, set[int]] = {}
    for person_id, national in links.items():
        by_national.setdefault(national, set()).add(person_id)
    edges = []
    for group in groups:
        whole = set(group)
        for person_id in group:
            whole |= by_national.get(links.get(person_id, -1), set())
        edges += [(min(whole), member) for member in whole]
    wholes = clusters(edges)
    organisation = dict(
        Person.objects.filter(pk__in={i for w in wholes for i in w}).values_list(
            "pk", "organisation_id"
        )
    )
    rejected = _rejected_unchanged({pair for w in wholes for pair in combinations(sorted(w), 2)})
    new = {i for group in groups for i in group}
    linkable, held = [], set()
    for whole in wholes:
        one_org_twice = len({organisation[i] for i in whole}) < len(whole)
        if one_org_twice or any(pair in rejected for pair in combinations(sorted(whole), 2)):
            held |= whole & new
        else:
            linkable.append(whole)
    return linkable, held


def _link_wholes(wholes: list[set[int]], *, acting_user, request) -> None:
    """Make each set of records one national person, as do_link_persons does, in bulk:
    one upsert of the links, one update of the cases and one audit row per person."""
    PersonLink.objects.bulk_create(
        [
            PersonLink(person_id=member, national_id=min(whole), linked_by=acting_user)
            for whole in wholes
            for member in whole
        ],
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=["national_id", "linked_by"],
    )
    for whole in wholes:
        national = min(whole)
        Case.objects.filter(person_id__in=whole).update(
            national_person_id=national, shares_person=True
        )
        record(
            Action.UPDATE,
            actor=acting_user,
            object_type="linkage.nationalperson",
            object_id=national,
            detail=f"linked {len(whole)} person records",
            request=request,
        )


def do_run_linkage(*, acting_user=None, request=None) -> dict[str, int]:
    """Score the whole register with the active model; link the sure pairs, queue the rest.

    Pairs of two organisations at or above the upper threshold are linked (audited, and
    reversible like any link) unless a record has fewer than two name words or an officer
    rejected the pair while the records were as they are now, or a link of the pair was
    undone (those go to review); pairs in the band between the two thresholds replace the
    review queue. Returns counts of what was done.
    """
    from himoya.linkage import engine
    from himoya.linkage.candidates import fingerprint
    from himoya.linkage.models import CandidatePair, PairDecision

    model = LinkageModel.current()
    if model is None:
        raise ValidationError(_("Train a linkage model first."))
    started = timezone.now()
    table = engine.frame(engine.register_records())
    linkable = set(table.loc[table["linkable"], "unique_id"].astype(int))
    settings = engine.rescaled(model.settings, model.record_count, len(table))
    scored = engine.predict(table, settings, threshold=model.review_threshold)
    del table
    links = dict(PersonLink.objects.values_list("person_id", "national_id"))
    rejected = _rejected_unchanged({(s.first, s.second) for s in scored})
    # Pairs confirmed once (by an officer or by an earlier run) but not linked now: someone
    # undid the link, so the model may propose them again, never link them again.
    confirmed = set(
        PairDecision.objects.filter(decision=PairDecision.Decision.CONFIRMED).values_list(
            "first_id", "second_id"
        )
    )
    sure: list[tuple[int, int]] = []
    band: list[engine.Scored] = []
    for pair in scored:
        key = (pair.first, pair.second)
        if key in rejected or (pair.first in links and links.get(pair.second) == links[pair.first]):
            continue
        if (
            pair.probability >= model.upper_threshold
            and key[0] in linkable
            and key[1] in linkable
            and key not in confirmed
        ):
            sure.append(key)
        else:
            band.append(pair)
    probability = {(p.first, p.second): p.probability for p in scored}
    wholes, held = _linkable_groups(engine.clusters(sure), links)
    band += [engine.Scored(x, y, probability[(x, y)]) for x, y in sure if x in held]
    sure = [pair for pair in sure if pair[0] not in held]
    with transaction.atomic():
        _link_wholes(wholes, acting_user=acting_user, request=request)
        persons = Person.objects.in_bulk({i for pair in sure for i in pair})
        # A pair rejected once and changed since becomes confirmed: if an officer undoes
        # this link, no later run makes it again.
        PairDecision.objects.bulk_create(
            [
                PairDecision(
                    first_id=x,
                    second_id=y,
                    decision=PairDecision.Decision.CONFIRMED,
                    fingerprint=fingerprint(persons[x], persons[y]),
                    decided_by=None,  # the model, at the automatic threshold
                )
                for x, y in sure
            ],
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["first", "second"],
            update_fields=["decision", "fingerprint", "decided_by", "decided_at"],
        )
        # The run's band replaces what earlier runs queued; pairs the registration check
        # queued while this run was scoring stay.
        CandidatePair.objects.filter(found_at__lt=started).delete()
        CandidatePair.objects.bulk_create(
            [
                CandidatePair(
                    first_id=p.first, second_id=p.second, probability=p.probability, model=model
                )
                for p in band
            ],
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["first", "second"],
            update_fields=["probability", "model"],
        )
        record(
            Action.UPDATE,
            actor=acting_user,
            object_type="linkage.model",
            object_id=model.version,
            detail=f"run: {len(sure)} pairs linked in {len(wholes)} groups, {len(band)} queued",
            request=request,
        )
    return {"linked_pairs": len(sure), "groups": len(wholes), "queued": len(band)}
