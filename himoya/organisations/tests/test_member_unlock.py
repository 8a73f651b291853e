import pytest
from django.conf import settings
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.organisations.models import Membership


def lock_out(client, username):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": username, "password": "wrong"})


def unlock_url(membership):
    return reverse("member_unlock", args=[membership.organisation.slug, membership.pk])


@pytest.mark.django_db
class TestMemberUnlock:
    @pytest.fixture
    def locked(self, client, org, make_user):
        user = make_user(org, Role.CASEWORKER, username="farangis")
        lock_out(client, "farangis")
        return Membership.objects.get(user=user)

    def test_org_admin_sees_lockout_and_unlocks(self, client, login, org, make_user, locked):
        admin = make_user(org, Role.ORG_ADMIN)
        login(admin)
        home = client.get(reverse("home")).content.decode()
        assert reverse("member_edit", args=[org.slug, locked.pk]) in home
        detail = client.get(reverse("organisation_detail", args=[org.slug])).content.decode()
        assert "badge-danger" in detail
        edit = client.get(reverse("member_edit", args=[org.slug, locked.pk])).content.decode()
        assert unlock_url(locked) in edit

        response = client.post(unlock_url(locked))
        assert response.status_code == 302
        assert AuditEvent.objects.filter(action="update", actor=admin, detail="unlock").exists()
        client.logout()
        signed_in = client.post(
            reverse("login"), {"username": "farangis", "password": "correct-horse-battery"}
        )
        assert signed_in.status_code == 302

    def test_caseworker_gets_403_and_lock_stays(self, client, login, org, make_user, locked):
        login(make_user(org, Role.CASEWORKER))
        assert client.post(unlock_url(locked)).status_code == 403
        client.logout()
        lockout = client.post(
            reverse("login"), {"username": "farangis", "password": "correct-horse-battery"}
        )
        assert lockout.status_code == 429

    def test_admin_of_other_org_gets_404(self, client, login, other_org, make_user, locked):
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.post(unlock_url(locked)).status_code == 404
        home = client.get(reverse("home")).content.decode()
        assert "farangis" not in home

    def test_get_is_not_allowed(self, client, login, org, make_user, locked):
        login(make_user(org, Role.ORG_ADMIN))
        assert client.get(unlock_url(locked)).status_code == 405

    def test_anonymous_is_sent_to_login(self, client, locked):
        assert client.post(unlock_url(locked))["Location"].startswith(reverse("login"))
