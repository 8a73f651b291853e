"""Who may see and change what: the single source of truth.

Every queryset that reaches a page comes from a `*_visible_to(user)` function here, so
tenancy is never filtered by hand in a view. The rules fail closed: an anonymous or
inactive user, or one without a membership, sees nothing. Out-of-scope objects answer
404 (the same answer as "does not exist"); users in scope without the permission get 403.
"""

from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.functional import Promise

from himoya.access import roles
from himoya.access.roles import MATRIX, Role

M = TypeVar("M", bound=Model)

_CACHE_ATTR = "_himoya_memberships"


def memberships(user) -> list:
    """Return the user's active memberships in active organisations (cached on the user)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from himoya.organisations.models import Membership

        cached = list(
            Membership.objects.filter(
                user=user, is_active=True, organisation__is_active=True
            ).select_related("organisation")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user) -> None:
    """Drop the cached memberships after they change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def permissions_in(user, organisation_id: int) -> frozenset[str]:
    """Return the permissions the user holds within one organisation."""
    perms: set[str] = set()
    for m in memberships(user):
        if m.organisation_id == organisation_id:
            perms |= MATRIX.get(m.role, frozenset())
    return frozenset(perms)


def all_permissions(user) -> frozenset[str]:
    perms: set[str] = set()
    for m in memberships(user):
        perms |= MATRIX.get(m.role, frozenset())
    return frozenset(perms)


def org_ids_with(user, perm: str) -> set[int]:
    """Return ids of organisations in which the user holds `perm`."""
    return {m.organisation_id for m in memberships(user) if perm in MATRIX.get(m.role, ())}


def has_role(user, *wanted: str) -> bool:
    return any(m.role in wanted for m in memberships(user))


def is_system_admin(user) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN)


def has_perm(user, perm: str, organisation=None) -> bool:
    """Tell whether the user holds `perm` (in `organisation`, if given)."""
    if organisation is None:
        return perm in all_permissions(user)
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return perm in permissions_in(user, org_id)


def require(user, perm: str, organisation=None, *, request=None) -> None:
    """Raise PermissionDenied (403), and audit it, unless the user holds `perm`."""
    if has_perm(user, perm, organisation):
        return
    from himoya.audit.actions import record_permission_denied

    record_permission_denied(user, perm, organisation, request=request)
    raise PermissionDenied


def roles_needing_second_factor() -> frozenset[str]:
    """Roles that sign in with a TOTP code: every one that can reveal identities (the
    linkage officer too), or read the audit log, and those the settings add."""
    from django.conf import settings

    sensitive = {
        r
        for r, perms in MATRIX.items()
        if {roles.VIEW_IDENTITY, roles.VIEW_AUDIT, roles.LINK_PERSONS} & perms
    }
    return frozenset(sensitive | set(settings.HIMOYA_REQUIRE_2FA_ROLES))


def needs_second_factor(user) -> bool:
    """Tell whether the user's roles oblige a TOTP second factor."""
    return has_role(user, *roles_needing_second_factor())


def scope(user, queryset: QuerySet, perm: str, org_field: str = "organisation") -> QuerySet:
    """Limit a queryset to rows of organisations where the user holds `perm`."""
    ids = org_ids_with(user, perm)
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{org_field}__in": ids})


def in_scope(user) -> set[int]:
    """Return ids of organisations whose records the user may know exist at all."""
    return {m.organisation_id for m in memberships(user)}


def get_or_404(queryset: QuerySet[M], **lookup) -> M:
    """Look an object up inside a scoped queryset; missing and forbidden look the same."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- organisations -------------------------------------------------------------------


def organisations_visible_to(user) -> QuerySet:
    """Organisations whose pages the user may open: their own; every one for system admins."""
    from himoya.organisations.models import Organisation

    if is_system_admin(user):
        return Organisation.objects.all()
    ids = org_ids_with(user, roles.VIEW_ORGANISATION)
    if not ids:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=ids)


def organisations_managed_by(user) -> QuerySet:
    """Organisations whose members the user may manage."""
    from himoya.organisations.models import Organisation

    if is_system_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=org_ids_with(user, roles.MANAGE_USERS))


def memberships_visible_to(user) -> QuerySet:
    from himoya.organisations.models import Membership

    return Membership.objects.filter(
        organisation__in=organisations_visible_to(user)
    ).select_related("user", "organisation")


def assignable_roles(user, organisation) -> list[tuple[str, str | Promise]]:
    """Roles the user may hand out in an organisation: never more than they could."""
    if is_system_admin(user):
        return list(Role.choices)
    if not has_perm(user, roles.MANAGE_USERS, organisation):
        return []
    # National roles reach beyond the organisation: only a system admin hands them out.
    return [(v, label) for v, label in Role.choices if v not in roles.NATIONAL_ROLES]


# --- audit ---------------------------------------------------------------------------


def audit_events_visible_to(user) -> QuerySet:
    """Audit events an auditor may read: their organisation's; all for a national body."""
    from himoya.audit.models import AuditEvent

    ids = org_ids_with(user, roles.VIEW_AUDIT)
    if not ids:
        return AuditEvent.objects.none()
    if sees_all_audit_events(user):
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(organisation_id__in=ids)


def sees_all_audit_events(user) -> bool:
    """System admins and auditors of a national body read every organisation's events."""
    return is_system_admin(user) or any(
        m.organisation.is_national and m.role == Role.AUDITOR for m in memberships(user)
    )


def audit_organisations_visible_to(user) -> QuerySet:
    """Organisations whose audit events the user may read (to filter the log by)."""
    from himoya.organisations.models import Organisation

    if sees_all_audit_events(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=org_ids_with(user, roles.VIEW_AUDIT))


def first_org_with(user, perm: str, candidates: Iterable | None = None):
    """Return the user's first organisation where they hold `perm`, or None."""
    for m in memberships(user):
        if perm in MATRIX.get(m.role, ()) and (candidates is None or m.organisation in candidates):
            return m.organisation
    return None


# --- background jobs -----------------------------------------------------------------


def may_download_job_file(user, job) -> bool:
    """Tell whether the user may download a job's file now (rights change after the job)."""
    if job.organisation_id is None or not has_perm(user, roles.EXPORT_DATA, job.organisation_id):
        return False
    # A file without the mark is taken to hold identities: fail closed.
    with_identity = (job.result or {}).get("with_identity", True)
    return not with_identity or has_perm(user, roles.VIEW_IDENTITY, job.organisation_id)


def jobs_visible_to(user) -> QuerySet:
    """A job's progress and result belong to the person who started it."""
    from himoya.core.models import Job

    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(user=user)
