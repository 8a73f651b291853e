"""Who may see releases: the secretariat prepares and approves; analysts read approved ones."""

from django.db.models import QuerySet

from himoya.access import policy, roles


def releases_visible_to(user) -> QuerySet:
    from himoya.publish.models import Release

    if policy.has_perm(user, roles.PREPARE_RELEASE):
        return Release.objects.all()
    if policy.has_perm(user, roles.VIEW_STATS_NATIONAL):
        return Release.objects.filter(state=Release.State.APPROVED)
    return Release.objects.none()
