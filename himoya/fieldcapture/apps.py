from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class FieldCaptureConfig(AppConfig):
    name = "himoya.fieldcapture"
    label = "fieldcapture"
    verbose_name = _("Field capture (ODK Collect)")
    nav = [
        (roles.MANAGE_USERS, "fieldcapture_users", _("Field phones")),
        (roles.APPROVE_STATUS, "fieldcapture_review", _("Submissions waiting for review")),
    ]
