"""The auditor's home-page section: what happened lately that deserves a look."""

import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.access import policy, roles
from himoya.audit.models import AuditEvent

REVIEW_DAYS = 7
TO_REVIEW = [
    AuditEvent.Action.FAILED_LOGIN,
    AuditEvent.Action.PERMISSION_DENIED,
    AuditEvent.Action.VIEW_IDENTITY,
    AuditEvent.Action.EXPORT,
]


def section(request):
    """Count the last week's events an auditor should review, each linked to the log."""
    user = request.user
    if not policy.has_perm(user, roles.VIEW_AUDIT):
        return None
    since = timezone.localdate() - datetime.timedelta(days=REVIEW_DAYS - 1)
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    counts = dict(
        policy.audit_events_visible_to(user)
        .filter(at__gte=start, action__in=TO_REVIEW)
        .values_list("action")
        .annotate(n=Count("id"))
        .order_by()
    )
    labels = dict(AuditEvent.Action.choices)
    return {
        "title": _("Audit: the last %(days)s days") % {"days": REVIEW_DAYS},
        "template": "audit/home_section.html",
        "since": since.isoformat(),
        "items": [
            {"action": action.value, "label": labels[action], "count": counts.get(action, 0)}
            for action in TO_REVIEW
        ],
    }
