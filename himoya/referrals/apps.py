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

    def home_section(self, request):
        from himoya.referrals.views import home_section

        return home_section(request)

    def case_section(self, request, case):
        """A panel for the case page: consent and referrals, with their links."""
        from himoya.referrals.views import case_section

        return case_section(request, case)
