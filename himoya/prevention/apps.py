from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class PreventionConfig(AppConfig):
    name = "himoya.prevention"
    label = "prevention"
    verbose_name = _("Prevention")
    nav = [
        (roles.SCREEN, "prevention_contact_list", _("Prevention contacts")),
        (roles.VIEW_ORGANISATION, "plan_list", _("Action plans")),
        (roles.VIEW_ORGANISATION, "meeting_list", _("Coordination meetings")),
        (roles.VIEW_ORGANISATION, "training_list", _("Training")),
        (roles.VIEW_ORGANISATION, "awareness_list", _("Awareness")),
    ]

    def ready(self):
        from himoya.prevention import statistics

        statistics.register()

    def home_section(self, request):
        from himoya.prevention.views import home_section

        return home_section(request)
