"""Who may see hotline contacts: the operators of the organisation that runs the line.

Everyone holding HOTLINE in an organisation shares its desk and sees its contacts;
supervisors and organisation admins (VIEW_CASE) see them too.
"""

from django.db.models import QuerySet

from himoya.access import policy, roles


def hotline_contacts_visible_to(user) -> QuerySet:
    from himoya.hotline.models import HotlineContact

    orgs = policy.org_ids_with(user, roles.HOTLINE) | policy.org_ids_with(user, roles.VIEW_CASE)
    if not orgs:
        return HotlineContact.objects.none()
    return HotlineContact.objects.filter(organisation_id__in=orgs)
