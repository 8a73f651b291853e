import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.access import policy, roles
from himoya.access import referrals as access
from himoya.audit.actions import Action, record
from himoya.referrals import actions, documents, queries, sharing
from himoya.referrals.forms import (
    ConsentForm,
    DeclineForm,
    InboxFilterForm,
    ReferralForm,
    ServiceOfferForm,
    ServiceSearchForm,
)
from himoya.referrals.models import Consent, Referral, ServiceOffer

# --- service directory ---------------------------------------------------------------


@login_required
def service_list(request):
    """Search the directory of services by service, region and group of people."""
    policy.require(request.user, roles.VIEW_ORGANISATION, request=request)
    form = ServiceSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    offers = access.service_offers_visible_to(request.user).filter(is_active=True)
    if data.get("service"):
        offers = offers.filter(service=data["service"])
    offers = [
        o
        for o in offers.order_by("service", "organisation__slug")
        if o.serves(data.get("region"), data.get("group"))
    ]
    manage_ids = policy.org_ids_with(request.user, roles.MANAGE_SERVICES)
    return render(
        request,
        "referrals/serviceoffer_list.html",
        {
            "form": form,
            "offers": offers,
            "can_manage": bool(manage_ids),
            "manage_ids": manage_ids,
        },
    )


@login_required
def service_add(request):
    policy.require(request.user, roles.MANAGE_SERVICES, request=request)
    organisation = policy.first_org_with(request.user, roles.MANAGE_SERVICES)
    form = ServiceOfferForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        actions.do_save_service_offer(form.save(commit=False), acting_user=request.user)
        messages.success(request, _("The service was added to the directory."))
        return redirect("service_list")
    return render(
        request, "referrals/serviceoffer_form.html", {"form": form, "organisation": organisation}
    )


@login_required
def service_edit(request, offer_id):
    offer = policy.get_or_404(
        ServiceOffer.objects.filter(organisation_id__in=policy.in_scope(request.user)),
        pk=offer_id,
    )
    policy.require(request.user, roles.MANAGE_SERVICES, offer.organisation, request=request)
    form = ServiceOfferForm(request.POST or None, instance=offer, organisation=offer.organisation)
    if request.method == "POST" and form.is_valid():
        actions.do_save_service_offer(form.save(commit=False), acting_user=request.user)
        messages.success(request, _("The service was saved."))
        return redirect("service_list")
    return render(
        request,
        "referrals/serviceoffer_form.html",
        {"form": form, "organisation": offer.organisation, "offer": offer},
    )


# --- consent and referrals of one case -----------------------------------------------


@login_required
def case_referrals(request, case_id):
    """Consents and referrals of one case, as the user's organisation may see them."""
    case, organisation = access.case_for(request, case_id, roles.VIEW_CASE)
    consents = access.consents_visible_to(request.user).filter(case=case)
    referrals = (
        access.referrals_visible_to(request.user).filter(case=case).prefetch_related("services")
    )
    return render(
        request,
        "referrals/case_referrals.html",
        {
            "case": case,
            "organisation": organisation,
            "consents": consents,
            "referrals": referrals,
            "can_refer": access.acting_organisation(request.user, case) is not None,
            "can_see_forms": access.acting_organisation(request.user, case, roles.VIEW_IDENTITY)
            is not None,
            "own_case": organisation.pk == case.organisation_id,
        },
    )


@login_required
def consent_add(request, case_id):
    case, organisation = access.case_for(request, case_id, roles.REFER)
    form = ConsentForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "POST" and form.is_valid():
        consent = form.save(commit=False)
        consent.case = case
        consent.organisation = organisation
        actions.do_record_consent(consent, acting_user=request.user)
        messages.success(request, _("The consent was recorded."))
        return redirect("case_referrals", case_id=case.pk)
    return render(
        request,
        "referrals/consent_form.html",
        {"form": form, "case": case, "organisation": organisation},
    )


