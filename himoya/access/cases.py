"""Who may see which cases and persons.

`cases_visible_to(user)` ORs together every source of visibility in `CASE_VISIBILITY`:
each source takes the user and returns a Q over Case (or None for nothing). Other apps
add their own source (referrals: cases referred to the user's organisation; justice:
cases a lawyer represents) with `add_case_visibility(source)` in their AppConfig.ready.
"""

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from himoya.access import policy, roles


def _cases_of_own_organisation(user) -> Q | None:
    ids = policy.org_ids_with(user, roles.VIEW_CASE)
    return Q(organisation_id__in=ids) if ids else None


def _cases_registered_by_user(user) -> Q | None:
    ids = policy.org_ids_with(user, roles.VIEW_OWN_CASE)
    return Q(organisation_id__in=ids, registered_by=user) if ids else None


CASE_VISIBILITY: list[Callable] = [_cases_of_own_organisation, _cases_registered_by_user]


def add_case_visibility(source: Callable) -> None:
    """Add a source of case visibility (a function user -> Q over Case, or None)."""
    if source not in CASE_VISIBILITY:
        CASE_VISIBILITY.append(source)


def case_visibility(user) -> Q | None:
    """Return the Q that selects the cases the user may open, or None for none."""
    if not policy.memberships(user):
        return None
    parts = [q for q in (source(user) for source in CASE_VISIBILITY) if q is not None]
    return reduce(or_, parts) if parts else None


def cases_visible_to(user) -> QuerySet:
    """Cases the user may open; fails closed."""
    from himoya.cases.models import Case

    q = case_visibility(user)
    if q is None:
        return Case.objects.none()
    return Case.objects.filter(q)


def persons_visible_to(user) -> QuerySet:
    """Persons with at least one case the user may open."""
    from himoya.cases.models import Person

    q = case_visibility(user)
    if q is None:
        return Person.objects.none()
    return Person.objects.filter(pk__in=cases_visible_to(user).values("person_id"))


def may_view_identity(user, case) -> bool:
    """Identity is revealed only to holders of VIEW_IDENTITY in the case's organisation."""
    return policy.has_perm(user, roles.VIEW_IDENTITY, case.organisation_id)


def may_change(user, case) -> bool:
    return policy.has_perm(user, roles.CHANGE_CASE, case.organisation_id)


def may_approve_status(user, case) -> bool:
    return policy.has_perm(user, roles.APPROVE_STATUS, case.organisation_id)


def organisations_for_registering(user) -> list:
    """Organisations in which the user may register a case."""
    return [
        m.organisation
        for m in policy.memberships(user)
        if roles.CREATE_CASE in roles.MATRIX.get(m.role, ())
    ]


def case_list_organisations(user) -> list:
    """Organisations whose cases the user may list (for the organisation filter)."""
    seen = {}
    for m in policy.memberships(user):
        perms = roles.MATRIX.get(m.role, ())
        if roles.VIEW_CASE in perms or roles.VIEW_OWN_CASE in perms:
            seen[m.organisation_id] = m.organisation
    return list(seen.values())
