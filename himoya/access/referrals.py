"""Who may see service offers, consents, referrals and the cases referrals share.

A referral is known to its two organisations: the sender and the receiver. Its case is
opened by the receiver only through the referral's grant, and only the parts the grant
lists; a grant that has ended opens nothing.
"""

from django.db.models import Q, QuerySet

from himoya.access import policy, roles


def service_offers_visible_to(user) -> QuerySet:
    """The service directory is open to every signed-in member of an organisation."""
    from himoya.referrals.models import ServiceOffer

    if not policy.memberships(user):
        return ServiceOffer.objects.none()
    return ServiceOffer.objects.filter(organisation__is_active=True).select_related("organisation")


def service_offers_managed_by(user) -> QuerySet:
    from himoya.referrals.models import ServiceOffer

    return policy.scope(user, ServiceOffer.objects.all(), roles.MANAGE_SERVICES)


def referrals_visible_to(user) -> QuerySet:
    """Referrals sent or received by an organisation the user belongs to."""
    from himoya.referrals.models import Referral

    ids = policy.in_scope(user)
    if not ids:
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(from_organisation_id__in=ids) | Q(to_organisation_id__in=ids)
    ).select_related("from_organisation", "to_organisation", "case")


def active_grants_for(user) -> QuerySet:
    """Grants, still running, held by organisations where the user may view cases."""
    from himoya.referrals.models import ReferralGrant

    ids = policy.org_ids_with(user, roles.VIEW_CASE)
    if not ids:
        return ReferralGrant.objects.none()
    return ReferralGrant.objects.filter(organisation_id__in=ids, ends_at__isnull=True)


def granted_case_ids(user) -> QuerySet:
    """Ids of cases the user's organisations hold a running grant for (a subquery)."""
    return active_grants_for(user).values("case_id")


def consents_visible_to(user) -> QuerySet:
    """Consents of the user's organisations' cases; of a referred case, only those the
    user's organisation recorded or is named in."""
    from himoya.referrals.models import Consent

    ids = policy.in_scope(user)
    if not ids:
        return Consent.objects.none()
    return Consent.objects.filter(
        Q(case__organisation_id__in=ids)
        | Q(case_id__in=granted_case_ids(user))
        & (Q(organisation_id__in=ids) | Q(recipient_organisation_id__in=ids))
    ).select_related("recipient_organisation", "organisation")


def acting_organisation(user, case, perm: str = roles.REFER):
    """Return the organisation through which the user acts on `case` with `perm`, or None.

    The case's own organisation first; otherwise one holding a running grant for it.
    """
    if policy.has_perm(user, perm, case.organisation_id):
        return case.organisation
    for grant in active_grants_for(user).filter(case=case).select_related("organisation"):
        if policy.has_perm(user, perm, grant.organisation_id):
            return grant.organisation
    return None


def grant_for(user, case):
    """Return the user's running grant on `case`, or None (the case's own org needs none)."""
    return active_grants_for(user).filter(case=case).order_by("-starts_at").first()


def cases_in_reach(user) -> QuerySet:
    """Cases the user's organisations own or hold a running grant for, whatever the role.

    Views use it to tell 404 (out of reach) from 403 (in reach, wrong role).
    """
    from himoya.cases.models import Case

    ids = policy.in_scope(user)
    if not ids:
        return Case.objects.none()
    from himoya.referrals.models import ReferralGrant

    granted = ReferralGrant.objects.filter(organisation_id__in=ids, ends_at__isnull=True)
    return Case.objects.filter(
        Q(organisation_id__in=ids) | Q(pk__in=granted.values("case_id"))
    ).select_related("organisation")


def shared_parts_for(user, case) -> set[str] | None:
    """Parts of `case` the user may open: None means all (their own organisation's case)."""
    if policy.has_perm(user, roles.VIEW_CASE, case.organisation_id):
        return None
    parts: set[str] = set()
    for grant in active_grants_for(user).filter(case=case):
        parts |= set(grant.parts)
    return parts


def cases_granted_to(user) -> Q | None:
    """A source for `cases_visible_to`: cases referred to the user's organisations.

    Not registered yet: the case page shows every part of a case, so a receiver reads a
    referred case through the referral's own page, which shows only the shared parts.
    Register it (`add_case_visibility(cases_granted_to)`) once the case page renders a
    granted case through `shared_parts_for`.
    """
    ids = policy.org_ids_with(user, roles.VIEW_CASE)
    if not ids:
        return None
    return Q(pk__in=granted_case_ids(user))


def case_for(request, case_id, perm: str):
    """Return (case, acting organisation) for a view: 404 out of reach, 403 without `perm`."""
    case = policy.get_or_404(cases_in_reach(request.user), pk=case_id)
    organisation = acting_organisation(request.user, case, perm)
    if organisation is None:
        policy.require(request.user, perm, case.organisation, request=request)
    return case, organisation
