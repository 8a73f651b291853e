"""State changes of organisations and memberships, each atomic and audited."""

from django.db import transaction

from himoya.access import policy
from himoya.audit.actions import Action, record
from himoya.organisations.models import Membership, User


@transaction.atomic
def do_add_member(organisation, *, username, role, acting_user, password="", **names):
    """Create the user if new and give them `role` in `organisation`."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **{k: v for k, v in names.items() if v})
        user.set_password(password)
        user.save()
        record(
            Action.CREATE,
            actor=acting_user,
            organisation=organisation,
            obj=user,
            fields=["username", *[k for k, v in names.items() if v]],
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
    )
    return membership


def do_set_language(user, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
