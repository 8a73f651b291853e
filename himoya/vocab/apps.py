from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class VocabConfig(AppConfig):
    name = "himoya.vocab"
    label = "vocab"
    verbose_name = _("Code lists")
    nav = [(roles.VIEW_ORGANISATION, "codelist_list", _("Code lists"))]
