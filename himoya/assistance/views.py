import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.access import assistance as access
from himoya.access import policy, roles
from himoya.access.referrals import (
    acting_organisation,
    active_grants_for,
    case_for,
    cases_in_reach,
)
from himoya.assistance import actions
from himoya.assistance.forms import (
    FollowUpForm,
    PlanCloseForm,
    RiskAssessmentForm,
    ServiceDeliveryForm,
    SupportPlanForm,
    all_providers,
)
from himoya.assistance.models import ServiceDelivery, SupportPlan
from himoya.audit.actions import Action, record
from himoya.organisations.models import Organisation


def _own_case(request, case_id, perm=roles.CHANGE_CASE):
    """Return the case for a change only its own organisation makes (403 for receivers)."""
    case = policy.get_or_404(cases_in_reach(request.user), pk=case_id)
    policy.require(request.user, perm, case.organisation, request=request)
    return case


@login_required
def case_assistance(request, case_id):
    """Support plan, services, risk and follow-ups of a case, as far as the user may see."""
    case, organisation = case_for(request, case_id, roles.VIEW_CASE)
    return _case_assistance_page(request, case, organisation, reveal=False)


@login_required
@require_POST
def case_safety_plan(request, case_id):
    """Show the latest risks and safety plan: where a person hides is identity (audited)."""
    case, organisation = case_for(request, case_id, roles.VIEW_CASE)
    policy.require(request.user, roles.VIEW_IDENTITY, case.organisation, request=request)
    latest = access.risk_assessments_visible_to(request.user).filter(case=case).first()
    if latest is not None:
        record(
            Action.VIEW_IDENTITY,
            actor=request.user,
            organisation=case.organisation,
            obj=latest,
            fields=["risks", "safety_plan"],
            request=request,
        )
    return _case_assistance_page(request, case, organisation, reveal=True)


def _case_assistance_page(request, case, organisation, *, reveal):
    user = request.user
    own = organisation.pk == case.organisation_id
    plan = access.support_plans_visible_to(user).filter(case=case).first()
    can_change = own and policy.has_perm(user, roles.CHANGE_CASE, case.organisation_id)
    return render(
        request,
        "assistance/case_assistance.html",
        {
            "case": case,
            "own": own,
            "reveal_safety_plan": reveal,
            "can_reveal_safety_plan": policy.has_perm(
                user, roles.VIEW_IDENTITY, case.organisation_id
            ),
            "plan": plan,
            "services": access.service_deliveries_visible_to(user).filter(case=case),
            "risks": access.risk_assessments_visible_to(user).filter(case=case)[:10],
            "follow_ups": access.follow_ups_visible_to(user).filter(case=case),
            "can_change": can_change,
            "can_record_service": can_change or policy.has_perm(user, roles.REFER, organisation.pk),
            "today": timezone.localdate(),
        },
    )


@login_required
def plan_edit(request, case_id):
    case = _own_case(request, case_id)
    plan = SupportPlan.objects.filter(case=case).first() or SupportPlan(case=case)
    form = SupportPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        actions.do_save_support_plan(form.save(commit=False), acting_user=request.user)
        messages.success(request, _("The support plan was saved."))
        return redirect("case_assistance", case_id=case.pk)
    return render(request, "assistance/supportplan_form.html", {"form": form, "case": case})


@login_required
def plan_close(request, case_id):
    case = _own_case(request, case_id)
    plan = policy.get_or_404(SupportPlan.objects.filter(case=case), case=case)
    form = PlanCloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        created = actions.do_close_support_plan(
            plan, closed_on=form.cleaned_data["closed_on"], acting_user=request.user
        )
        messages.success(
            request,
            _("The plan is closed; follow-ups scheduled: %(n)s.") % {"n": len(created)},
        )
        return redirect("case_assistance", case_id=case.pk)
    return render(request, "assistance/plan_close.html", {"form": form, "case": case})


def _providers_and_referral(user, case, organisation):
    """Whom a service may be recorded for: anyone by the case's own org; else oneself."""
    if organisation.pk == case.organisation_id:
        return all_providers(), None
    grant = active_grants_for(user).filter(case=case, organisation=organisation).first()
    return Organisation.objects.filter(pk=organisation.pk), grant.referral if grant else None


