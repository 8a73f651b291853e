"""State changes of organisations and memberships, each atomic and audited."""

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied
from django.db import transaction

from himoya.access import policy
from himoya.audit.actions import Action, record
from himoya.organisations.models import Membership, Organisation, User


@transaction.atomic
def do_create_organisation(data: dict, *, acting_user) -> Organisation:
    """Register an organisation from the cleaned fields of OrganisationForm."""
    org = Organisation.objects.create(**data)
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=org,
        obj=org,
        fields=sorted(data),
    )
    return org


@transaction.atomic
def do_add_member(organisation, *, username, role, acting_user, password="", **names):
    """Create the user if new and give them `role` in `organisation` (never oneself)."""
    user = User.objects.filter(username=username).first()
    if user is not None and user.pk == getattr(acting_user, "pk", None):
        raise PermissionDenied("Nobody gives themselves a role.")
    if user is None:
        user = User(
            username=username,
            must_change_password=True,  # the admin knows it; the person replaces it
            **{k: v for k, v in names.items() if v},
        )
        user.set_password(password)
        user.save()
        record(
            Action.CREATE,
            actor=acting_user,
            organisation=organisation,
            obj=user,
            fields=["username", "password", *[k for k, v in names.items() if v]],
        )
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=organisation,
        obj=membership,
        fields=["user", "role"],
    )
    policy.forget(user)
    return membership


@transaction.atomic
def do_change_membership(membership, *, role, is_active, acting_user):
    """Change a member's role or activity in their organisation."""
    changed = [
        name
        for name, value in (("role", role), ("is_active", is_active))
        if getattr(membership, name) != value
    ]
    if not changed:
        return membership
    membership.role = role
    membership.is_active = is_active
    membership.save(update_fields=changed)
    record(
        Action.UPDATE,
        actor=acting_user,
        organisation=membership.organisation,
        obj=membership,
        fields=changed,
        detail=f"role={role} active={is_active}",
    )
    policy.forget(membership.user)
    return membership


@transaction.atomic
def do_unlock_member(membership, *, acting_user, request=None) -> bool:
    """Forget a member's failed sign-ins so they can sign in again; tell if any were there."""
    removed = axes_reset(username=membership.user.username)
    if removed:
        record(
            Action.UPDATE,
            actor=acting_user,
            organisation=membership.organisation,
            obj=membership.user,
            fields=["lockout"],
            detail="unlock",
            request=request,
        )
    return bool(removed)


@transaction.atomic
def do_reset_second_factor(membership, *, acting_user, request=None) -> None:
    """Remove a member's authenticator devices; they set up a new one at next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=membership.user).delete()
    record(
        Action.UPDATE,
        actor=acting_user,
        organisation=membership.organisation,
        obj=membership.user,
        fields=["totp_device"],
        detail="reset second factor",
        request=request,
    )


@transaction.atomic
def do_confirm_totp_device(device, *, acting_user) -> None:
    """Confirm a user's authenticator app after they entered a correct code."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(Action.UPDATE, actor=acting_user, obj=device.user, fields=["totp_device"])


def do_set_language(user, language: str, *, acting_user=None) -> None:
    """Remember the user's interface language on their account."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def do_change_own_password(form, *, acting_user, request=None) -> None:
    """Save a validated PasswordChangeForm; the person now knows the only copy."""
    user = form.save()
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    record(Action.UPDATE, actor=acting_user, obj=user, fields=["password"], request=request)
