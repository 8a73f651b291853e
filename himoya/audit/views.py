from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from himoya.access import policy, roles
from himoya.audit.forms import AuditFilterForm


@login_required
def audit_log(request):
    """Let an auditor read and filter the audit log of their scope."""
    policy.require(request.user, roles.VIEW_AUDIT, request=request)
    events = policy.audit_events_visible_to(request.user).select_related("organisation")
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        events = form.apply(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/auditevent_list.html", {"form": form, "page": page})
