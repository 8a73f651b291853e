"""Coordination meetings: recorded with their decisions and tasks; tasks followed up."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.audit.actions import Action, record
from himoya.prevention.models import ActionItem, Decision, Meeting


@transaction.atomic
def do_record_meeting(
    convened_by,
    *,
    body: str,
    title: str,
    held_on: datetime.date,
    place: str = "",
    participants=(),
    agenda: str = "",
    minutes: str = "",
    decisions: Sequence[str] = (),
    tasks: Sequence[dict] = (),
    acting_user,
    request=None,
) -> Meeting:
    """Record a meeting with its decisions and tasks ({text, owner, due_on})."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    for task in tasks:
        if task["due_on"] < held_on:
            raise ValidationError({"tasks": _("A task cannot be due before the meeting.")})
    meeting = Meeting.objects.create(
        convened_by=convened_by,
        body=body,
        title=title.strip(),
        held_on=held_on,
        place=place,
        agenda=agenda,
        minutes=minutes,
        created_by=acting_user,
    )
    meeting.participants.set({*participants, convened_by})
    for number, text in enumerate((d for d in decisions if d.strip()), start=1):
        Decision.objects.create(meeting=meeting, number=number, text=text.strip())
    for task in tasks:
        ActionItem.objects.create(
            meeting=meeting, text=task["text"].strip(), owner=task["owner"], due_on=task["due_on"]
        )
    record(
        Action.CREATE,
        actor=acting_user,
        obj=meeting,
        organisation=convened_by,
        fields=["agenda", "minutes", "decisions", "action_items"],
        request=request,
    )
    return meeting


@transaction.atomic
def do_follow_up(
    item: ActionItem, *, status: str, note: str = "", at_meeting=None, acting_user, request=None
) -> ActionItem:
    """Record where a task stands, usually at the body's next meeting."""
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    item.status = status
    item.note = note
    if at_meeting is not None:
        item.followed_up_at = at_meeting
    item.save(update_fields=["status", "note", "followed_up_at"])
    record(
        Action.UPDATE,
        actor=acting_user,
        obj=item,
        organisation=item.owner,
        fields=["status", "note"],
        request=request,
    )
    return item


def overdue_items(items) -> list[ActionItem]:
    today = timezone.localdate()
    return list(
        items.filter(status=ActionItem.Status.OPEN, due_on__lt=today)
        .select_related("owner", "meeting")
        .order_by("due_on")
    )
