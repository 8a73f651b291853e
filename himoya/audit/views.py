from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from himoya.access import policy, roles
from himoya.audit.forms import AuditFilterForm

PAGE_SIZE = 50


@login_required
def audit_log(request):
    """Let an auditor read and filter the audit log of their scope."""
    policy.require(request.user, roles.VIEW_AUDIT, request=request)
    events = policy.audit_events_visible_to(request.user).select_related("organisation")
    form = AuditFilterForm(request.GET or None, organisations=_organisation_choices(request.user))
    if form.is_bound and not form.is_valid():
        events = events.none()
    elif form.is_bound:
        events = form.apply(events)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/auditevent_list.html",
        {"form": form, "page": page, "filter_query": query.urlencode()},
    )


def _organisation_choices(user):
    """Offer an organisation filter only to readers of more than one organisation's log."""
    if policy.sees_all_audit_events(user) or len(policy.org_ids_with(user, roles.VIEW_AUDIT)) > 1:
        return policy.audit_organisations_visible_to(user)
    return None
