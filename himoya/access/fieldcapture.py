"""Who may manage field phones and read the review queue of received submissions."""

from django.db.models import QuerySet

from himoya.access import policy, roles


def field_users_managed_by(user) -> QuerySet:
    """Field users of the organisations whose members the user manages."""
    from himoya.fieldcapture.models import FieldUser

    return policy.scope(user, FieldUser.objects.all(), roles.MANAGE_USERS)


def review_queue_visible_to(user) -> QuerySet:
    """Submissions that did not become records, for the organisation's admin or supervisor."""
    from himoya.fieldcapture.models import Submission

    return policy.scope(
        user,
        Submission.objects.exclude(status=Submission.Status.RECORDED),
        roles.APPROVE_STATUS,
    )
