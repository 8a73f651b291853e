from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "himoya.api"
    label = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        from himoya.api import hooks

        hooks.connect()

    def home_section(self, request):
        from himoya.api.admin_views import home_section

        return home_section(request)
