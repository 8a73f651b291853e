"""Who may see support plans, services delivered, risk assessments and follow-ups.

The case's own organisation sees all of it. An organisation a case was referred to sees
the support plan only when its running grant shares it, and the services it provided
itself; risk assessments, safety plans and follow-ups stay with the case's organisation.
"""

from django.db.models import Q, QuerySet

from himoya.access import policy, roles
from himoya.access.referrals import active_grants_for


def _own_case_orgs(user) -> set[int]:
    return policy.org_ids_with(user, roles.VIEW_CASE)


def _cases_sharing_the_plan(user) -> list[int]:
    """Ids of cases whose running grant to the user's organisations shares the plan."""
    # Matched in Python: JSON containment is not available on SQLite (the demo database).
    return [
        case_id
        for case_id, parts in active_grants_for(user).values_list("case_id", "parts")
        if "support_plan" in parts
    ]


def support_plans_visible_to(user) -> QuerySet:
    from himoya.assistance.models import SupportPlan

    own = _own_case_orgs(user)
    if not own:
        return SupportPlan.objects.none()
    shared = _cases_sharing_the_plan(user)
    return SupportPlan.objects.filter(Q(case__organisation_id__in=own) | Q(case_id__in=shared))


def service_deliveries_visible_to(user) -> QuerySet:
    from himoya.assistance.models import ServiceDelivery

    own = _own_case_orgs(user)
    if not own:
        return ServiceDelivery.objects.none()
    granted = active_grants_for(user)
    return ServiceDelivery.objects.filter(
        Q(case__organisation_id__in=own)
        | Q(case_id__in=_cases_sharing_the_plan(user))
        | Q(provider_id__in=own, case_id__in=granted.values("case_id"))
    ).select_related("provider")


def risk_assessments_visible_to(user) -> QuerySet:
    from himoya.assistance.models import RiskAssessment

    return policy.scope(user, RiskAssessment.objects.all(), roles.VIEW_CASE, "case__organisation")


def follow_ups_visible_to(user) -> QuerySet:
    from himoya.assistance.models import FollowUp

    return policy.scope(user, FollowUp.objects.all(), roles.VIEW_CASE, "case__organisation")


def owns_case(user, case, perm: str = roles.VIEW_CASE) -> bool:
    return policy.has_perm(user, perm, case.organisation_id)
