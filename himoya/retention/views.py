"""Legal holds and subject-access reports, from the case page's data-protection panel."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.access import policy, roles
from himoya.access.cases import cases_visible_to
from himoya.retention.actions import RetentionError, do_lift_legal_hold, do_place_legal_hold
from himoya.retention.models import LegalHold
from himoya.retention.subject_access import do_produce_subject_access_report


@login_required
@require_POST
def legal_hold(request, case_id):
    """Place or lift the legal hold on a case (supervisors and admins of its organisation)."""
    case = policy.get_or_404(cases_visible_to(request.user), pk=case_id)
    policy.require(request.user, roles.APPROVE_STATUS, case.organisation, request=request)
    try:
        if request.POST.get("action") == "lift":
            hold = LegalHold.objects.active().filter(case=case).first()
            if hold is None:
                raise RetentionError(_("The case is under no legal hold."))
            do_lift_legal_hold(hold, acting_user=request.user)
            messages.success(request, _("The legal hold is lifted."))
        else:
            do_place_legal_hold(case, request.POST.get("reason", ""), acting_user=request.user)
            messages.success(request, _("The case is under a legal hold."))
    except RetentionError:
        messages.error(request, _("Say why the case is held; a case has one hold at a time."))
    return redirect("case_detail", case.pk)


@login_required
@require_POST
def subject_access_report(request, case_id):
    """The person's own data as a PDF in the language they ask for (an audited reveal)."""
    case = policy.get_or_404(cases_visible_to(request.user), pk=case_id)
    if not policy.has_perm(request.user, roles.VIEW_IDENTITY, case.organisation_id):
        policy.require(request.user, roles.VIEW_IDENTITY, case.organisation, request=request)
        raise PermissionDenied
    language = request.POST.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        return HttpResponseBadRequest(_("Choose the language of the report."))
    person = case.person
    cases = list(
        cases_visible_to(request.user)
        .filter(person=person)
        .select_related("organisation")
        .order_by("registered_on", "pk")
    )
    pdf = do_produce_subject_access_report(
        person, cases, language=language, acting_user=request.user, request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{case.pk}.pdf"'
    add_never_cache_headers(response)
    return response
