"""Webhooks: signed events on referral and case actions, retries with back-off, pausing."""

import datetime
import json

import pytest
from django.core import mail
from django.utils import timezone

from himoya.access.roles import Role
from himoya.api import webhooks
from himoya.api.actions import do_set_subscription_active, do_subscribe
from himoya.api.models import Event, WebhookAttempt, WebhookDelivery, WebhookEvent
from himoya.api.tests import receiver as loopback
from himoya.cases import actions as case_actions
from himoya.cases.tests.factories import register_case
from himoya.referrals.tests.factories import give_consent, refer


@pytest.fixture
def hook():
    receiver, server = loopback.start()
    yield receiver
    server.shutdown()
    server.server_close()


def test_signature_verifies_and_refuses_a_changed_body():
    header = webhooks.sign("s3cret", 1_700_000_000, b'{"a":1}')
    assert webhooks.verify("s3cret", header, b'{"a":1}', now=1_700_000_100)
    assert not webhooks.verify("s3cret", header, b'{"a":2}', now=1_700_000_100)
    assert not webhooks.verify("other", header, b'{"a":1}', now=1_700_000_100)
    assert not webhooks.verify("s3cret", header, b'{"a":1}', now=1_700_009_999)  # replayed late


@pytest.mark.django_db
def test_referral_received_is_delivered_signed_without_identity(
    org, other_org, make_user, hook, django_capture_on_commit_callbacks
):
    admin_b = make_user(other_org, Role.ORG_ADMIN)
    _sub, secret = do_subscribe(
        other_org, url=hook.url, events=[Event.REFERRAL_RECEIVED], acting_user=admin_b
    )
    worker = make_user(org)
    case = register_case(org, worker)
    give_consent(case, worker, other_org)
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(case, worker, other_org)
    assert hook.event.wait(5)
    headers, body = hook.received[0]
    assert webhooks.verify(secret, headers["X-Himoya-Signature"], body)
    payload = json.loads(body)
    assert payload["type"] == "referral.received" == headers["X-Himoya-Event"]
    assert payload["object"] == {"type": "referrals.referral", "id": referral.pk}
    assert payload["ids"] == {"referral": referral.pk, "case": case.pk}
    for name in ("Ҷамшед", "Раҳимов", "Jamshed"):
        assert name not in body.decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "delivered" and delivery.attempts == 1
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 200 and attempt.response == "thanks"


@pytest.mark.django_db
def test_only_subscribed_events_of_the_organisation_are_sent(
    org, other_org, make_user, hook, django_capture_on_commit_callbacks
):
    do_subscribe(
        org,
        url=hook.url,
        events=[Event.REFERRAL_DECLINED],
        acting_user=make_user(org, Role.ORG_ADMIN),
    )
    worker = make_user(org)
    case = register_case(org, worker)
    give_consent(case, worker, other_org)
    with django_capture_on_commit_callbacks(execute=True):
        refer(case, worker, other_org)  # received by B: nothing for A
    assert WebhookDelivery.objects.count() == 0
    assert WebhookEvent.objects.filter(organisation=other_org).count() == 1


@pytest.mark.django_db
def test_status_decision_on_the_case_is_emitted(org, make_user, django_capture_on_commit_callbacks):
    supervisor = make_user(org, Role.SUPERVISOR)
    case = register_case(org, supervisor)
    case_actions.do_identify_victim(
        case, acting_user=supervisor, decided_by="NGO", basis="Indicators confirmed."
    )
    event = WebhookEvent.objects.get(type=Event.CASE_STATUS_DECIDED)
    assert event.organisation_id == org.pk
    assert event.payload["ids"] == {"case": case.pk, "kind": "identify"}


