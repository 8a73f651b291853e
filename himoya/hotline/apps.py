from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class HotlineConfig(AppConfig):
    name = "himoya.hotline"
    label = "hotline"
    verbose_name = _("Hotline")
    nav = [(roles.HOTLINE, "hotline_desk", _("Hotline"))]
