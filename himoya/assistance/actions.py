"""State changes of support plans, services, risk assessments and follow-ups; audited."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from himoya.assistance.models import FollowUp, RiskAssessment, ServiceDelivery, SupportPlan
from himoya.audit.actions import Action, record

PLAN_FIELDS = [
    "goals",
    "needs",
    "planned_end",
    "reflection_starts_on",
    "reflection_ends_on",
]
SERVICE_FIELDS = ["service", "started_on", "ended_on", "cost_somoni", "outcome", "notes"]


def follow_up_months() -> tuple[int, ...]:
    return tuple(getattr(settings, "HIMOYA_FOLLOW_UP_MONTHS", (3, 6, 12)))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return the same day `months` later (the month's last day if it is shorter)."""
    import calendar

    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _changed(before, after, names) -> list[str]:
    if before is None:
        return [n for n in names if getattr(after, n) not in (None, "", [])]
    return [n for n in names if getattr(before, n) != getattr(after, n)]


@transaction.atomic
def do_save_support_plan(plan: SupportPlan, *, acting_user) -> SupportPlan:
    before = SupportPlan.objects.select_for_update().filter(pk=plan.pk).first() if plan.pk else None
    changed = _changed(before, plan, PLAN_FIELDS)
    plan.updated_by = acting_user
    plan.save()
    record(
        Action.CREATE if before is None else Action.UPDATE,
        actor=acting_user,
        organisation=plan.case.organisation,
        obj=plan,
        fields=changed,
        detail=f"case:{plan.case_id}",
    )
    return plan


@transaction.atomic
def do_close_support_plan(plan: SupportPlan, *, closed_on, acting_user) -> list[FollowUp]:
    """Close the plan and schedule the follow-ups after it."""
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    plan.closed_on = closed_on
    plan.updated_by = acting_user
    plan.save(update_fields=["closed_on", "updated_by", "updated_at"])
    record(
        Action.STATUS_CHANGE,
        actor=acting_user,
        organisation=plan.case.organisation,
        obj=plan,
        fields=["closed_on"],
        detail=f"case:{plan.case_id} plan closed",
    )
    return do_schedule_follow_ups(plan.case, closed_on=closed_on, acting_user=acting_user)


@transaction.atomic
def do_schedule_follow_ups(case, *, closed_on, acting_user=None) -> list[FollowUp]:
    """Create the follow-ups due 3, 6 and 12 months (by default) after closure, once."""
    created = []
    for months in follow_up_months():
        follow_up, made = FollowUp.objects.get_or_create(
            case=case,
            months_after_closure=months,
            defaults={"due_on": add_months(closed_on, months)},
        )
        if made:
            created.append(follow_up)
    if created:
        months_text = ",".join(str(f.months_after_closure) for f in created)
        record(
            Action.CREATE,
            actor=acting_user,
            organisation=case.organisation,
            object_type="assistance.followup",
            object_id=case.pk,
            fields=["due_on", "months_after_closure"],
            detail=f"case:{case.pk} follow-ups at {months_text} months",
        )
    return created


@transaction.atomic
def do_record_service(delivery: ServiceDelivery, *, acting_user) -> ServiceDelivery:
    """Record a service delivered, or change its dates, cost and outcome."""
    before = (
        ServiceDelivery.objects.select_for_update().filter(pk=delivery.pk).first()
        if delivery.pk
        else None
    )
    changed = _changed(before, delivery, SERVICE_FIELDS)
    if before is None:
        delivery.recorded_by = acting_user
        delivery.recorded_at = timezone.now()
    delivery.save()
    record(
        Action.CREATE if before is None else Action.UPDATE,
        actor=acting_user,
        organisation=delivery.provider,
        obj=delivery,
        fields=changed,
        detail=f"case:{delivery.case_id}",
    )
    return delivery


@transaction.atomic
def do_record_risk_assessment(assessment: RiskAssessment, *, acting_user) -> RiskAssessment:
    assessment.assessed_by = acting_user
    assessment.save()
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=assessment.organisation,
        obj=assessment,
        fields=[
            n
            for n in ("assessed_on", "level", "risks", "safety_plan", "next_review_on")
            if getattr(assessment, n)
        ],
        detail=f"case:{assessment.case_id}",
    )
    return assessment


@transaction.atomic
def do_record_follow_up(
    follow_up: FollowUp, *, done_on, outcome, re_victimised, notes, acting_user
) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    follow_up.done_on = done_on
    follow_up.outcome = outcome
    follow_up.re_victimised = re_victimised or outcome == "re_victimised"
    follow_up.notes = notes
    follow_up.recorded_by = acting_user
    follow_up.save(update_fields=["done_on", "outcome", "re_victimised", "notes", "recorded_by"])
    record(
        Action.UPDATE,
        actor=acting_user,
        organisation=follow_up.case.organisation,
        obj=follow_up,
        fields=["done_on", "outcome", "re_victimised", "notes"],
        detail=f"case:{follow_up.case_id}",
    )
    return follow_up


def schedule_on_case_closure(sender, instance, update_fields=None, **kwargs) -> None:
    """post_save of Case: a case that is now closed gets its follow-ups (once)."""
    from himoya.cases import codes

    if update_fields is not None and "case_status" not in update_fields:
        return
    if instance.case_status in codes.CLOSED_STATUSES and instance.closed_on:
        do_schedule_follow_ups(instance, closed_on=instance.closed_on)
