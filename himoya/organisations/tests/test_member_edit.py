import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.organisations.models import Membership


def url(membership):
    return reverse("member_edit", args=[membership.organisation.slug, membership.pk])


def membership_of(user):
    return Membership.objects.get(user=user)


@pytest.mark.django_db
class TestMemberEdit:
    def test_org_admin_changes_role(self, client, login, org, make_user):
        admin = make_user(org, Role.ORG_ADMIN)
        m = membership_of(make_user(org, Role.CASEWORKER))
        login(admin)
        response = client.post(url(m), {"role": Role.SUPERVISOR, "is_active": "on"})
        assert response.status_code == 302
        m.refresh_from_db()
        assert m.role == Role.SUPERVISOR
        event = AuditEvent.objects.get(action="update", actor=admin)
        assert event.fields == ["role"]

    def test_org_admin_deactivates_member_who_then_sees_nothing(
        self, client, login, org, make_user
    ):
        caseworker = make_user(org, Role.CASEWORKER)
        m = membership_of(caseworker)
        login(make_user(org, Role.ORG_ADMIN))
        client.post(url(m), {"role": Role.CASEWORKER})
        m.refresh_from_db()
        assert not m.is_active
        login(caseworker)
        assert client.get(reverse("organisation_detail", args=[org.slug])).status_code == 404

    def test_org_admin_cannot_hand_out_national_roles(self, client, login, org, make_user):
        m = membership_of(make_user(org, Role.CASEWORKER))
        login(make_user(org, Role.ORG_ADMIN))
        for role in (Role.SYSTEM_ADMIN, Role.NATIONAL_COORDINATOR, Role.ANALYST):
            response = client.post(url(m), {"role": role, "is_active": "on"})
            assert response.status_code == 200
            assert "is_active" in response.context["form"].data
        m.refresh_from_db()
        assert m.role == Role.CASEWORKER

    def test_org_admin_cannot_touch_a_member_above_them(self, client, login, make_org, make_user):
        commission = make_org(is_national=True)
        coordinator = membership_of(make_user(commission, Role.NATIONAL_COORDINATOR))
        login(make_user(commission, Role.ORG_ADMIN))
        response = client.post(url(coordinator), {"role": Role.CASEWORKER})
        assert response.status_code == 403
        coordinator.refresh_from_db()
        assert coordinator.role == Role.NATIONAL_COORDINATOR and coordinator.is_active

    def test_admin_cannot_demote_themselves(self, client, login, org, make_user):
        admin = make_user(org, Role.ORG_ADMIN)
        m = membership_of(admin)
        login(admin)
        response = client.post(url(m), {"role": Role.CASEWORKER, "is_active": "on"})
        assert response.status_code == 200
        m.refresh_from_db()
        assert m.role == Role.ORG_ADMIN

    def test_system_admin_may_make_a_coordinator(self, client, login, make_org, make_user, org):
        m = membership_of(make_user(org, Role.ANALYST))
        login(make_user(make_org(is_national=True), Role.SYSTEM_ADMIN))
        client.post(url(m), {"role": Role.NATIONAL_COORDINATOR, "is_active": "on"})
        m.refresh_from_db()
        assert m.role == Role.NATIONAL_COORDINATOR

    def test_supervisor_gets_403(self, client, login, org, make_user):
        m = membership_of(make_user(org, Role.CASEWORKER))
        login(make_user(org, Role.SUPERVISOR))
        assert client.get(url(m)).status_code == 403
        assert client.post(url(m), {"role": Role.LAWYER}).status_code == 403
        m.refresh_from_db()
        assert m.role == Role.CASEWORKER

    def test_admin_of_other_org_gets_404(self, client, login, org, other_org, make_user):
        m = membership_of(make_user(org, Role.CASEWORKER))
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(url(m)).status_code == 404
        # Nor through their own organisation's address.
        other_url = reverse("member_edit", args=[other_org.slug, m.pk])
        assert client.post(other_url, {"role": Role.LAWYER}).status_code == 404
        m.refresh_from_db()
        assert m.role == Role.CASEWORKER

    def test_anonymous_is_sent_to_login(self, client, org, make_user):
        m = membership_of(make_user(org, Role.CASEWORKER))
        assert client.get(url(m))["Location"].startswith(reverse("login"))
