"""The organisation admin's part of the home page: members to unlock, members to count."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from himoya.access import policy
from himoya.organisations import lockout


def admin_section(request) -> dict | None:
    """Return the home-page section for people who manage members, or None."""
    orgs = list(
        policy.organisations_managed_by(request.user)
        .annotate(
            active_members=Count("memberships", filter=Q(memberships__is_active=True)),
            inactive_members=Count("memberships", filter=Q(memberships__is_active=False)),
        )
        .order_by("slug")[:50]
    )
    if not orgs:
        return None
    members = list(
        policy.memberships_visible_to(request.user).filter(organisation__in=orgs, is_active=True)
    )
    locked = lockout.locked_out_usernames({m.user.username for m in members})
    return {
        "title": _("Members of your organisation"),
        "template": "organisations/home_section.html",
        "organisations": orgs,
        "locked_members": [m for m in members if m.user.username in locked],
    }
