from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class AuditConfig(AppConfig):
    name = "himoya.audit"
    label = "audit"
    verbose_name = _("Audit")
    nav = [(roles.VIEW_AUDIT, "audit_log", _("Audit log"))]