@login_required
@require_POST
def consent_form_file(request, consent_id):
    """Show a consent's signed form: it names the person, so it is an audited reveal."""
    consent = policy.get_or_404(access.consents_visible_to(request.user), pk=consent_id)
    if not consent.form_file:
        raise Http404
    _case, organisation = access.case_for(request, consent.case_id, roles.VIEW_IDENTITY)
    record(
        Action.VIEW_IDENTITY,
        actor=request.user,
        organisation=organisation,
        obj=consent,
        fields=["form_file"],
        request=request,
    )
    ext = consent.form_file.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        consent.form_file.open("rb"),
        content_type=documents.CONTENT_TYPES.get(ext, "application/octet-stream"),
        as_attachment=ext not in documents.CONTENT_TYPES,
        filename=f"consent-{consent.pk}.{ext}",
    )
    add_never_cache_headers(response)
    return response


@login_required
def consent_withdraw(request, consent_id):
    consent = policy.get_or_404(access.consents_visible_to(request.user), pk=consent_id)
    case, organisation = access.case_for(request, consent.case_id, roles.REFER)
    if request.method == "POST":
        try:
            stopped = actions.do_withdraw_consent(
                consent, acting_user=request.user, organisation=organisation
            )
        except actions.ReferralError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The consent was withdrawn. Referrals stopped: %(n)s.") % {"n": len(stopped)},
            )
        return redirect("case_referrals", case_id=case.pk)
    open_referrals = consent.referrals.filter(status__in=Referral.OPEN)
    return render(
        request,
        "referrals/consent_withdraw.html",
        {"consent": consent, "case": case, "open_referrals": open_referrals},
    )


def _shareable_parts(user, case, organisation) -> list[str]:
    if organisation.pk == case.organisation_id:
        return list(sharing.PARTS)
    parts = access.shared_parts_for(user, case) or set()
    return [p for p in sharing.PARTS if p in parts]


@login_required
def referral_send(request, case_id):
    """Refer the case to another organisation, on the person's consent."""
    case, organisation = access.case_for(request, case_id, roles.REFER)
    parts = _shareable_parts(request.user, case, organisation)
    consents = access.consents_visible_to(request.user).filter(
        case=case, status=Consent.Status.GIVEN, purpose__in=["referral", "law_enforcement"]
    )
    named = {c.recipient_organisation_id for c in consents if c.recipient_organisation_id}
    form = ReferralForm(
        request.POST or None,
        organisation=organisation,
        parts=parts,
        # the organisation the person agreed to, when there is just one
        initial={"to_organisation": named.pop()} if len(named) == 1 else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.do_send_referral(
                case,
                from_organisation=organisation,
                to_organisation=data["to_organisation"],
                external_recipient=data["external_recipient"],
                external_country=data["external_country"],
                services=data["services"],
                shared_parts=data["shared_parts"],
                message=data["message"],
                passphrase=data["passphrase"],
                acting_user=request.user,
            )
        except actions.ReferralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The referral was sent."))
            return redirect("referral_detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "case": case, "organisation": organisation, "consents": consents},
    )


# --- one referral --------------------------------------------------------------------


def _referral(request, referral_id):
    return policy.get_or_404(access.referrals_visible_to(request.user), pk=referral_id)


def _require_side(request, referral, perm, side):
    organisation = referral.to_organisation if side == "to" else referral.from_organisation
    if organisation is None:
        raise Http404
    policy.require(request.user, perm, organisation, request=request)
    return organisation


@login_required
def referral_detail(request, referral_id):
    referral = _referral(request, referral_id)
    user = request.user
    sender = policy.has_perm(user, roles.VIEW_CASE, referral.from_organisation_id)
    receiver = referral.to_organisation_id is not None and policy.has_perm(
        user, roles.VIEW_CASE, referral.to_organisation_id
    )
    if not (sender or receiver):
        policy.require(user, roles.VIEW_CASE, referral.from_organisation, request=request)
    grant = getattr(referral, "grant", None)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "is_sender": sender,
            "is_receiver": receiver,
            "can_answer": receiver
            and policy.has_perm(user, roles.REFER, referral.to_organisation_id),
            "can_complete": sender
            and policy.has_perm(user, roles.REFER, referral.from_organisation_id),
            "grant_active": grant is not None and grant.is_active,
            "decline_form": DeclineForm(),
            "overdue": referral.is_overdue(),
            "events": _timeline(referral),
        },
    )


