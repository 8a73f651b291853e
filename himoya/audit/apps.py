from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class AuditConfig(AppConfig):
    name = "himoya.audit"
    label = "audit"
    verbose_name = _("Audit")
    nav = [(roles.VIEW_AUDIT, "audit_log", _("Audit log"))]

    def home_section(self, request):
        from himoya.audit.home import section

        return section(request)

    def ready(self):
        from django.contrib.auth import signals

        from himoya.audit import actions
        from himoya.audit import checks as audit_checks  # noqa: F401  (registers them)
        from himoya.crypto import checks  # noqa: F401  (registers the key checks)

        signals.user_logged_in.connect(actions.on_logged_in, dispatch_uid="audit_login")
        signals.user_logged_out.connect(actions.on_logged_out, dispatch_uid="audit_logout")
        signals.user_login_failed.connect(
            actions.on_login_failed, dispatch_uid="audit_login_failed"
        )
