from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class AssistanceConfig(AppConfig):
    name = "himoya.assistance"
    label = "assistance"
    verbose_name = _("Assistance")
    nav = [(roles.CHANGE_CASE, "follow_up_list", _("Follow-ups"))]

    def ready(self) -> None:
        from himoya.assistance.actions import schedule_on_case_closure

        post_save.connect(
            schedule_on_case_closure,
            sender="cases.Case",
            dispatch_uid="assistance-follow-ups-on-case-closure",
        )

    def case_section(self, request, case):
        """A panel for the case page: the support plan and what is due."""
        from himoya.assistance.views import case_section

        return case_section(request, case)

    def home_section(self, request):
        from himoya.assistance.views import home_section

        return home_section(request)
