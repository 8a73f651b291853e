from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class InteropConfig(AppConfig):
    name = "himoya.interop"
    label = "interop"
    verbose_name = _("Import and export")
    nav = [(roles.IMPORT_DATA, "interop_home", _("Import and export"))]

    def ready(self):
        from himoya.interop import jobs  # noqa: F401  (registers the job kinds)
