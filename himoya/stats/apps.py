from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class StatsConfig(AppConfig):
    name = "himoya.stats"
    label = "stats"
    verbose_name = _("Statistics")
    nav = [
        (roles.VIEW_STATS_NATIONAL, "stats_dashboard", _("Statistics")),
        (roles.VIEW_STATS_ORG, "stats_dashboard", _("Statistics")),
    ]

    def ready(self):
        from himoya.stats import jobs  # noqa: F401  (registers the export job)
