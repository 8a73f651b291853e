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
    ]
