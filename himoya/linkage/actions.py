"""Link and unlink person records into national identities; every decision audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from himoya.audit.actions import Action, record
from himoya.cases.models import Case, Person
from himoya.linkage.models import PersonLink


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
    from himoya.linkage.models import PairDecision

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
