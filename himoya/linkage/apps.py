from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class LinkageConfig(AppConfig):
    name = "himoya.linkage"
    label = "linkage"
    nav = [(roles.LINK_PERSONS, "linkage_queue", _("Linkage"))]

    def ready(self):
        from himoya.linkage import jobs  # noqa: F401  (registers the run as a job kind)
