"""Who may see screenings, checklists and prevention contacts.

A screening belongs to its organisation. Whoever may open the organisation's cases
(caseworker, supervisor, organisation admin) sees all of its screenings; a first-line
responder sees only the screenings they ran. Checklists: the national one (no
organisation) is visible to everyone who may screen; an organisation's own checklists to
its members, and only holders of MANAGE_CHECKLISTS change them.
"""

from django.db.models import Q, QuerySet

from himoya.access import policy, roles


def screenings_visible_to(user) -> QuerySet:
    from himoya.screening.models import Screening

    whole_org = policy.org_ids_with(user, roles.VIEW_CASE)
    own = policy.org_ids_with(user, roles.SCREEN) - whole_org
    if not whole_org and not own:
        return Screening.objects.none()
    return Screening.objects.filter(
        Q(organisation_id__in=whole_org) | Q(organisation_id__in=own, screened_by=user)
    )


def checklists_visible_to(user) -> QuerySet:
    from himoya.screening.models import Checklist

    orgs = policy.in_scope(user)
    if not orgs:
        return Checklist.objects.none()
    return Checklist.objects.filter(Q(organisation__isnull=True) | Q(organisation_id__in=orgs))


def checklists_usable_by(user, organisation) -> QuerySet:
    """Active checklists a screener of `organisation` may use: national and the org's own."""
    return checklists_visible_to(user).filter(
        Q(organisation__isnull=True) | Q(organisation=organisation), is_active=True
    )


def checklists_managed_by(user) -> QuerySet:
    from himoya.screening.models import Checklist

    return policy.scope(user, Checklist.objects.all(), roles.MANAGE_CHECKLISTS)


def versions_visible_to(user) -> QuerySet:
    from himoya.screening.models import ChecklistVersion

    return ChecklistVersion.objects.filter(checklist__in=checklists_visible_to(user))


def prevention_contacts_visible_to(user) -> QuerySet:
    from himoya.prevention.models import PreventionContact

    whole_org = policy.org_ids_with(user, roles.VIEW_CASE)
    own = policy.org_ids_with(user, roles.SCREEN) - whole_org
    if not whole_org and not own:
        return PreventionContact.objects.none()
    return PreventionContact.objects.filter(
        Q(organisation_id__in=whole_org) | Q(organisation_id__in=own, recorded_by=user)
    )
