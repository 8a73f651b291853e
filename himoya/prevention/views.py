from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.access import plans as plans_access
from himoya.access import policy, roles
from himoya.access import screening as access
from himoya.audit.actions import Action, record
from himoya.prevention import actions, meetings, plan_report, plans, training
from himoya.prevention.forms import (
    ActivityForm,
    AdoptForm,
    AwarenessEventForm,
    CommentForm,
    CourseForm,
    FollowUpForm,
    IndicatorForm,
    MeetingForm,
    ParticipantsForm,
    PlanForm,
    PreventionContactForm,
    ProgressReportForm,
    ReturnForm,
    SessionForm,
    TaskFormSet,
    TitleForm,
)
from himoya.prevention.models import (
    ActionPlan,
    Activity,
    Evidence,
    Participant,
    ProgressReport,
)
from himoya.screening import rule
from himoya.vocab import registry


@login_required
def prevention_contact_list(request):
    policy.require(request.user, roles.SCREEN, request=request)
    contacts = (
        access.prevention_contacts_visible_to(request.user)
        .select_related("organisation", "recorded_by", "screening")
        .order_by("-contacted_on", "-id")[:100]
    )
    return render(request, "prevention/preventioncontact_list.html", {"contacts": contacts})


@login_required
def prevention_contact_add(request, screening_id):
    screening = policy.get_or_404(access.screenings_visible_to(request.user), pk=screening_id)
    policy.require(request.user, roles.SCREEN, screening.organisation, request=request)
    form = PreventionContactForm(request.POST or None)
    done = hasattr(screening, "prevention_contact")
    at_risk = (screening.decision or screening.suggested) == rule.AT_RISK
    if request.method == "POST" and not done and form.is_valid():
        try:
            actions.do_record_prevention_contact(
                screening.organisation,
                screening=screening,
                acting_user=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The prevention contact was recorded."))
            return redirect("screening_detail", pk=screening.pk)
    return render(
        request,
        "prevention/preventioncontact_form.html",
        {"form": form, "screening": screening, "done": done, "at_risk": at_risk},
    )


# --- action plans -----------------------------------------------------------------------


def _plan(request, pk) -> ActionPlan:
    return policy.get_or_404(plans_access.plans_visible_to(request.user), pk=pk)


def _managed_plan(request, pk) -> ActionPlan:
    plan = _plan(request, pk)
    policy.require(request.user, roles.MANAGE_PLANS, plan.owner, request=request)
    return plan


def _quarter(request) -> tuple[int, int]:
    year, quarter = plans.current_quarter()
    try:
        year = int(request.GET.get("year", year))
        quarter = int(request.GET.get("quarter", quarter))
    except ValueError:
        pass
    return year, quarter if quarter in (1, 2, 3, 4) else 1


@login_required
def plan_list(request):
    visible = plans_access.plans_visible_to(request.user).select_related("owner")
    can_add = policy.has_perm(request.user, roles.MANAGE_PLANS)
    return render(
        request, "prevention/actionplan_list.html", {"plans": visible, "can_add": can_add}
    )


@login_required
def plan_add(request):
    owners = sorted(policy.org_ids_with(request.user, roles.MANAGE_PLANS))
    if not owners:
        policy.require(request.user, roles.MANAGE_PLANS, request=request)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from himoya.organisations.models import Organisation

        try:
            plan = plans.do_create_plan(
                Organisation.objects.get(pk=owners[0]),
                acting_user=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("plan_detail", pk=plan.pk)
    return render(request, "prevention/plan_part_form.html", {"form": form, "title": _("New plan")})


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    year, quarter = _quarter(request)
    goals = plan.goals.prefetch_related(
        "objectives__activities__indicators",
        "objectives__activities__partners",
        "objectives__activities__responsible",
    )
    reports = {
        r.activity_id: r
        for r in ProgressReport.objects.filter(
            activity__objective__goal__plan=plan, year=year, quarter=quarter
        ).prefetch_related("values")
    }
    for goal in goals:
        for objective in goal.objectives.all():
            for activity in objective.activities.all():
                activity.report = reports.get(activity.pk)
    reporting = plans_access.reporting_org_ids(request.user)
    manage = plans_access.can_manage(request.user, plan)
    return render(
        request,
        "prevention/actionplan_detail.html",
        {
            "plan": plan,
            "goals": goals,
            "year": year,
            "quarter": quarter,
            "quarters": [1, 2, 3, 4],
            "reporting": reporting,
            "manage": manage,
            "missing": plans.missing_reports(plan, year, quarter)
            if manage and plan.is_frozen
            else [],
            "closed": plan.closed_quarters.filter(year=year, quarter=quarter).exists(),
            "comment_org": plans_access.commenting_organisation(request.user, plan),
            "comment_form": CommentForm(),
            "return_form": ReturnForm(),
            "adopt_form": AdoptForm(),
        },
    )


@login_required
def plan_part_add(request, pk, part):
    """Add a goal, an objective, an activity or an indicator to a draft plan."""
    plan = _managed_plan(request, pk)
    data = request.POST or None
    form: forms.Form
    if part == "goal":
        form, title = TitleForm(data), _("New goal")
    elif part == "objective":
        form, title = TitleForm(data), _("New objective")
        form.fields["goal"] = forms.ModelChoiceField(
            label=_("Goal"), queryset=plan.goals.all(), empty_label=None
        )
    elif part == "activity":
        form, title = ActivityForm(data, plan=plan), _("New activity")
    elif part == "indicator":
        form, title = IndicatorForm(data, plan=plan), _("New indicator")
    else:
        raise Http404
    if request.method == "POST" and form.is_valid():
        cd = dict(form.cleaned_data)
        try:
            if part == "goal":
                plans.do_add_goal(plan, acting_user=request.user, request=request, **cd)
            elif part == "objective":
                plans.do_add_objective(
                    cd.pop("goal"), acting_user=request.user, request=request, **cd
                )
            elif part == "activity":
                plans.do_add_activity(
                    cd.pop("objective"), acting_user=request.user, request=request, **cd
                )
            else:
                assert isinstance(form, IndicatorForm)
                plans.do_add_indicator(
                    cd["activity"],
                    name=cd["name"],
                    unit=cd["unit"],
                    baseline=cd["baseline"],
                    targets=form.targets(),
                    engine_key=cd["engine_key"],
                    acting_user=request.user,
                    request=request,
                )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("plan_detail", pk=plan.pk)
    return render(
        request, "prevention/plan_part_form.html", {"form": form, "title": title, "plan": plan}
    )


@login_required
@require_POST
def plan_change(request, pk, verb):
    """Adopt, amend or close a plan, close a quarter, or comment on a draft."""
    plan = _plan(request, pk)
    try:
        if verb == "comment":
            organisation = plans_access.commenting_organisation(request.user, plan)
            if organisation is None:
                raise PermissionDenied
            plans.do_comment(
                plan,
                organisation=organisation,
                text=request.POST.get("text", ""),
                acting_user=request.user,
                request=request,
            )
        else:
            policy.require(request.user, roles.MANAGE_PLANS, plan.owner, request=request)
            if verb == "adopt":
                form = AdoptForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors["adopted_on"])
                plans.do_adopt(
                    plan,
                    adopted_on=form.cleaned_data["adopted_on"],
                    acting_user=request.user,
                    request=request,
                )
            elif verb == "amend":
                plan = plans.do_amend(plan, acting_user=request.user, request=request)
            elif verb == "close":
                plans.do_close(plan, acting_user=request.user, request=request)
            elif verb == "remind":
                year, quarter = _quarter(request)
                reminded = plans.do_send_reminders(
                    plan, year, quarter, acting_user=request.user, request=request
                )
                messages.success(
                    request,
                    _("Reminders sent to: %(orgs)s")
                    % {"orgs": "; ".join(o.name for o in reminded) or "—"},
                )
                return redirect(
                    f"{reverse('plan_detail', args=[plan.pk])}?year={year}&quarter={quarter}"
                )
            elif verb == "close-quarter":
                year, quarter = _quarter(request)
                plans.do_close_quarter(
                    plan, year, quarter, acting_user=request.user, request=request
                )
            else:
                raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("plan_detail", pk=plan.pk)


@login_required
def progress_report(request, activity_id, year, quarter):
    activity = policy.get_or_404(
        Activity.objects.filter(
            objective__goal__plan__in=plans_access.plans_visible_to(request.user)
        ).select_related("objective__goal__plan", "responsible"),
        pk=activity_id,
    )
    plan = activity.objective.goal.plan
    policy.require(request.user, roles.REPORT_PROGRESS, activity.responsible, request=request)
    existing = ProgressReport.objects.filter(activity=activity, year=year, quarter=quarter).first()
    initial = {}
    if existing is not None:
        initial = {"progress": existing.progress, "done": existing.done, "spent": existing.spent}
        initial |= {f"indicator_{v.indicator_id}": v.value for v in existing.values.all()}
    form = ProgressReportForm(
        request.POST or None, request.FILES or None, activity=activity, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data.get("evidence")
            if upload:
                plans.check_evidence(upload)  # refuse before anything is written
            report = plans.do_submit_report(
                activity,
                organisation=activity.responsible,
                year=year,
                quarter=quarter,
                progress=form.cleaned_data["progress"],
                done=form.cleaned_data["done"],
                spent=form.cleaned_data["spent"],
                values=form.values(),
                acting_user=request.user,
                request=request,
            )
            if upload:
                plans.do_attach_evidence(report, upload, acting_user=request.user, request=request)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The progress report was sent."))
            return redirect(
                f"{reverse('plan_detail', args=[plan.pk])}?year={year}&quarter={quarter}"
            )
    return render(
        request,
        "prevention/progressreport_form.html",
        {
            "form": form,
            "activity": activity,
            "plan": plan,
            "year": year,
            "quarter": quarter,
            "existing": existing,
            "counted": [i for i in form.indicators if i.engine_key],
        },
    )


@login_required
@require_POST
def progress_review(request, report_id, verb):
    report = policy.get_or_404(
        ProgressReport.objects.filter(
            activity__objective__goal__plan__in=plans_access.plans_visible_to(request.user)
        ).select_related("activity__objective__goal__plan__owner"),
        pk=report_id,
    )
    plan = report.activity.objective.goal.plan
    policy.require(request.user, roles.MANAGE_PLANS, plan.owner, request=request)
    try:
        if verb == "return":
            plans.do_return_report(
                report,
                because=request.POST.get("because", ""),
                acting_user=request.user,
                request=request,
            )
        elif verb == "accept":
            plans.do_accept_report(report, acting_user=request.user, request=request)
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(
        f"{reverse('plan_detail', args=[plan.pk])}?year={report.year}&quarter={report.quarter}"
    )


@login_required
def plan_progress_download(request, pk, fmt):
    """The plan-progress report of a quarter (or, with `quarter=year`, the whole year)."""
    plan = _plan(request, pk)
    year, quarter = _quarter(request)
    whole_year = request.GET.get("quarter") == "year"
    period = None if whole_year else quarter
    if fmt == "xlsx":
        body = plan_report.to_xlsx(plan, year, period)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        body = plan_report.to_pdf(plan, year, period)
        content_type = "application/pdf"
    else:
        raise Http404
    label = f"{year}" if whole_year else f"{year}-Q{quarter}"
    record(Action.EXPORT, actor=request.user, obj=plan, detail=label, request=request)
    response = HttpResponse(body, content_type=content_type)
    name = f"plan-{plan.pk}-v{plan.version}-{label}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- coordination meetings --------------------------------------------------------------


@login_required
def meeting_list(request):
    visible = plans_access.meetings_visible_to(request.user).select_related("convened_by")
    overdue = meetings.overdue_items(plans_access.action_items_visible_to(request.user))
    return render(
        request,
        "prevention/meeting_list.html",
        {
            "meetings": visible[:200],
            "overdue": overdue,
            "can_add": policy.has_perm(request.user, roles.MANAGE_PLANS),
        },
    )


@login_required
def meeting_add(request):
    owners = sorted(policy.org_ids_with(request.user, roles.MANAGE_PLANS))
    if not owners:
        policy.require(request.user, roles.MANAGE_PLANS, request=request)
    form = MeetingForm(request.POST or None)
    tasks = TaskFormSet(request.POST or None, prefix="task")
    if request.method == "POST" and form.is_valid() and tasks.is_valid():
        from himoya.organisations.models import Organisation

        cd = form.cleaned_data
        try:
            meeting = meetings.do_record_meeting(
                Organisation.objects.get(pk=owners[0]),
                body=cd["body"],
                title=cd["title"],
                held_on=cd["held_on"],
                place=cd["place"],
                participants=cd["participants"],
                agenda=cd["agenda"],
                minutes=cd["minutes"],
                decisions=cd["decisions"].splitlines(),
                tasks=[t for t in tasks.cleaned_data if t],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "prevention/meeting_form.html", {"form": form, "tasks": tasks})


@login_required
def meeting_detail(request, pk):
    meeting = policy.get_or_404(plans_access.meetings_visible_to(request.user), pk=pk)
    later = plans_access.meetings_visible_to(request.user).filter(held_on__gte=meeting.held_on)
    manage = policy.has_perm(request.user, roles.MANAGE_PLANS, meeting.convened_by)
    items = list(meeting.action_items.select_related("owner", "followed_up_at"))
    forms_by_item = {
        item.pk: FollowUpForm(
            prefix=f"item{item.pk}",
            meetings=later,
            initial={"status": item.status, "note": item.note},
        )
        for item in items
    }
    if request.method == "POST":
        policy.require(request.user, roles.MANAGE_PLANS, meeting.convened_by, request=request)
        item = policy.get_or_404(meeting.action_items.all(), pk=request.POST.get("item"))
        form = FollowUpForm(request.POST, prefix=f"item{item.pk}", meetings=later)
        if form.is_valid():
            meetings.do_follow_up(
                item,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                at_meeting=form.cleaned_data["at_meeting"],
                acting_user=request.user,
                request=request,
            )
            messages.success(request, _("The task was updated."))
            return redirect("meeting_detail", pk=meeting.pk)
        forms_by_item[item.pk] = form
    for item in items:
        item.form = forms_by_item[item.pk]
    return render(
        request,
        "prevention/meeting_detail.html",
        {"meeting": meeting, "items": items, "manage": manage},
    )


def home_section(request):
    """Overdue tasks from coordination meetings: all for the secretariat, own for others."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    items = plans_access.action_items_visible_to(user)
    if not policy.has_perm(user, roles.MANAGE_PLANS):
        items = items.filter(owner_id__in=plans_access.reporting_org_ids(user))
    overdue = meetings.overdue_items(items)[:20]
    due = plans.reports_due(plans_access.reporting_org_ids(user))
    if not (overdue or due):
        return None
    return {
        "title": _("Action plan and coordination"),
        "template": "prevention/home_section.html",
        "overdue": overdue,
        "due": due,
    }


# --- training and awareness ---------------------------------------------------------------


def _recording_org(request):
    """The organisation in whose name the user records training and awareness work."""
    from himoya.organisations.models import Organisation

    ids = sorted(plans_access.reporting_org_ids(request.user))
    if not ids:
        policy.require(request.user, roles.REPORT_PROGRESS, request=request)
    return Organisation.objects.get(pk=ids[0])


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _figure_rows(key: str, by: str, year: int, orgs, protected) -> list[tuple[str, int]]:
    from himoya.stats import engine, figures, periods
    from himoya.stats.indicators import INDICATORS

    table = engine.compute(
        INDICATORS[key], periods.year(year), figures.scope(orgs, protected), (by,), compare=False
    )
    return sorted(((c.labels[0], c.current) for c in table.cells), key=lambda r: -r[1])


@login_required
def training_list(request):
    from himoya.stats import figures
    from himoya.stats.periods import year as periods_year

    year = _year(request)
    orgs = plans_access.figure_org_ids(request.user)
    # National figures go through the disclosure protection unless the exact grant is held.
    protected = figures.protected_for(request.user, orgs)
    sessions = (
        plans_access.training_sessions_visible_to(request.user)
        .select_related("course", "organisation")
        .annotate(people=Count("participants"))[:100]
    )
    breakdowns = [
        (_("By sex"), _figure_rows("trained", "sex", year, orgs, protected)),
        (_("By agency"), _figure_rows("trained", "agency", year, orgs, protected)),
        (_("By topic"), _figure_rows("trained", "topic", year, orgs, protected)),
        (_("By role"), _figure_rows("trained", "trainee_role", year, orgs, protected)),
    ]
    return render(
        request,
        "prevention/training_list.html",
        {
            "sessions": sessions,
            "year": year,
            "breakdowns": breakdowns,
            "total": figures.total(
                "trained",
                periods_year(year).start,
                periods_year(year).end,
                orgs,
                protected=protected,
            ),
            "can_add": bool(plans_access.reporting_org_ids(request.user)),
        },
    )


@login_required
def course_add(request):
    organiser = _recording_org(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        training.do_create_course(
            organiser, acting_user=request.user, request=request, **form.cleaned_data
        )
        return redirect("training_session_add")
    return render(
        request, "prevention/plan_part_form.html", {"form": form, "title": _("New course")}
    )


@login_required
def training_session_add(request):
    organisation = _recording_org(request)
    courses = plans_access.courses_visible_to(request.user)
    form = SessionForm(request.POST or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        cd = dict(form.cleaned_data)
        try:
            session = training.do_record_session(
                cd.pop("course"),
                organisation=organisation,
                acting_user=request.user,
                request=request,
                **cd,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("training_session_detail", pk=session.pk)
    return render(
        request,
        "prevention/plan_part_form.html",
        {"form": form, "title": _("New training session")},
    )


@login_required
def training_session_detail(request, pk):
    session = policy.get_or_404(
        plans_access.training_sessions_visible_to(request.user).select_related(
            "course", "organisation"
        ),
        pk=pk,
    )
    may_add = policy.has_perm(request.user, roles.REPORT_PROGRESS, session.organisation)
    form = ParticipantsForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.user, roles.REPORT_PROGRESS, session.organisation, request=request)
        if form.is_valid():
            cd = dict(form.cleaned_data)
            try:
                training.do_add_participants(
                    session,
                    names=cd.pop("names").splitlines(),
                    acting_user=request.user,
                    request=request,
                    **cd,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The participants were added."))
                return redirect("training_session_detail", pk=session.pk)
    groups = (
        session.participants.values("role", "sex", "age_group", "completed")
        .annotate(n=Count("id"), pre=Avg("pre_score"), post=Avg("post_score"))
        .order_by("role", "sex", "age_group")
    )
    labels = {
        "role": dict(Participant.TraineeRole.choices),
        "age": dict(Participant.AgeGroup.choices),
    }
    rows = [
        {
            **g,
            "role_label": labels["role"].get(g["role"], g["role"]),
            "age_label": labels["age"].get(g["age_group"], g["age_group"]),
            "sex_label": registry.label("sex", g["sex"]),
        }
        for g in groups
    ]
    return render(
        request,
        "prevention/trainingsession_detail.html",
        {
            "session": session,
            "rows": rows,
            "form": form if may_add else None,
            "certificates": session.participants.exclude(certificate="").count(),
        },
    )


@login_required
def awareness_list(request):
    year = _year(request)
    orgs = plans_access.figure_org_ids(request.user)
    visible = plans_access.awareness_events_visible_to(request.user).select_related("organisation")
    from himoya.stats import figures, periods

    protected = figures.protected_for(request.user, orgs)
    period = periods.year(year)
    span = (period.start, period.end, orgs)
    groups = figures.counts("people_reached", ("reach_group",), *span, protected=protected)
    reached = {f"reached_{g}": groups.get((k,), 0) for k, g in training.REACH_GROUPS}
    reached["total"] = figures.total("people_reached", *span, protected=protected)
    reached["estimated"] = figures.total(
        "people_reached", *span, filters={"event__basis": "estimated"}, protected=protected
    )
    prevented = figures.total("prevented", *span, protected=protected)
    return render(
        request,
        "prevention/awareness_list.html",
        {
            "events": visible[:100],
            "year": year,
            "by_kind": _figure_rows("awareness_events", "event_kind", year, orgs, protected),
            "reached": reached,
            "prevented": prevented,
            "can_add": bool(plans_access.reporting_org_ids(request.user)),
        },
    )


@login_required
def awareness_add(request):
    organisation = _recording_org(request)
    form = AwarenessEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training.do_record_awareness_event(
                organisation, acting_user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The awareness event was recorded."))
            return redirect("awareness_list")
    return render(
        request,
        "prevention/plan_part_form.html",
        {"form": form, "title": _("New awareness event")},
    )


@login_required
def evidence_file(request, pk):
    """Show a report's evidence to its organisation and the plan's managers; audited."""
    from django.http import FileResponse
    from django.utils.cache import add_never_cache_headers

    evidence = policy.get_or_404(
        Evidence.objects.filter(
            report__activity__objective__goal__plan__in=plans_access.plans_visible_to(request.user)
        ).select_related("report__activity__objective__goal__plan"),
        pk=pk,
    )
    # Photographs may show people: the reporting organisation and the plan's managers only.
    plan = evidence.report.activity.objective.goal.plan
    if not (
        plans_access.can_manage(request.user, plan)
        or evidence.report.organisation_id in plans_access.reporting_org_ids(request.user)
    ):
        raise Http404
    record(Action.EXPORT, actor=request.user, obj=evidence, detail="evidence", request=request)
    ext = evidence.file.name.rsplit(".", 1)[-1].lower()
    types = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=types.get(ext, "application/octet-stream"),
        filename=f"evidence-{evidence.pk}.{ext}",
    )
    add_never_cache_headers(response)
    return response
