"""Action plans: draft, adopt (frozen), amend as a new version, close; quarterly progress.

Every state change is one `do_<verb>` function, atomic, audited.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.audit.actions import Action, record
from himoya.prevention.models import (
    ActionPlan,
    Activity,
    ClosedQuarter,
    Evidence,
    Goal,
    IndicatorValue,
    Objective,
    PlanComment,
    PlanIndicator,
    ProgressReport,
    ReportReminder,
)

# Indicators Himoya already counts: a plan indicator may name one to fill itself.
ENGINE_INDICATORS = {
    "victims_identified": _("Victims identified (status granted)"),
    "persons": _("Persons registered as presumed or identified victims"),
    "persons_referred": _("Persons referred"),
    "cases_served": _("Cases that received services"),
    "prosecuted": _("Persons prosecuted"),
    "convicted": _("Persons convicted"),
    "screenings": _("Screenings"),
    "prevented": _("Prevented cases"),
    "trained": _("People trained"),
    "awareness_events": _("Awareness events"),
}

PERCENT_MAX = Decimal(100)
WHOLE_UNITS = {PlanIndicator.Unit.PERSONS, PlanIndicator.Unit.EVENTS, PlanIndicator.Unit.DOCUMENTS}


def currencies() -> list[str]:
    return list(getattr(settings, "HIMOYA_CURRENCIES", ["TJS", "USD", "EUR"]))


def _require_draft(plan: ActionPlan) -> None:
    if plan.is_frozen:
        raise ValidationError(
            _("An adopted or closed plan cannot change: amend it as a new version.")
        )


@transaction.atomic
def do_create_plan(
    owner, *, title: str, kind: str, first_year: int, last_year: int, acting_user, request=None
) -> ActionPlan:
    """Start a draft plan."""
    if last_year < first_year:
        raise ValidationError({"last_year": _("The last year cannot be before the first year.")})
    plan = ActionPlan.objects.create(
        owner=owner,
        title=title.strip(),
        kind=kind,
        first_year=first_year,
        last_year=last_year,
        created_by=acting_user,
    )
    record(Action.CREATE, actor=acting_user, obj=plan, fields=["title"], request=request)
    return plan


@transaction.atomic
def do_add_goal(plan: ActionPlan, *, title: str, acting_user, request=None) -> Goal:
    _require_draft(plan)
    number = (plan.goals.aggregate(n=Max("number"))["n"] or 0) + 1
    goal = Goal.objects.create(plan=plan, number=number, title=title.strip())
    record(Action.UPDATE, actor=acting_user, obj=plan, fields=["goals"], request=request)
    return goal


@transaction.atomic
def do_add_objective(goal: Goal, *, title: str, acting_user, request=None) -> Objective:
    _require_draft(goal.plan)
    number = (goal.objectives.aggregate(n=Max("number"))["n"] or 0) + 1
    objective = Objective.objects.create(goal=goal, number=number, title=title.strip())
    record(Action.UPDATE, actor=acting_user, obj=goal.plan, fields=["objectives"], request=request)
    return objective


def _check_activity(plan, starts_on, due_on, budget, currency) -> None:
    errors: dict = {}
    if due_on < starts_on:
        errors["due_on"] = _("The due date cannot be before the start.")
    first, last = datetime.date(plan.first_year, 1, 1), datetime.date(plan.last_year, 12, 31)
    if not (first <= starts_on <= last):
        errors["starts_on"] = _("The start must fall within the plan's years.")
    if budget is not None and currency not in currencies():
        errors["currency"] = _("This currency is not set up: use one of %(list)s.") % {
            "list": ", ".join(currencies())
        }
    if budget is not None and budget < 0:
        errors["budget"] = _("A budget cannot be negative.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_add_activity(
    objective: Objective,
    *,
    title: str,
    responsible,
    partners=(),
    starts_on: datetime.date,
    due_on: datetime.date,
    budget: Decimal | None = None,
    currency: str = "",
    funding_source: str = "",
    acting_user,
    request=None,
) -> Activity:
    """Add an activity with its responsible and partner organisations, dates and budget."""
    plan = objective.goal.plan
    _require_draft(plan)
    _check_activity(plan, starts_on, due_on, budget, currency)
    number = (objective.activities.aggregate(n=Max("number"))["n"] or 0) + 1
    activity = Activity.objects.create(
        objective=objective,
        number=number,
        title=title.strip(),
        responsible=responsible,
        starts_on=starts_on,
        due_on=due_on,
        budget=budget,
        currency=currency if budget is not None else "",
        funding_source=funding_source,
    )
    activity.partners.set([p for p in partners if p.pk != responsible.pk])
    record(Action.UPDATE, actor=acting_user, obj=plan, fields=["activities"], request=request)
    return activity


@transaction.atomic
def do_add_indicator(
    activity: Activity,
    *,
    name: str,
    unit: str,
    baseline: Decimal | None = None,
    targets: dict[int, Decimal] | None = None,
    engine_key: str = "",
    acting_user,
    request=None,
) -> PlanIndicator:
    """Give an activity an indicator: unit, baseline and a target for some of the plan's years."""
    plan = activity.objective.goal.plan
    _require_draft(plan)
    if engine_key and engine_key not in ENGINE_INDICATORS:
        raise ValidationError({"engine_key": _("Himoya does not count this indicator.")})
    clean_targets = {}
    for year, value in (targets or {}).items():
        if int(year) not in plan.years():
            raise ValidationError({"targets": _("A target year must fall within the plan.")})
        clean_targets[str(int(year))] = str(_check_value(unit, value, "targets"))
    if baseline is not None:
        _check_value(unit, baseline, "baseline")
    indicator = PlanIndicator.objects.create(
        activity=activity,
        name=name.strip(),
        unit=unit,
        baseline=baseline,
        targets=clean_targets,
        engine_key=engine_key,
    )
    record(Action.UPDATE, actor=acting_user, obj=plan, fields=["indicators"], request=request)
    return indicator


