from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from himoya.access import policy, roles
from himoya.access import screening as access
from himoya.prevention import actions
from himoya.prevention.forms import PreventionContactForm
from himoya.screening import rule


@login_required
def prevention_contact_list(request):
    policy.require(request.user, roles.SCREEN, request=request)
    contacts = (
        access.prevention_contacts_visible_to(request.user)
        .select_related("organisation", "recorded_by", "screening")
        .order_by("-contacted_on", "-id")[:100]
    )
    return render(request, "prevention/preventioncontact_list.html", {"contacts": contacts})


@login_required
def prevention_contact_add(request, screening_id):
    screening = policy.get_or_404(access.screenings_visible_to(request.user), pk=screening_id)
    policy.require(request.user, roles.SCREEN, screening.organisation, request=request)
    form = PreventionContactForm(request.POST or None)
    done = hasattr(screening, "prevention_contact")
    at_risk = (screening.decision or screening.suggested) == rule.AT_RISK
    if request.method == "POST" and not done and form.is_valid():
        try:
            actions.do_record_prevention_contact(
                screening.organisation,
                screening=screening,
                acting_user=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The prevention contact was recorded."))
            return redirect("screening_detail", pk=screening.pk)
    return render(
        request,
        "prevention/preventioncontact_form.html",
        {"form": form, "screening": screening, "done": done, "at_risk": at_risk},
    )
