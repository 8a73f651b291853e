from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class PublishConfig(AppConfig):
    name = "himoya.publish"
    label = "publish"
    verbose_name = _("Publication")
    nav = [(roles.VIEW_STATS_NATIONAL, "release_list", _("Releases"))]

    def ready(self):
        from himoya.publish import jobs  # noqa: F401  (registers the job kind)
