from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from himoya.access import policy, roles
from himoya.organisations import actions, lockout
from himoya.organisations.forms import (
    MemberForm,
    MembershipForm,
    OrganisationForm,
    OwnPasswordChangeForm,
    TOTPForm,
)


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- second factor -------------------------------------------------------------------


@login_required
def otp_verify(request):
    """Ask for the TOTP code of a user who has a device."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    if not user_has_device(request.user):
        return redirect("otp_setup")
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request))
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    return render(request, "organisations/otp_verify.html", {"form": form})


@login_required
def otp_setup(request):
    """Register an authenticator app: show the key as a QR code and confirm one code."""
    import segno

    if user_has_device(request.user):
        # Adding a device must never be a way around entering the code of the first one.
        return redirect("home" if request.user.is_verified() else "otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            actions.do_confirm_totp_device(device, acting_user=request.user)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("home")
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "organisations/otp_setup.html",
        {
            "form": form,
            "qr": qr,
            "secret": secret,
            "required": policy.needs_second_factor(request.user),
        },
    )


# --- own password --------------------------------------------------------------------


@login_required
def password_change(request):
    """Let a person change their own password (required after an admin set it)."""
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_change_own_password(form, acting_user=request.user, request=request)
        update_session_auth_hash(request, form.user)
        return redirect("password_change_done")
    return render(
        request,
        "registration/password_change_form.html",
        {"form": form, "required": request.user.must_change_password},
    )


# --- language ------------------------------------------------------------------------


@require_POST
def set_language(request):
    """Switch the interface language; remember it on the account and in a cookie."""
    lang = request.POST.get("language", "")
    if lang not in dict(settings.LANGUAGES):
        messages.error(request, _("Unknown language."))
        return redirect(_safe_next(request))
    if request.user.is_authenticated:
        actions.do_set_language(request.user, lang, acting_user=request.user)
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


# --- organisations -------------------------------------------------------------------


@login_required
def organisation_list(request):
    orgs = policy.organisations_visible_to(request.user).order_by("slug")
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "organisations": orgs,
            "can_create": policy.has_perm(request.user, roles.MANAGE_ORGANISATIONS),
        },
    )


@login_required
def organisation_create(request):
    """Let a system admin register a new organisation of the referral mechanism."""
    policy.require(request.user, roles.MANAGE_ORGANISATIONS, request=request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = actions.do_create_organisation(form.cleaned_data, acting_user=request.user)
        messages.success(request, _("%(name)s was created.") % {"name": org.name})
        return redirect("organisation_detail", slug=org.slug)
    return render(request, "organisations/organisation_form.html", {"form": form})


@login_required
def organisation_detail(request, slug):
    org = policy.get_or_404(policy.organisations_visible_to(request.user), slug=slug)
    if not policy.is_system_admin(request.user):
        policy.require(request.user, roles.VIEW_ORGANISATION, org, request=request)
    members = list(
        policy.memberships_visible_to(request.user)
        .filter(organisation=org)
        .order_by("user__username", "role")
    )
    can_manage = _can_manage(request.user, org)
    if can_manage:
        locked = lockout.locked_out_usernames(m.user.username for m in members)
        for m in members:
            m.locked_out = m.user.username in locked
    return render(
        request,
        "organisations/organisation_detail.html",
        {"organisation": org, "members": members, "can_manage": can_manage},
    )


def _can_manage(user, org) -> bool:
    return policy.has_perm(user, roles.MANAGE_USERS, org) or policy.is_system_admin(user)


def _managed_org(request, slug):
    org = policy.get_or_404(policy.organisations_visible_to(request.user), slug=slug)
    if not policy.is_system_admin(request.user):
        policy.require(request.user, roles.MANAGE_USERS, org, request=request)
    return org


def _managed_membership(request, org, membership_id):
    """Look a member up in the organisation; refuse one whose role is above the admin's."""
    membership = policy.get_or_404(
        policy.memberships_visible_to(request.user).filter(organisation=org), pk=membership_id
    )
    assignable = policy.assignable_roles(request.user, org)
    if membership.role not in dict(assignable):
        from himoya.audit.actions import record_permission_denied

        record_permission_denied(request.user, roles.MANAGE_USERS, org, request=request)
        raise PermissionDenied
    return membership, assignable


@login_required
def member_add(request, slug):
    org = _managed_org(request, slug)
    form = MemberForm(
        request.POST or None,
        organisation=org,
        roles=policy.assignable_roles(request.user, org),
        may_link_other_users=policy.is_system_admin(request.user),
        acting_user=request.user,
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
    membership, assignable = _managed_membership(request, org, membership_id)
    form = MembershipForm(
        request.POST or None, membership=membership, roles=assignable, acting_user=request.user
    )
    if request.method == "POST" and form.is_valid():
        actions.do_change_membership(
            membership,
            role=form.cleaned_data["role"],
            is_active=form.cleaned_data["is_active"],
            acting_user=request.user,
        )
        messages.success(request, _("The membership was saved."))
        return redirect("organisation_detail", slug=org.slug)
    return render(
        request,
        "organisations/membership_form.html",
        {
            "organisation": org,
            "membership": membership,
            "form": form,
            "locked_out": lockout.is_locked_out(membership.user.username),
            "has_second_factor": user_has_device(membership.user),
        },
    )


@login_required
@require_POST
def member_unlock(request, slug, membership_id):
    """Lift the sign-in lock-out of a member after too many failed attempts."""
    org = _managed_org(request, slug)
    membership, _assignable = _managed_membership(request, org, membership_id)
    if actions.do_unlock_member(membership, acting_user=request.user, request=request):
        messages.success(
            request, _("%(name)s can sign in again.") % {"name": membership.user.username}
        )
    else:
        messages.info(request, _("This account was not locked."))
    return redirect("member_edit", slug=org.slug, membership_id=membership.pk)


@login_required
@require_POST
def member_reset_second_factor(request, slug, membership_id):
    """Remove a member's authenticator (a lost phone) so they set up a new one."""
    org = _managed_org(request, slug)
    membership, _assignable = _managed_membership(request, org, membership_id)
    if not _manages_whole_person(request.user, membership.user):
        from himoya.audit.actions import record_permission_denied

        record_permission_denied(request.user, roles.MANAGE_USERS, org, request=request)
        raise PermissionDenied
    actions.do_reset_second_factor(membership, acting_user=request.user, request=request)
    messages.success(
        request,
        _("%(name)s will set up a new authenticator at the next sign-in.")
        % {"name": membership.user.username},
    )
    return redirect("member_edit", slug=org.slug, membership_id=membership.pk)


def _manages_whole_person(actor, person) -> bool:
    """Tell whether every role the person holds anywhere is one the actor could give."""
    from himoya.organisations.models import Membership

    managed = {o.pk: o for o in policy.organisations_managed_by(actor)}
    for m in Membership.objects.filter(user=person, is_active=True):
        org = managed.get(m.organisation_id)
        if org is None or m.role not in dict(policy.assignable_roles(actor, org)):
            return False
    return True
