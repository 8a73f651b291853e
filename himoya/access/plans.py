"""Who may see and work on action plans and their progress reports.

Adopted and closed plans, with their progress, are open to every member of an active
organisation. A draft is open to those who manage plans, to the organisations named in
it, and to civil-society organisations, which sit in the working group and comment on
it. Each organisation reports only on activities it is responsible for.
"""

from django.db.models import Q, QuerySet

from himoya.access import policy, roles

CIVIL_SOCIETY = ("ngo", "shelter", "legal_aid", "international")


def _member_org_ids(user) -> set[int]:
    return {m.organisation_id for m in policy.memberships(user)}


def plans_visible_to(user) -> QuerySet:
    from himoya.prevention.models import ActionPlan

    orgs = _member_org_ids(user)
    if not orgs:
        return ActionPlan.objects.none()
    if policy.has_perm(user, roles.MANAGE_PLANS):
        return ActionPlan.objects.all()
    civil = any(m.organisation.kind in CIVIL_SOCIETY for m in policy.memberships(user))
    drafts = Q(goals__objectives__activities__responsible_id__in=orgs) | Q(owner_id__in=orgs)
    if civil:
        drafts = Q(pk__isnull=False)
    return ActionPlan.objects.filter(
        Q(status__in=[ActionPlan.Status.ADOPTED, ActionPlan.Status.CLOSED]) | drafts
    ).distinct()


def can_manage(user, plan) -> bool:
    return policy.has_perm(user, roles.MANAGE_PLANS, plan.owner)


def commenting_organisation(user, plan):
    """Return the organisation in whose name the user may comment on a draft, or None."""
    if plan.is_frozen:
        return None
    for m in policy.memberships(user):
        perms = roles.MATRIX.get(m.role, frozenset())
        if roles.MANAGE_PLANS in perms or (
            roles.REPORT_PROGRESS in perms and m.organisation.kind in CIVIL_SOCIETY
        ):
            return m.organisation
    return None


def reporting_org_ids(user) -> set[int]:
    """Organisations for which the user may report progress."""
    return policy.org_ids_with(user, roles.REPORT_PROGRESS)


def meetings_visible_to(user) -> QuerySet:
    """Managers of plans see every meeting; others those their organisation attended."""
    from himoya.prevention.models import Meeting

    orgs = _member_org_ids(user)
    if not orgs:
        return Meeting.objects.none()
    if policy.has_perm(user, roles.MANAGE_PLANS):
        return Meeting.objects.all()
    return Meeting.objects.filter(
        Q(participants__in=orgs) | Q(action_items__owner_id__in=orgs)
    ).distinct()


def action_items_visible_to(user) -> QuerySet:
    from himoya.prevention.models import ActionItem

    return ActionItem.objects.filter(meeting__in=meetings_visible_to(user))


def _own_or_all(user, queryset: QuerySet, org_field: str) -> QuerySet:
    orgs = _member_org_ids(user)
    if not orgs:
        return queryset.none()
    if policy.has_perm(user, roles.MANAGE_PLANS):
        return queryset
    return queryset.filter(**{f"{org_field}__in": orgs})


def training_sessions_visible_to(user) -> QuerySet:
    """The secretariat sees every session; others their own organisations' sessions."""
    from himoya.prevention.models import TrainingSession

    return _own_or_all(user, TrainingSession.objects.all(), "organisation_id")


def courses_visible_to(user) -> QuerySet:
    from himoya.prevention.models import Course

    return Course.objects.all() if _member_org_ids(user) else Course.objects.none()


def awareness_events_visible_to(user) -> QuerySet:
    from himoya.prevention.models import AwarenessEvent

    return _own_or_all(user, AwarenessEvent.objects.all(), "organisation_id")


def figure_org_ids(user) -> list[int] | None:
    """Whose training and awareness figures the user sees: all (None) or their own."""
    if policy.has_perm(user, roles.MANAGE_PLANS):
        return None
    return sorted(_member_org_ids(user))