def _timeline(referral) -> list[tuple]:
    steps = [(referral.sent_at, _("Sent"), referral.sent_by)]
    if referral.answered_at:
        label = _("Declined") if referral.status == Referral.Status.DECLINED else _("Accepted")
        steps.append((referral.answered_at, label, referral.answered_by))
    if referral.delivered_at:
        steps.append((referral.delivered_at, _("Services delivered"), referral.delivered_by))
    if referral.completed_at:
        steps.append((referral.completed_at, _("Completed"), referral.completed_by))
    if referral.stopped_at:
        steps.append((referral.stopped_at, _("Stopped: consent withdrawn"), None))
    return steps


def _answer(request, referral_id, side, do, success):
    referral = _referral(request, referral_id)
    _require_side(request, referral, roles.REFER, side)
    try:
        do(referral)
    except actions.ReferralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("referral_detail", referral_id=referral.pk)


@login_required
@require_POST
def referral_accept(request, referral_id):
    return _answer(
        request,
        referral_id,
        "to",
        lambda r: actions.do_accept_referral(r, acting_user=request.user),
        _("You accepted the referral."),
    )


@login_required
def referral_decline(request, referral_id):
    referral = _referral(request, referral_id)
    _require_side(request, referral, roles.REFER, "to")
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_decline_referral(
                referral, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except actions.ReferralError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You declined the referral."))
        return redirect("referral_detail", referral_id=referral.pk)
    return render(request, "referrals/referral_decline.html", {"referral": referral, "form": form})


@login_required
@require_POST
def referral_deliver(request, referral_id):
    return _answer(
        request,
        referral_id,
        "to",
        lambda r: actions.do_mark_delivered(r, acting_user=request.user),
        _("The services are marked as delivered."),
    )


@login_required
@require_POST
def referral_complete(request, referral_id):
    return _answer(
        request,
        referral_id,
        "from",
        lambda r: actions.do_complete_referral(r, acting_user=request.user),
        _("The referral is completed."),
    )


def _granted(request, referral_id):
    """Return (referral, grant) for the receiver while its grant runs; 404 otherwise."""
    referral = _referral(request, referral_id)
    organisation = _require_side(request, referral, roles.VIEW_CASE, "to")
    grant = getattr(referral, "grant", None)
    if grant is None or not grant.is_active:
        raise Http404
    return referral, grant, organisation


@login_required
def referral_case(request, referral_id):
    """The case as the receiving organisation sees it: only the parts the referral shares."""
    referral, grant, organisation = _granted(request, referral_id)
    return _render_shared(request, referral, grant, organisation, reveal=False)


@login_required
@require_POST
def referral_identity(request, referral_id):
    """Reveal the identity a referral shares; audited."""
    referral, grant, organisation = _granted(request, referral_id)
    if "identity" not in grant.parts:
        raise Http404
    policy.require(request.user, roles.VIEW_IDENTITY, organisation, request=request)
    actions.do_reveal_identity(
        referral, acting_user=request.user, organisation=organisation, request=request
    )
    return _render_shared(request, referral, grant, organisation, reveal=True)


def _render_shared(request, referral, grant, organisation, *, reveal):
    case = referral.case
    return render(
        request,
        "referrals/referral_case.html",
        {
            "referral": referral,
            "case": case,
            "grant": grant,
            "sections": sharing.shared_sections(
                case, grant.parts, referral=referral, reveal_identity=reveal
            ),
            "identity_shared": "identity" in grant.parts,
            "revealed": reveal,
            "can_reveal": policy.has_perm(request.user, roles.VIEW_IDENTITY, organisation),
        },
    )


@login_required
def referral_package(request, referral_id):
    """Download the signed, encrypted package of a referral abroad (sender only)."""
    referral = _referral(request, referral_id)
    organisation = _require_side(request, referral, roles.REFER, "from")
    if not referral.package:
        raise Http404
    record(
        Action.EXPORT,
        actor=request.user,
        organisation=organisation,
        obj=referral,
        detail="referral package downloaded",
        request=request,
    )
    response = HttpResponse(bytes(referral.package), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="himoya-referral-{referral.pk}.json"'
    return response


# --- inbox and the supervisor's home section ------------------------------------------


@login_required
def referral_inbox(request):
    """Referrals to and from the user's organisations, waiting ones first, with filters."""
    policy.require(request.user, roles.VIEW_CASE, request=request)
    org_ids = policy.org_ids_with(request.user, roles.VIEW_CASE)
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    show = data.get("show") or "open"
    visible = access.referrals_visible_to(request.user)
    now = timezone.now()

    def rows(qs):
        qs = queries.inbox(
            qs, show=show, start=data.get("sent_from"), end=data.get("sent_to"), now=now
        )
        return qs.count(), [(r, r.waiting_hours(now), r.is_overdue(now)) for r in qs[:200]]

    incoming_count, incoming = rows(visible.filter(to_organisation_id__in=org_ids))
    outgoing_count, outgoing = rows(visible.filter(from_organisation_id__in=org_ids))
    return render(
        request,
        "referrals/referral_inbox.html",
        {
            "form": form,
            "incoming": incoming,
            "outgoing": outgoing,
            "incoming_count": incoming_count,
            "outgoing_count": outgoing_count,
            "show": show,
            "overdue_hours": settings.HIMOYA_REFERRAL_OVERDUE_HOURS,
        },
    )


def overdue_referrals_for_supervisor(user):
    """Referrals sent by the supervisor's organisations, unanswered past the limit."""
    org_ids = policy.org_ids_with(user, roles.APPROVE_STATUS) & policy.org_ids_with(
        user, roles.VIEW_CASE
    )
    if not org_ids:
        return Referral.objects.none()
    limit = timezone.now() - datetime.timedelta(hours=settings.HIMOYA_REFERRAL_OVERDUE_HOURS)
    return (
        Referral.objects.filter(
            from_organisation_id__in=org_ids, status=Referral.Status.SENT, sent_at__lt=limit
        )
        .select_related("to_organisation", "case")
        .order_by("sent_at")
    )


def home_section(request):
    """Referrals waiting for the user's answer, and (for supervisors) overdue ones sent."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    now = timezone.now()
    receiving = policy.org_ids_with(user, roles.REFER)
    waiting_all = Referral.objects.filter(
        to_organisation_id__in=receiving, status=Referral.Status.SENT
    )
    waiting = list(
        waiting_all.select_related("from_organisation", "case").order_by("-sent_at", "-pk")[:5]
    )
    overdue = list(overdue_referrals_for_supervisor(user)[:20])
    if not (waiting or overdue):
        return None
    return {
        "title": _("Referrals"),
        "template": "referrals/home_section.html",
        "waiting": [(r, r.waiting_hours(now), r.is_overdue(now)) for r in waiting],
        "waiting_count": waiting_all.count() if waiting else 0,
        "overdue": [(r, r.waiting_hours(now)) for r in overdue],
        "overdue_hours": settings.HIMOYA_REFERRAL_OVERDUE_HOURS,
    }


def case_section(request, case):
    """The case page's panel on consent and referrals, for the case's own organisation."""
    if not policy.has_perm(request.user, roles.VIEW_CASE, case.organisation_id):
        return None
    consents = Consent.objects.filter(case=case)
    counts = Referral.objects.filter(case=case).aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status__in=Referral.OPEN))
    )
    return {
        "title": _("Consent and referrals"),
        "template": "referrals/case_section.html",
        "case": case,
        "consents_given": [c for c in consents if c.status == Consent.Status.GIVEN],
        "open_referrals": counts["open"],
        "referrals": counts["total"],
    }
