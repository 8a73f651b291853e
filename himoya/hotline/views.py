from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.access import policy, roles
from himoya.access.hotline import hotline_contacts_visible_to
from himoya.audit.actions import Action, record
from himoya.hotline import actions
from himoya.hotline.forms import AttachCaseForm, HotlineContactForm, OutcomeForm
from himoya.hotline.models import HotlineContact


def _desk_org(request):
    org = policy.first_org_with(request.user, roles.HOTLINE)
    if org is None:
        policy.require(request.user, roles.HOTLINE, request=request)
    return org


@login_required
def hotline_desk(request):
    """The operator's single page: log a call on top, today's calls below."""
    org = _desk_org(request)
    form = HotlineContactForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        contact = actions.do_log_contact(org, data=data, acting_user=request.user, request=request)
        messages.success(
            request,
            _("Call logged at %(time)s.")
            % {"time": timezone.localtime(contact.received_at).strftime("%H:%M")},
        )
        return redirect("hotline_desk")
    today = (
        hotline_contacts_visible_to(request.user)
        .filter(organisation=org, received_at__date=timezone.localdate())
        .select_related("operator", "screening", "case")
        .order_by("-received_at")
    )
    return render(
        request,
        "hotline/hotlinecontact_desk.html",
        {"form": form, "organisation": org, "contacts": today},
    )


def _contact(request, pk) -> HotlineContact:
    contact = policy.get_or_404(hotline_contacts_visible_to(request.user), pk=pk)
    policy.require(request.user, roles.HOTLINE, contact.organisation, request=request)
    return contact


def _row(request, contact, error="", status=200):
    return render(
        request,
        "hotline/hotlinecontact_row.html",
        {"c": contact, "error": error},
        status=status,
    )


@login_required
@require_POST
def hotline_outcome(request, pk):
    contact = _contact(request, pk)
    form = OutcomeForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            actions.do_set_outcome(
                contact,
                outcome=form.cleaned_data["outcome"],
                referred_to=form.cleaned_data["referred_to"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Choose an outcome.")
    if request.headers.get("HX-Request"):
        return _row(request, contact, error, status=200)
    if error:
        messages.error(request, error)
    return redirect("hotline_desk")


@login_required
@require_POST
def hotline_attach_case(request, pk):
    from himoya.access.cases import cases_visible_to

    contact = _contact(request, pk)
    form = AttachCaseForm(request.POST)
    error = ""
    if form.is_valid():
        case = (
            cases_visible_to(request.user)
            .filter(organisation=contact.organisation, reference=form.cleaned_data["reference"])
            .first()
        )
        if case is None:
            error = _("No case of your organisation has that reference.")
        else:
            actions.do_attach_case(contact, case, acting_user=request.user, request=request)
    else:
        error = _("Enter a case reference.")
    if request.headers.get("HX-Request"):
        return _row(request, contact, error)
    if error:
        messages.error(request, error)
    return redirect("hotline_desk")


@login_required
def hotline_identity(request, pk):
    """Show who called: an explicit, audited reveal."""
    contact = _contact(request, pk)
    record(
        Action.VIEW_IDENTITY,
        actor=request.user,
        obj=contact,
        fields=list(HotlineContact.IDENTITY_FIELDS),
        request=request,
    )
    return render(request, "hotline/hotlinecontact_identity.html", {"c": contact})