@pytest.mark.django_db
def test_failed_deliveries_back_off_then_pause_and_tell_the_admin(
    org, make_user, hook, settings, django_capture_on_commit_callbacks
):
    settings.HIMOYA_WEBHOOK_ATTEMPTS = 3
    settings.HIMOYA_WEBHOOK_BACKOFF_SECONDS = 10
    settings.HIMOYA_WEBHOOK_PAUSE_AFTER = 2
    admin = make_user(org, Role.ORG_ADMIN)
    admin.email = "admin@example.org"
    admin.save()
    hook.status = 500
    sub, _secret = do_subscribe(org, url=hook.url, events=[Event.FOLLOW_UP_DUE], acting_user=admin)
    case = register_case(org, admin)
    from himoya.assistance.models import FollowUp

    follow_ups = [
        FollowUp.objects.create(case=case, months_after_closure=m, due_on=datetime.date(2026, 1, m))
        for m in (1, 2, 3)
    ]
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.sweep(now=start) == 3
    first = WebhookDelivery.objects.get(event__object_id=str(follow_ups[0].pk))
    assert first.attempts == 1 and first.state == "pending"
    assert first.next_attempt_at == first.tries.get().at + datetime.timedelta(seconds=10)
    webhooks.retry_due(now=start + datetime.timedelta(seconds=11))
    first.refresh_from_db()
    gap = first.next_attempt_at - first.tries.order_by("at").last().at
    assert first.attempts == 2 and gap == datetime.timedelta(seconds=20)  # doubled
    webhooks.retry_due(now=start + datetime.timedelta(seconds=40))
    states = set(WebhookDelivery.objects.values_list("state", flat=True))
    sub.refresh_from_db()
    assert states == {"failed", "pending"}  # two gave up; the third waits for the resume
    assert not sub.is_active and sub.paused_reason
    assert len(mail.outbox) == 1 and hook.url in mail.outbox[0].body
    assert webhooks.sweep(now=start) == 0  # each follow-up is emitted once
    hook.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        do_set_subscription_active(sub, is_active=True, acting_user=admin)
    assert WebhookDelivery.objects.filter(state="delivered").count() == 1


@pytest.mark.django_db
def test_unreachable_receiver_is_logged_with_the_error(
    org, make_user, django_capture_on_commit_callbacks
):
    admin = make_user(org, Role.ORG_ADMIN)
    do_subscribe(
        org, url="http://127.0.0.1:9/none", events=[Event.SUBMISSION_WAITING], acting_user=admin
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit(org, "submission.waiting", admin)
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and attempt.error


@pytest.mark.django_db
def test_emit_refuses_an_undeclared_event(org):
    with pytest.raises(ValueError):
        webhooks.emit(org, "case.deleted", org)


@pytest.mark.django_db
def test_webhook_page_shows_the_secret_once_and_other_admins_get_404(
    org, other_org, make_user, login, client
):
    login(make_user(org, Role.ORG_ADMIN))
    response = client.post(
        f"/orgs/{org.slug}/api/webhooks/",
        {"url": "https://partner.example.org/hook", "events": ["referral.received"]},
    )
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret.encode() in response.content
    assert secret.encode() not in client.get(f"/orgs/{org.slug}/api/webhooks/").content
    login(make_user(other_org, Role.ORG_ADMIN))
    assert client.get(f"/orgs/{org.slug}/api/webhooks/").status_code == 404


@pytest.mark.django_db
def test_overdue_referral_is_emitted_once_to_both_organisations(
    org, other_org, make_user, settings
):
    from himoya.referrals.models import Referral

    worker = make_user(org)
    case = register_case(org, worker)
    give_consent(case, worker, other_org)
    referral = refer(case, worker, other_org)
    now = timezone.now()
    assert webhooks.sweep(now=now) == 0  # not yet overdue
    later = now + datetime.timedelta(hours=settings.HIMOYA_REFERRAL_OVERDUE_HOURS + 1)
    assert webhooks.sweep(now=later) == 2
    assert webhooks.sweep(now=later) == 0
    overdue = WebhookEvent.objects.filter(type=Event.REFERRAL_OVERDUE, object_id=str(referral.pk))
    assert set(overdue.values_list("organisation_id", flat=True)) == {org.pk, other_org.pk}
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.ACCEPTED)
    assert webhooks.sweep(now=later + datetime.timedelta(days=1)) == 0
