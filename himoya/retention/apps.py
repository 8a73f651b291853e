import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "himoya.retention"
    label = "retention"
    verbose_name = _("Retention")

    def case_section(self, request, case):
        """Data protection on the case page: retention, legal hold, subject-access report."""
        from django.conf import settings
        from django.utils.translation import get_language

        from himoya.access import policy, roles
        from himoya.retention.models import AnonymisedCase, LegalHold

        user = request.user
        if not policy.has_perm(user, roles.VIEW_CASE, case.organisation_id):
            return None
        days = settings.HIMOYA_RETAIN_CLOSED_CASES_DAYS
        anonymised = AnonymisedCase.objects.filter(case=case).exists()
        return {
            "title": _("Data protection"),
            "template": "retention/case_section.html",
            "case": case,
            "hold": LegalHold.objects.active().filter(case=case).first(),
            "anonymised": anonymised,
            "removed_after": (
                case.closed_on + datetime.timedelta(days=days)
                if case.closed_on and days and not anonymised
                else None
            ),
            "may_hold": policy.has_perm(user, roles.APPROVE_STATUS, case.organisation_id),
            "may_report": policy.has_perm(user, roles.VIEW_IDENTITY, case.organisation_id),
            "languages": settings.LANGUAGES,
            "current_language": (get_language() or "tg")[:2],
        }