@login_required
def service_add(request, case_id):
    perm = roles.CHANGE_CASE
    case = policy.get_or_404(cases_in_reach(request.user), pk=case_id)
    organisation = case.organisation
    if not policy.has_perm(request.user, perm, case.organisation_id):
        # A receiving organisation records the services it delivered itself.
        organisation = acting_organisation(request.user, case, roles.REFER)
        if organisation is None:
            policy.require(request.user, perm, case.organisation, request=request)
    providers, referral = _providers_and_referral(request.user, case, organisation)
    delivery = ServiceDelivery(case=case, referral=referral)
    form = ServiceDeliveryForm(request.POST or None, instance=delivery, providers=providers)
    if request.method == "POST" and form.is_valid():
        actions.do_record_service(form.save(commit=False), acting_user=request.user)
        messages.success(request, _("The service was recorded."))
        return redirect("case_assistance", case_id=case.pk)
    return render(request, "assistance/servicedelivery_form.html", {"form": form, "case": case})


@login_required
def service_edit(request, delivery_id):
    delivery = policy.get_or_404(access.service_deliveries_visible_to(request.user), pk=delivery_id)
    case = delivery.case
    own = policy.has_perm(request.user, roles.CHANGE_CASE, case.organisation_id)
    if not own:
        policy.require(request.user, roles.REFER, delivery.provider, request=request)
    providers = all_providers() if own else Organisation.objects.filter(pk=delivery.provider_id)
    form = ServiceDeliveryForm(request.POST or None, instance=delivery, providers=providers)
    if request.method == "POST" and form.is_valid():
        actions.do_record_service(form.save(commit=False), acting_user=request.user)
        messages.success(request, _("The service was saved."))
        return redirect("case_assistance", case_id=case.pk)
    return render(
        request,
        "assistance/servicedelivery_form.html",
        {"form": form, "case": case, "delivery": delivery},
    )


@login_required
def risk_add(request, case_id):
    case = _own_case(request, case_id)
    form = RiskAssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        assessment = form.save(commit=False)
        assessment.case = case
        assessment.organisation = case.organisation
        actions.do_record_risk_assessment(assessment, acting_user=request.user)
        messages.success(request, _("The risk assessment was recorded."))
        return redirect("case_assistance", case_id=case.pk)
    previous = access.risk_assessments_visible_to(request.user).filter(case=case).first()
    return render(
        request,
        "assistance/riskassessment_form.html",
        {"form": form, "case": case, "previous": previous},
    )


@login_required
def follow_up_list(request):
    """Follow-ups due for the user's organisations, the oldest first."""
    policy.require(request.user, roles.VIEW_CASE, request=request)
    due = (
        access.follow_ups_visible_to(request.user)
        .filter(done_on__isnull=True)
        .select_related("case")
        .order_by("due_on")[:200]
    )
    return render(
        request,
        "assistance/followup_list.html",
        {"follow_ups": due, "today": timezone.localdate()},
    )


@login_required
def follow_up_edit(request, follow_up_id):
    follow_up = policy.get_or_404(access.follow_ups_visible_to(request.user), pk=follow_up_id)
    policy.require(request.user, roles.CHANGE_CASE, follow_up.case.organisation, request=request)
    form = FollowUpForm(request.POST or None, instance=follow_up)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.do_record_follow_up(
            follow_up,
            done_on=data["done_on"],
            outcome=data["outcome"],
            re_victimised=data["re_victimised"],
            notes=data["notes"],
            acting_user=request.user,
        )
        messages.success(request, _("The follow-up was recorded."))
        return redirect("case_assistance", case_id=follow_up.case_id)
    return render(request, "assistance/followup_form.html", {"form": form, "follow_up": follow_up})


def case_section(request, case):
    """The case page's panel on the support plan, risk and follow-ups (own organisation)."""
    if not policy.has_perm(request.user, roles.VIEW_CASE, case.organisation_id):
        return None
    return {
        "title": _("Support plan and services"),
        "template": "assistance/case_section.html",
        "case": case,
        "plan": SupportPlan.objects.filter(case=case).first(),
        "services": ServiceDelivery.objects.filter(case=case).count(),
        "risk": access.risk_assessments_visible_to(request.user).filter(case=case).first(),
        "follow_ups_due": access.follow_ups_visible_to(request.user)
        .filter(case=case, done_on__isnull=True)
        .count(),
    }


def home_section(request):
    """Follow-ups due within two weeks, or overdue, for the user's organisations."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if not policy.org_ids_with(user, roles.CHANGE_CASE):
        return None
    today = timezone.localdate()
    due = list(
        access.follow_ups_visible_to(user)
        .filter(done_on__isnull=True, due_on__lte=today + datetime.timedelta(days=14))
        .select_related("case")
        .order_by("due_on")[:20]
    )
    if not due:
        return None
    return {
        "title": _("Follow-ups due"),
        "template": "assistance/home_section.html",
        "follow_ups": due,
        "today": today,
    }
