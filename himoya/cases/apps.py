from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class CasesConfig(AppConfig):
    name = "himoya.cases"
    label = "cases"
    verbose_name = _("Cases")
    nav = [
        (roles.VIEW_CASE, "case_list", _("Cases")),
        (roles.VIEW_OWN_CASE, "case_list", _("My cases")),
    ]

    def home_section(self, request):
        from himoya.access import policy
        from himoya.cases.models import StatusDecision

        user = request.user
        if not policy.has_perm(user, roles.CREATE_CASE) and not policy.has_perm(
            user, roles.APPROVE_STATUS
        ):
            return None
        pending = StatusDecision.objects.filter(
            state=StatusDecision.State.PENDING,
            case__organisation_id__in=policy.org_ids_with(user, roles.APPROVE_STATUS),
        ).select_related("case")[:10]
        return {
            "title": _("Cases"),
            "template": "cases/home_section.html",
            "can_register": policy.has_perm(user, roles.CREATE_CASE),
            "pending": list(pending),
        }
