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
        from himoya.screening.queries import new_cases_from_screenings

        mine = screenings_visible_to(request.user).filter(screened_by=request.user)
        return {
            "title": _("Screening"),
            "template": "screening/home_section.html",
            "incomplete": mine.filter(decision="").order_by("-screened_at")[:5],
            "new_cases": new_cases_from_screenings(request.user),
        }

    def case_section(self, request, case):
        """Where and how the person was screened, and what was urgent, on the case page."""
        from himoya.access import policy
        from himoya.screening.actions import safety_needs

        if case.organisation_id not in policy.in_scope(request.user):
            return None  # a receiving organisation sees only what the referral shares
        screening = case.screenings.first()
        if screening is None:
            return None
        return {
            "title": _("Screening"),
            "template": "screening/case_section.html",
            "screening": screening,
            "safety_needs": safety_needs(screening),
        }
