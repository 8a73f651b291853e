from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class OrganisationsConfig(AppConfig):
    name = "himoya.organisations"
    label = "organisations"
    verbose_name = _("Organisations")
    nav = [(roles.VIEW_ORGANISATION, "organisation_list", _("Organisations"))]

    def home_section(self, request):
        from himoya.organisations.home import admin_section

        return admin_section(request)
