"""Issue, revoke and use API tokens; subscribe to webhooks. Each change is audited."""

import datetime
import secrets
from functools import partial

from django.db import transaction
from django.utils import timezone

from himoya.access import policy
from himoya.api.models import ApiToken, WebhookSubscription, hash_token, new_token
from himoya.api.webhooks import WEBHOOK_SECRET_CONTEXT, deliver
from himoya.audit.actions import Action, record
from himoya.crypto import keys


@transaction.atomic
def do_issue_token(
    organisation,
    *,
    name: str,
    access: str,
    parts,
    expires_on: datetime.date,
    acting_user,
    member=None,
    system_role: str = "",
) -> tuple[ApiToken, str]:
    """Issue a token for a member, or for a system (a account made for it, with `system_role`).

    Return the token row and the token itself, which is not stored and shown once.
    """
    from himoya.organisations.actions import do_add_member
    from himoya.organisations.models import User

    if member is None:
        # A system signs in with nothing but its token: the account has no password.
        username = f"api-{organisation.slug}-{secrets.token_hex(4)}"
        account = User(username=username, first_name=name[:150])
        account.set_unusable_password()
        account.save()
        record(
            Action.CREATE,
            actor=acting_user,
            organisation=organisation,
            obj=account,
            fields=["username"],
            detail="system account for an API token",
        )
        do_add_member(organisation, username=username, role=system_role, acting_user=acting_user)
        kind = ApiToken.Kind.SYSTEM
    else:
        account = member
        kind = ApiToken.Kind.PERSON
    raw = new_token()
    expires_at = timezone.make_aware(
        datetime.datetime.combine(expires_on, datetime.time.max.replace(microsecond=0))
    )
    token = ApiToken.objects.create(
        organisation=organisation,
        user=account,
        kind=kind,
        name=name,
        token_hash=hash_token(raw),
        hint=raw[:10],
        access=access,
        parts=sorted(set(parts)),
        expires_at=expires_at,
        created_by=acting_user,
    )
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=organisation,
        obj=token,
        fields=["user", "kind", "access", "parts", "expires_at"],
        detail=f"api token {token.hint} {access} {','.join(token.parts)}"[:300],
    )
    return token, raw


@transaction.atomic
def do_revoke_token(token: ApiToken, *, acting_user) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = acting_user
        token.save(update_fields=["revoked_at", "revoked_by"])
        record(
            Action.STATUS_CHANGE,
            actor=acting_user,
            organisation=token.organisation_id,
            obj=token,
            fields=["revoked_at"],
            detail=f"api token {token.hint} revoked",
        )
        if token.kind == ApiToken.Kind.SYSTEM:
            # The system's account exists only for its token: it goes with it.
            token.user.memberships.update(is_active=False)
            policy.forget(token.user)
    return token


def record_token_use(token: ApiToken, request) -> None:
    """Audit one request made with a token (method and path; the query may hold filters)."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    record(
        Action.LOGIN,
        actor=token.user,
        organisation=token.organisation_id,
        obj=token,
        detail=f"api {request.method} {request.path}"[:300],
        request=request,
    )


# --- webhooks ------------------------------------------------------------------------


@transaction.atomic
def do_subscribe(organisation, *, url: str, events, acting_user) -> tuple[WebhookSubscription, str]:
    """Subscribe a URL to events; return the subscription and its secret (shown once)."""
    secret = "whsec_" + secrets.token_urlsafe(32)
    sub = WebhookSubscription.objects.create(
        organisation=organisation,
        url=url,
        events=sorted(set(events)),
        secret=keys.encrypt(secret, WEBHOOK_SECRET_CONTEXT),
        created_by=acting_user,
    )
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=organisation,
        obj=sub,
        fields=["url", "events", "secret"],
    )
    return sub, secret


@transaction.atomic
def do_set_subscription_active(sub: WebhookSubscription, *, is_active: bool, acting_user):
    """Pause or resume a subscription; resuming clears the failure count."""
    sub.is_active = is_active
    sub.paused_at = None if is_active else timezone.now()
    sub.paused_reason = ""
    sub.failures_in_a_row = 0
    sub.save(update_fields=["is_active", "paused_at", "paused_reason", "failures_in_a_row"])
    record(
        Action.STATUS_CHANGE,
        actor=acting_user,
        organisation=sub.organisation_id,
        obj=sub,
        fields=["is_active"],
        detail="resumed" if is_active else "paused",
    )
    if is_active:
        waiting = sub.deliveries.filter(state="pending").values_list("pk", flat=True)
        for pk in list(waiting):
            transaction.on_commit(partial(deliver.enqueue, pk))
    return sub


@transaction.atomic
def do_delete_subscription(sub: WebhookSubscription, *, acting_user) -> None:
    record(
        Action.DELETE,
        actor=acting_user,
        organisation=sub.organisation_id,
        obj=sub,
        fields=["url", "events"],
    )
    sub.delete()