def _check_value(unit: str, value, field: str) -> Decimal:
    """Refuse a value that cannot be in the indicator's unit."""
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc
    if number < 0:
        raise ValidationError({field: _("A value cannot be negative.")})
    if unit in WHOLE_UNITS and number != number.to_integral_value():
        raise ValidationError(
            {
                field: _("This indicator counts whole %(unit)s.")
                % {"unit": PlanIndicator.Unit(unit).label}
            }
        )
    if unit == PlanIndicator.Unit.PERCENT and number > PERCENT_MAX:
        raise ValidationError({field: _("A percentage lies between 0 and 100.")})
    return number


@transaction.atomic
def do_adopt(plan: ActionPlan, *, adopted_on: datetime.date, acting_user, request=None) -> None:
    """Adopt a draft: from now on it is frozen; changes come as a new version."""
    given, plan = plan, ActionPlan.objects.select_for_update().get(pk=plan.pk)
    _require_draft(plan)
    if not Activity.objects.filter(objective__goal__plan=plan).exists():
        raise ValidationError(_("A plan needs at least one activity before it is adopted."))
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("The date cannot be in the future.")})
    plan.status = ActionPlan.Status.ADOPTED
    plan.adopted_on = adopted_on
    plan.save(update_fields=["status", "adopted_on"])
    given.status, given.adopted_on = plan.status, plan.adopted_on
    record(Action.STATUS_CHANGE, actor=acting_user, obj=plan, detail="adopted", request=request)


@transaction.atomic
def do_close(plan: ActionPlan, *, acting_user, request=None) -> None:
    given, plan = plan, ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ActionPlan.Status.ADOPTED:
        raise ValidationError(_("Only an adopted plan can be closed."))
    plan.status = ActionPlan.Status.CLOSED
    plan.closed_on = timezone.localdate()
    plan.save(update_fields=["status", "closed_on"])
    given.status, given.closed_on = plan.status, plan.closed_on
    record(Action.STATUS_CHANGE, actor=acting_user, obj=plan, detail="closed", request=request)


@transaction.atomic
def do_amend(plan: ActionPlan, *, acting_user, request=None) -> ActionPlan:
    """Copy an adopted plan into a new draft version; reports stay with the old version."""
    if plan.status != ActionPlan.Status.ADOPTED:
        raise ValidationError(_("Only an adopted plan can be amended."))
    new = ActionPlan.objects.create(
        owner=plan.owner,
        title=plan.title,
        kind=plan.kind,
        first_year=plan.first_year,
        last_year=plan.last_year,
        version=plan.version + 1,
        amends=plan,
        created_by=acting_user,
    )
    for goal in plan.goals.prefetch_related("objectives__activities__indicators"):
        new_goal = Goal.objects.create(plan=new, number=goal.number, title=goal.title)
        for objective in goal.objectives.all():
            new_obj = Objective.objects.create(
                goal=new_goal, number=objective.number, title=objective.title
            )
            for activity in objective.activities.all():
                partners = list(activity.partners.all())
                indicators = list(activity.indicators.all())
                activity.pk = None
                activity.objective = new_obj
                activity.save()
                activity.partners.set(partners)
                for indicator in indicators:
                    indicator.pk = None
                    indicator.activity = activity
                    indicator.save()
    record(
        Action.CREATE, actor=acting_user, obj=new, detail=f"amends plan {plan.pk}", request=request
    )
    return new


