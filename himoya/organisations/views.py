from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from himoya.access import policy, roles
from himoya.organisations import actions
from himoya.organisations.forms import MemberForm, MembershipForm, TOTPForm


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def otp_verify(request):
    """Ask for the TOTP code of a user who has a device."""
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    return render(request, "organisations/otp_verify.html", {"form": form})


@login_required
def otp_setup(request):
    """Register an authenticator app: show the key as a QR code and confirm one code."""
    import segno

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("home")
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "organisations/otp_setup.html",
        {"form": form, "qr": qr, "secret": device.config_url.split("secret=")[1].split("&")[0]},
    )


@require_POST
def set_language(request):
    """Switch the interface language and remember it on the account."""
    from django.conf import settings
    from django.utils import translation

    lang = request.POST.get("language", "")
    if lang not in dict(settings.LANGUAGES):
        messages.error(request, _("Unknown language."))
        return redirect(_safe_next(request))
    if request.user.is_authenticated:
        actions.do_set_language(request.user, lang)
    translation.activate(lang)
    response = redirect(_safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        lang,
        max_age=365 * 24 * 3600,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response


@login_required
def organisation_list(request):
    orgs = policy.organisations_visible_to(request.user).order_by("slug")
    return render(request, "organisations/organisation_list.html", {"organisations": orgs})


@login_required
def organisation_detail(request, slug):
    org = policy.get_or_404(policy.organisations_visible_to(request.user), slug=slug)
    policy.require(request.user, roles.VIEW_ORGANISATION, org, request=request)
    members = policy.memberships_visible_to(request.user).filter(organisation=org)
    can_manage = policy.has_perm(request.user, roles.MANAGE_USERS, org) or (
        policy.is_system_admin(request.user)
    )
    return render(
        request,
        "organisations/organisation_detail.html",
        {"organisation": org, "members": members, "can_manage": can_manage},
    )


def _managed_org(request, slug):
    org = policy.get_or_404(policy.organisations_visible_to(request.user), slug=slug)
    if not policy.is_system_admin(request.user):
        policy.require(request.user, roles.MANAGE_USERS, org, request=request)
    return org


@login_required
def member_add(request, slug):
    org = _managed_org(request, slug)
    form = MemberForm(
        request.POST or None,
        organisation=org,
        roles=policy.assignable_roles(request.user, org),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.do_add_member(
            org,
            username=data["username"],
            role=data["role"],
            password=data.get("password", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            email=data.get("email", ""),
            acting_user=request.user,
        )
        messages.success(request, _("%(name)s was added.") % {"name": data["username"]})
        return redirect("organisation_detail", slug=org.slug)
    return render(request, "organisations/member_form.html", {"organisation": org, "form": form})


@login_required
def member_edit(request, slug, membership_id):
    org = _managed_org(request, slug)
    membership = policy.get_or_404(
        policy.memberships_visible_to(request.user).filter(organisation=org), pk=membership_id
    )
    form = MembershipForm(
        request.POST or None,
        instance=membership,
        roles=policy.assignable_roles(request.user, org),
    )
    if request.method == "POST":
        role = request.POST.get("role", "")
        is_active = bool(request.POST.get("is_active"))
        if form.is_valid():
            actions.do_change_membership(
                policy.get_or_404(type(membership).objects.all(), pk=membership.pk),
                role=role,
                is_active=is_active,
                acting_user=request.user,
            )
            messages.success(request, _("The membership was saved."))
            return redirect("organisation_detail", slug=org.slug)
    return render(
        request,
        "organisations/membership_form.html",
        {"organisation": org, "membership": membership, "form": form},
    )
