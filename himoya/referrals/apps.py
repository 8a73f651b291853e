from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class ReferralsConfig(AppConfig):
    name = "himoya.referrals"
    label = "referrals"
    verbose_name = _("Referrals")
    nav = [
        (roles.VIEW_ORGANISATION, "service_list", _("Services")),
        (roles.VIEW_CASE, "referral_inbox", _("Referrals")),
    ]

    def ready(self) -> None:
        from himoya.access.cases import add_case_visibility
        from himoya.access.referrals import cases_granted_to

        add_case_visibility(cases_granted_to)

    def home_section(self, request):
        from himoya.referrals.views import overdue_home_section

        return overdue_home_section(request)
