"""The organisation admin's token page: issue (shown once), revoke; others get 404."""

import datetime

import pytest
from django.utils import timezone

from himoya.access.roles import Role
from himoya.api.models import ApiToken

pytestmark = pytest.mark.django_db


def _form(**extra):
    return {
        "name": "shelter database",
        "kind": "system",
        "system_role": Role.CASEWORKER,
        "access": "read",
        "parts": ["cases", "referrals"],
        "expires_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        **extra,
    }


def test_admin_issues_a_token_shown_once_and_revokes_it(org, make_user, login, client):
    admin = make_user(org, Role.ORG_ADMIN)
    login(admin)
    response = client.post(f"/orgs/{org.slug}/api/tokens/", _form())
    assert response.status_code == 200
    token = ApiToken.objects.get()
    raw = response.context["issued"]
    assert raw.startswith("hmy_") and raw.encode() in response.content
    assert token.parts == ["cases", "referrals"] and token.access == "read"
    again = client.get(f"/orgs/{org.slug}/api/tokens/")
    assert raw.encode() not in again.content and token.hint.encode() in again.content
    client.post(f"/orgs/{org.slug}/api/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not token.user.memberships.filter(is_active=True).exists()


def test_person_token_needs_a_member(org, make_user, login, client):
    login(make_user(org, Role.ORG_ADMIN))
    response = client.post(f"/orgs/{org.slug}/api/tokens/", _form(kind="person"))
    assert response.context["form"].errors["member"]
    worker = make_user(org)
    client.post(f"/orgs/{org.slug}/api/tokens/", _form(kind="person", member=worker.pk))
    assert ApiToken.objects.get().user == worker


def test_token_valid_for_a_year_at_most(org, make_user, login, client):
    login(make_user(org, Role.ORG_ADMIN))
    late = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    response = client.post(f"/orgs/{org.slug}/api/tokens/", _form(expires_on=late))
    assert response.context["form"].errors["expires_on"]
    assert not ApiToken.objects.exists()


def test_admin_of_another_organisation_gets_404(org, other_org, make_user, login, client):
    login(make_user(other_org, Role.ORG_ADMIN))
    assert client.get(f"/orgs/{org.slug}/api/tokens/").status_code == 404
    assert client.post(f"/orgs/{org.slug}/api/tokens/", _form()).status_code == 404
    assert not ApiToken.objects.exists()


def test_caseworker_cannot_issue_tokens(org, make_user, login, client):
    login(make_user(org, Role.CASEWORKER))
    assert client.get(f"/orgs/{org.slug}/api/tokens/").status_code == 404


def test_admins_home_page_links_to_tokens_and_webhooks(org, make_user, login, client):
    from himoya.api.actions import do_set_subscription_active, do_subscribe

    admin = make_user(org, Role.ORG_ADMIN)
    sub, _secret = do_subscribe(
        org, url="https://partner.example.org/hook", events=["follow_up.due"], acting_user=admin
    )
    do_set_subscription_active(sub, is_active=False, acting_user=admin)
    login(admin)
    html = client.get("/").content.decode()
    assert f"/orgs/{org.slug}/api/tokens/" in html and f"/orgs/{org.slug}/api/webhooks/" in html
    assert "badge-danger" in html
    login(make_user(org, Role.CASEWORKER))
    assert f"/orgs/{org.slug}/api/tokens/" not in client.get("/").content.decode()
