"""Issue 15, done when: a referral is sent through the API with organisation A's token; B's
webhook receiver on loopback gets a signed event; B accepts through the API; A sees it."""

import json
import urllib.error
import urllib.request

import pytest

from himoya.access.roles import Role
from himoya.api.actions import do_subscribe
from himoya.api.models import Event
from himoya.api.tests import receiver as loopback
from himoya.api.webhooks import verify
from himoya.cases.tests.factories import register_case
from himoya.referrals.tests.factories import give_consent


def _call(base, method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.django_db(transaction=True)
def test_referral_through_the_api_reaches_the_receiver_by_a_signed_webhook(
    live_server, make_org, make_user, issue_token
):
    ngo, shelter = make_org("ngo-a"), make_org("shelter-b")
    hook_b, server_b = loopback.start()
    hook_a, server_a = loopback.start()
    try:
        _sub, secret_b = do_subscribe(
            shelter,
            url=hook_b.url,
            events=[Event.REFERRAL_RECEIVED],
            acting_user=make_user(shelter, Role.ORG_ADMIN),
        )
        _sub, secret_a = do_subscribe(
            ngo,
            url=hook_a.url,
            events=[Event.REFERRAL_ACCEPTED],
            acting_user=make_user(ngo, Role.ORG_ADMIN),
        )
        worker = make_user(ngo)
        case = register_case(ngo, worker)
        give_consent(case, worker, shelter)
        token_a = issue_token(ngo, worker)
        token_b = issue_token(shelter, make_user(shelter))
        base = live_server.url

        status, sent = _call(
            base,
            "POST",
            "/api/v1/referrals/",
            token_a,
            {
                "case": case.pk,
                "to_organisation": "shelter-b",
                "services": ["shelter"],
                "shared_parts": ["demographics"],
            },
        )
        assert status == 201, sent
        assert sent["status"] == "sent" and sent["to_organisation"] == "shelter-b"

        assert hook_b.event.wait(10)
        headers, body = hook_b.received[0]
        assert verify(secret_b, headers["X-Himoya-Signature"], body)
        event = json.loads(body)
        assert event["type"] == "referral.received"
        assert event["object"]["id"] == sent["id"]

        # B answers: it sees the referral, A's other records stay 404 to it.
        status, seen = _call(base, "GET", f"/api/v1/referrals/{sent['id']}/", token_b)
        assert status == 200 and seen["status"] == "sent"
        assert _call(base, "GET", f"/api/v1/cases/{case.pk}/", token_b)[0] == 404
        assert _call(base, "POST", f"/api/v1/referrals/{sent['id']}/accept/", token_a)[0] == 403
        status, accepted = _call(base, "POST", f"/api/v1/referrals/{sent['id']}/accept/", token_b)
        assert status == 200 and accepted["status"] == "accepted"
        status, again = _call(base, "POST", f"/api/v1/referrals/{sent['id']}/accept/", token_b)
        assert status == 409 and again["error"]["code"] == "conflict"

        status, after = _call(base, "GET", f"/api/v1/referrals/{sent['id']}/", token_a)
        assert status == 200 and after["status"] == "accepted" and after["answered_at"]
        assert hook_a.event.wait(10)
        headers, body = hook_a.received[0]
        assert verify(secret_a, headers["X-Himoya-Signature"], body)
        assert json.loads(body)["type"] == "referral.accepted"
    finally:
        for server in (server_a, server_b):
            server.shutdown()
            server.server_close()