@transaction.atomic
def do_comment(plan: ActionPlan, *, organisation, text: str, acting_user, request=None):
    _require_draft(plan)
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    comment = PlanComment.objects.create(
        plan=plan, organisation=organisation, author=acting_user, text=text.strip()
    )
    record(
        Action.CREATE, actor=acting_user, obj=comment, organisation=organisation, request=request
    )
    return comment


# --- quarterly progress ---------------------------------------------------------------


def quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year: int, quarter: int) -> datetime.date:
    from himoya.stats import periods

    return periods.quarter(year, quarter).end


def current_quarter(today: datetime.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def check_quarter(plan: ActionPlan, year: int, quarter: int) -> None:
    """Refuse a quarter outside the plan, not begun yet, or closed by the coordinator."""
    if quarter not in (1, 2, 3, 4) or year not in plan.years():
        raise ValidationError(_("This quarter is outside the plan's years."))
    if plan.status == ActionPlan.Status.DRAFT:
        raise ValidationError(_("Progress is reported on adopted plans only."))
    if quarter_start(year, quarter) > timezone.localdate():
        raise ValidationError(_("This quarter has not begun yet."))
    if ClosedQuarter.objects.filter(plan=plan, year=year, quarter=quarter).exists():
        raise ValidationError(_("This quarter is closed: its reports can no longer change."))


def engine_value(indicator: PlanIndicator, organisation, year: int, quarter: int) -> int:
    """Count a Himoya indicator for the organisation's own records in the quarter."""
    from himoya.stats import figures

    return figures.total(
        indicator.engine_key,
        quarter_start(year, quarter),
        quarter_end(year, quarter),
        [organisation],
    )


@transaction.atomic
def do_submit_report(
    activity: Activity,
    *,
    organisation,
    year: int,
    quarter: int,
    progress: str,
    done: str,
    spent: Decimal | None,
    values: Mapping[int, Decimal | None],
    acting_user,
    request=None,
) -> ProgressReport:
    """Report (or correct a returned report on) one activity for one quarter."""
    plan = activity.objective.goal.plan
    if activity.responsible_id != organisation.pk:
        raise ValidationError(_("Only the responsible organisation reports on this activity."))
    check_quarter(plan, year, quarter)
    if spent is not None and spent < 0:
        raise ValidationError({"spent": _("A value cannot be negative.")})
    report = (
        ProgressReport.objects.select_for_update()
        .filter(activity=activity, year=year, quarter=quarter)
        .first()
    )
    if report is not None and report.state == ProgressReport.State.ACCEPTED:
        raise ValidationError(_("This report was accepted: it can no longer change."))
    indicators = {i.pk: i for i in activity.indicators.all()}
    clean: dict[int, tuple[Decimal, bool]] = {}
    for indicator in indicators.values():
        if indicator.engine_key:
            count = engine_value(indicator, organisation, year, quarter)
            clean[indicator.pk] = (Decimal(count), True)
        elif values.get(indicator.pk) is not None:
            try:
                clean[indicator.pk] = (
                    _check_value(indicator.unit, values[indicator.pk], f"indicator_{indicator.pk}"),
                    False,
                )
            except ValidationError as exc:
                raise ValidationError({f"indicator_{indicator.pk}": exc.messages}) from exc
    if report is None:
        report = ProgressReport(
            activity=activity, organisation=organisation, year=year, quarter=quarter
        )
    report.progress = progress
    report.done = done
    report.spent = spent
    report.state = ProgressReport.State.SUBMITTED
    report.submitted_by = acting_user
    report.save()
    report.values.exclude(indicator_id__in=clean).delete()
    for pk, (value, from_stats) in clean.items():
        IndicatorValue.objects.update_or_create(
            report=report, indicator_id=pk, defaults={"value": value, "from_statistics": from_stats}
        )
    record(
        Action.UPDATE,
        actor=acting_user,
        obj=report,
        organisation=organisation,
        fields=["progress", "done", "spent", "values"],
        request=request,
    )
    return report


EVIDENCE_REFUSED = _("Attach evidence as a PDF document or a JPEG or PNG photograph.")


def check_evidence(upload) -> str:
    """Return the extension the file's content proves (pdf, jpg, png), or refuse it."""
    from himoya.referrals import documents

    try:
        return documents.check_signed_form(upload)
    except ValidationError as exc:
        raise ValidationError({"evidence": EVIDENCE_REFUSED}) from exc


@transaction.atomic
def do_attach_evidence(
    report: ProgressReport, upload, *, description="", acting_user, request=None
):
    """Keep a document or photograph with a report, encrypted, under a neutral name."""
    from django.core.files.base import File

    ext = check_evidence(upload)
    evidence = Evidence(report=report, description=description, uploaded_by=acting_user)
    upload.seek(0)
    evidence.file.save(f"evidence.{ext}", File(upload), save=False)
    evidence.save()
    record(
        Action.CREATE,
        actor=acting_user,
        obj=evidence,
        organisation=report.organisation,
        fields=["file"],
        request=request,
    )
    return evidence


@transaction.atomic
def do_return_report(report: ProgressReport, *, because: str, acting_user, request=None) -> None:
    """Send a report back to its organisation for correction, saying why."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ProgressReport.State.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    if not because.strip():
        raise ValidationError({"because": _("Say what needs correcting.")})
    report.state = ProgressReport.State.RETURNED
    report.returned_because = because.strip()
    report.save(update_fields=["state", "returned_because"])
    record(Action.STATUS_CHANGE, actor=acting_user, obj=report, detail="returned", request=request)


@transaction.atomic
def do_accept_report(report: ProgressReport, *, acting_user, request=None) -> None:
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ProgressReport.State.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    report.state = ProgressReport.State.ACCEPTED
    report.save(update_fields=["state"])
    record(Action.STATUS_CHANGE, actor=acting_user, obj=report, detail="accepted", request=request)


@transaction.atomic
def do_close_quarter(plan: ActionPlan, year: int, quarter: int, *, acting_user, request=None):
    check_quarter(plan, year, quarter)
    ClosedQuarter.objects.create(plan=plan, year=year, quarter=quarter, closed_by=acting_user)
    record(
        Action.STATUS_CHANGE,
        actor=acting_user,
        obj=plan,
        detail=f"quarter {year}-Q{quarter} closed",
        request=request,
    )


def missing_reports(plan: ActionPlan, year: int, quarter: int) -> list[Activity]:
    """Activities running in the quarter with no report, or a report sent back."""
    start, end = quarter_start(year, quarter), quarter_end(year, quarter)
    running = Activity.objects.filter(
        objective__goal__plan=plan, starts_on__lte=end, due_on__gte=start
    ).select_related("responsible", "objective__goal")
    done = set(
        ProgressReport.objects.filter(activity__in=running, year=year, quarter=quarter)
        .exclude(state=ProgressReport.State.RETURNED)
        .values_list("activity_id", flat=True)
    )
    return [a for a in running if a.pk not in done]


@transaction.atomic
def do_send_reminders(
    plan: ActionPlan, year: int, quarter: int, *, acting_user, request=None
) -> list:
    """Remind every organisation with a missing or returned report for the quarter."""
    check_quarter(plan, year, quarter)
    organisations = {a.responsible for a in missing_reports(plan, year, quarter)}
    for organisation in organisations:
        ReportReminder.objects.create(
            plan=plan, organisation=organisation, year=year, quarter=quarter, sent_by=acting_user
        )
    record(
        Action.CREATE,
        actor=acting_user,
        obj=plan,
        detail=f"reminders {year}-Q{quarter}: {len(organisations)}",
        request=request,
    )
    return sorted(organisations, key=lambda o: o.pk)


def reports_due(org_ids) -> list[dict]:
    """For the home page: reminded quarters still missing reports, and returned reports."""
    out = []
    seen = set()
    for reminder in ReportReminder.objects.filter(organisation_id__in=org_ids).select_related(
        "plan", "organisation"
    ):
        key = (reminder.plan_id, reminder.year, reminder.quarter, reminder.organisation_id)
        if key in seen or reminder.plan.status != ActionPlan.Status.ADOPTED:
            continue
        seen.add(key)
        missing = [
            a
            for a in missing_reports(reminder.plan, reminder.year, reminder.quarter)
            if a.responsible_id == reminder.organisation_id
        ]
        if missing:
            out.append({"reminder": reminder, "activities": missing})
    returned = ProgressReport.objects.filter(
        organisation_id__in=org_ids, state=ProgressReport.State.RETURNED
    ).select_related("activity__objective__goal__plan")
    out += [{"returned": r} for r in returned]
    return out
