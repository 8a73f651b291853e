"""Training and awareness: courses, sessions and participants; events and people reached."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.audit.actions import Action, record
from himoya.prevention.models import (
    AwarenessEvent,
    AwarenessReach,
    Course,
    Participant,
    TrainingSession,
)

SEXES = ("female", "male")


@transaction.atomic
def do_create_course(
    organiser, *, title: str, topic: str, description="", acting_user, request=None
):
    if topic not in Course.Topic.values:
        raise ValidationError({"topic": _("Choose a topic.")})
    course = Course.objects.create(
        organiser=organiser,
        title=title.strip(),
        topic=topic,
        description=description,
        created_by=acting_user,
    )
    record(Action.CREATE, actor=acting_user, obj=course, organisation=organiser, request=request)
    return course


@transaction.atomic
def do_record_session(
    course: Course,
    *,
    organisation,
    starts_on: datetime.date,
    ends_on: datetime.date,
    region: str = "",
    place: str = "",
    trainers: str = "",
    acting_user,
    request=None,
) -> TrainingSession:
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("The end cannot be before the start.")
    if starts_on > timezone.localdate():
        errors["starts_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    session = TrainingSession.objects.create(
        course=course,
        organisation=organisation,
        starts_on=starts_on,
        ends_on=ends_on,
        region=region,
        place=place,
        trainers=trainers,
        created_by=acting_user,
    )
    record(Action.CREATE, actor=acting_user, obj=session, request=request)
    return session


def _check_score(value, field: str) -> None:
    if value is not None and not 0 <= value <= 100:
        raise ValidationError({field: _("A test score lies between 0 and 100.")})


@transaction.atomic
def do_add_participants(
    session: TrainingSession,
    *,
    count: int,
    role: str,
    sex: str,
    age_group: str,
    agency=None,
    completed: bool = True,
    names: Sequence[str] = (),
    pre_score: int | None = None,
    post_score: int | None = None,
    acting_user,
    request=None,
) -> list[Participant]:
    """Add `count` participants alike in agency, role, sex and age (names optional)."""
    if count < 1 or count > 1000:
        raise ValidationError({"count": _("Add between 1 and 1,000 participants at a time.")})
    if sex not in SEXES:
        raise ValidationError({"sex": _("Choose the sex.")})
    if role not in Participant.TraineeRole.values:
        raise ValidationError({"role": _("Choose the role.")})
    if age_group not in Participant.AgeGroup.values:
        raise ValidationError({"age_group": _("Choose the age group.")})
    _check_score(pre_score, "pre_score")
    _check_score(post_score, "post_score")
    names = [n.strip() for n in names if n.strip()]
    if names and len(names) != count:
        raise ValidationError({"names": _("Give one name per participant, or none.")})
    issued = session.participants.exclude(certificate="").count()
    people = Participant.objects.bulk_create(
        Participant(
            session=session,
            organisation=agency,
            role=role,
            sex=sex,
            age_group=age_group,
            completed=completed,
            name=names[i] if names else "",
            pre_score=pre_score,
            post_score=post_score,
            # A certificate for each person who completed the course: course-session-number.
            certificate=f"{session.course_id}-{session.pk}-{issued + i + 1:04d}"
            if completed
            else "",
        )
        for i in range(count)
    )
    record(
        Action.CREATE,
        actor=acting_user,
        obj=session,
        fields=["participants"] + (["name"] if names else []),
        detail=f"{count} participants",
        request=request,
    )
    return people


@transaction.atomic
def do_record_awareness_event(
    organisation, *, acting_user, request=None, **values
) -> AwarenessEvent:
    """Record an awareness event, broadcast or material, with the people it reached."""
    errors = {}
    if values["held_on"] > timezone.localdate():
        errors["held_on"] = _("The date cannot be in the future.")
    groups = values.get("target_groups") or []
    if not groups or any(g not in AwarenessEvent.TargetGroup.values for g in groups):
        errors["target_groups"] = _("Choose at least one target group.")
    if values.get("materials_distributed", 0) > values.get("materials_produced", 0) > 0:
        errors["materials_distributed"] = _("More materials distributed than produced.")
    if errors:
        raise ValidationError(errors)
    event = AwarenessEvent.objects.create(
        organisation=organisation, recorded_by=acting_user, **values
    )
    AwarenessReach.objects.bulk_create(
        AwarenessReach(event=event, group=group, people=values.get(f"reached_{field}", 0))
        for group, field in REACH_GROUPS
    )
    record(Action.CREATE, actor=acting_user, obj=event, request=request)
    return event


REACHED = ("reached_women", "reached_men", "reached_girls", "reached_boys")
REACH_GROUPS = (("woman", "women"), ("man", "men"), ("girl", "girls"), ("boy", "boys"))


def people_reached(events) -> dict:
    """Sum the people reached by sex and age, and say how much of it is estimated."""
    totals = events.aggregate(**{f: Sum(f) for f in REACHED})
    estimated = events.filter(basis=AwarenessEvent.Basis.ESTIMATED).aggregate(
        **{f: Sum(f) for f in REACHED}
    )
    out = {f: totals[f] or 0 for f in REACHED}
    out["total"] = sum(out.values())
    out["estimated"] = sum(estimated[f] or 0 for f in REACHED)
    return out
