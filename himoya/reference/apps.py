from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class ReferenceConfig(AppConfig):
    name = "himoya.reference"
    label = "reference"
    verbose_name = _("Reference data")
    nav = [(roles.VIEW_STATS_NATIONAL, "reference_compare", _("Reference data"))]
