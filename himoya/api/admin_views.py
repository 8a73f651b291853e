"""The organisation admin's pages for API tokens and webhooks (under /orgs/<slug>/api/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.access import policy
from himoya.api import actions
from himoya.api.forms import TokenForm, WebhookForm
from himoya.api.models import ApiToken, WebhookAttempt, WebhookSubscription


def home_section(request) -> dict | None:
    """The admin's home-page panel: each managed organisation's tokens, webhooks, pauses."""
    from django.db.models import Count, Q
    from django.utils import timezone
    from django.utils.translation import gettext_lazy

    now = timezone.now()
    orgs = list(
        policy.organisations_managed_by(request.user)
        .annotate(
            live_tokens=Count(
                "api_tokens",
                filter=Q(api_tokens__revoked_at__isnull=True, api_tokens__expires_at__gt=now),
                distinct=True,
            ),
            paused_webhooks=Count("webhooks", filter=Q(webhooks__is_active=False), distinct=True),
        )
        .order_by("slug")[:50]
    )
    if not orgs:
        return None
    return {
        "title": gettext_lazy("API and webhooks"),
        "template": "api/home_section.html",
        "api_organisations": orgs,
    }


def _managed(request, slug):
    """The organisation, if the user manages its members (admins): 404 otherwise."""
    return policy.get_or_404(policy.organisations_managed_by(request.user), slug=slug)


@login_required
def token_list(request, slug):
    """List the organisation's tokens and issue a new one (shown once, then only its hint)."""
    org = _managed(request, slug)
    form = TokenForm(request.POST or None, organisation=org, user=request.user)
    issued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, issued = actions.do_issue_token(
            org,
            name=data["name"],
            access=data["access"],
            parts=data["parts"],
            expires_on=data["expires_on"],
            member=data["member"],
            system_role=data["system_role"],
            acting_user=request.user,
        )
        form = TokenForm(organisation=org, user=request.user)
    tokens = (
        ApiToken.objects.filter(organisation=org).select_related("user").order_by("-created_at")
    )
    return render(
        request,
        "api/token_list.html",
        {"organisation": org, "form": form, "tokens": tokens, "issued": issued},
    )


@login_required
@require_POST
def token_revoke(request, slug, token_id):
    org = _managed(request, slug)
    token = policy.get_or_404(ApiToken.objects.filter(organisation=org), pk=token_id)
    actions.do_revoke_token(token, acting_user=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("api_token_list", slug=org.slug)


@login_required
def webhook_list(request, slug):
    """List the organisation's webhooks, their last deliveries, and add one."""
    org = _managed(request, slug)
    form = WebhookForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _sub, secret = actions.do_subscribe(
            org,
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            acting_user=request.user,
        )
        form = WebhookForm()
    subs = list(WebhookSubscription.objects.filter(organisation=org).order_by("-created_at"))
    attempts = (
        WebhookAttempt.objects.filter(delivery__subscription__organisation=org)
        .select_related("delivery__event", "delivery__subscription")
        .order_by("-at")[:50]
    )
    return render(
        request,
        "api/webhook_list.html",
        {
            "organisation": org,
            "form": form,
            "subscriptions": subs,
            "attempts": attempts,
            "secret": secret,
        },
    )


@login_required
@require_POST
def webhook_toggle(request, slug, webhook_id):
    org = _managed(request, slug)
    sub = policy.get_or_404(WebhookSubscription.objects.filter(organisation=org), pk=webhook_id)
    if request.POST.get("delete"):
        actions.do_delete_subscription(sub, acting_user=request.user)
        messages.success(request, _("The webhook was removed."))
    else:
        actions.do_set_subscription_active(
            sub, is_active=not sub.is_active, acting_user=request.user
        )
    return redirect("api_webhook_list", slug=org.slug)
