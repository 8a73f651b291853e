from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from himoya.access import roles


class ScreeningConfig(AppConfig):
    name = "himoya.screening"
    label = "screening"
    verbose_name = _("Screening")
    nav = [
        (roles.SCREEN, "screening_list", _("Screenings")),
        (roles.MANAGE_CHECKLISTS, "checklist_list", _("Checklists")),
    ]

    def home_section(self, request):
        from himoya.access import policy

        if not policy.has_perm(request.user, roles.SCREEN):
            return None
        from himoya.access.screening import screenings_visible_to

        mine = screenings_visible_to(request.user).filter(screened_by=request.user)
        return {
            "title": _("Screening"),
            "template": "screening/home_section.html",
            "incomplete": mine.filter(decision="").order_by("-screened_at")[:5],
        }
