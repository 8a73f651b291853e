from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class JusticeConfig(AppConfig):
    name = "himoya.justice"
    label = "justice"
    verbose_name = _("Justice")
    nav = [
        (roles.MANAGE_PROCEEDINGS, "proceeding_list", _("Proceedings")),
        (roles.VIEW_STATS_NATIONAL, "justice_figures", _("Prosecution figures")),
    ]

    def ready(self):
        from himoya.access.cases import add_case_visibility
        from himoya.access.justice import represented_cases

        add_case_visibility(represented_cases)

    def case_section(self, request, case):
        """The proceedings a victim's case takes part in, as far as the user may see them."""
        from himoya.access.justice import proceedings_of_case

        # Most cases take part in no proceeding: one indexed look-up spares them the
        # scoped query, the costliest on the case page to build.
        if not case.participations.exists():
            return None
        proceedings = list(proceedings_of_case(request.user, case).prefetch_related("hearings"))
        if not proceedings:
            return None
        return {
            "title": _("Proceedings"),
            "template": "justice/case_section.html",
            "proceedings": proceedings,
        }

    def home_section(self, request):
        """Upcoming hearings and deadlines of the proceedings the user follows."""
        from himoya.access import policy
        from himoya.justice.queries import upcoming_hearings

        perms = {roles.MANAGE_PROCEEDINGS, roles.VIEW_REPRESENTED_CASE}
        if not perms & policy.all_permissions(request.user):
            return None
        return {
            "title": _("Upcoming hearings and deadlines"),
            "template": "justice/home_section.html",
            "hearings": upcoming_hearings(request.user),
        }
