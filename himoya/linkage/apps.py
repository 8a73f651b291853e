from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class LinkageConfig(AppConfig):
    name = "himoya.linkage"
    label = "linkage"
    nav = [(roles.LINK_PERSONS, "linkage_queue", _("Linkage"))]

    def case_section(self, request, case):
        """'This may be a person you already registered', to her own organisation only."""
        from himoya.access import policy
        from himoya.linkage.registration import notices_for

        notices = notices_for(request.user, case)
        if not notices:
            return None
        return {
            "title": _("Possibly registered before"),
            "template": "linkage/case_section.html",
            "case": case,
            "notices": notices,
            "can_dismiss": policy.has_perm(request.user, roles.CHANGE_CASE, case.organisation_id),
        }

    def ready(self):
        from himoya.linkage import jobs  # noqa: F401  (registers the run as a job kind)
