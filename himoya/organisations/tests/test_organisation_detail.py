import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent


@pytest.mark.django_db
class TestOrganisationDetail:
    def url(self, org):
        return reverse("organisation_detail", args=[org.slug])

    def test_member_sees_own_organisation(self, client, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        response = client.get(self.url(org))
        assert response.status_code == 200
        assert org.name_tg in response.content.decode()

    def test_admin_of_other_org_gets_404(self, client, login, org, other_org, make_user):
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(self.url(org)).status_code == 404

    def test_system_admin_opens_any_organisation(self, client, login, org, make_org, make_user):
        login(make_user(make_org(is_national=True), Role.SYSTEM_ADMIN))
        response = client.get(self.url(org))
        assert response.status_code == 200
        assert reverse("member_add", args=[org.slug]) in response.content.decode()

    def test_caseworker_of_other_org_gets_404(self, client, login, org, other_org, make_user):
        login(make_user(other_org, Role.CASEWORKER))
        assert client.get(self.url(org)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org):
        response = client.get(self.url(org))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
class TestMemberAdd:
    def url(self, org):
        return reverse("member_add", args=[org.slug])

    def test_org_admin_adds_a_caseworker(self, client, login, org, make_user):
        admin = make_user(org, Role.ORG_ADMIN)
        login(admin)
        response = client.post(
            self.url(org),
            {
                "username": "new.caseworker",
                "role": Role.CASEWORKER,
                "password": "a-long-enough-passphrase",
            },
        )
        assert response.status_code == 302
        assert org.memberships.filter(user__username="new.caseworker").exists()
        assert AuditEvent.objects.filter(action="create", actor=admin).count() == 2

    def test_caseworker_gets_403(self, client, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        assert client.get(self.url(org)).status_code == 403
        assert AuditEvent.objects.filter(action="permission_denied").count() == 1

    def test_admin_cannot_give_himself_a_second_role(self, client, login, org, make_user):
        admin = make_user(org, Role.ORG_ADMIN)
        login(admin)
        response = client.post(self.url(org), {"username": admin.username, "role": "caseworker"})
        assert response.status_code == 200
        assert "You cannot give yourself a role" in response.content.decode() or (
            "form" in response.context and response.context["form"].errors["username"]
        )
        assert list(org.memberships.filter(user=admin).values_list("role", flat=True)) == [
            Role.ORG_ADMIN
        ]

    def test_the_action_refuses_a_role_for_oneself(self, org, make_user):
        from django.core.exceptions import PermissionDenied

        from himoya.organisations.actions import do_add_member

        admin = make_user(org, Role.ORG_ADMIN)
        with pytest.raises(PermissionDenied):
            do_add_member(org, username=admin.username, role="caseworker", acting_user=admin)

    def test_admin_of_other_org_gets_404(self, client, login, org, other_org, make_user):
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(self.url(org)).status_code == 404

    def test_bad_post_keeps_input_and_changes_nothing(self, client, login, org, make_user):
        login(make_user(org, Role.ORG_ADMIN))
        response = client.post(self.url(org), {"username": "someone", "role": Role.CASEWORKER})
        assert response.status_code == 200
        assert 'value="someone"' in response.content.decode()
        assert not org.memberships.filter(user__username="someone").exists()

    def test_org_admin_cannot_give_national_roles(self, client, login, org, make_user):
        login(make_user(org, Role.ORG_ADMIN))
        offered = [v for v, _ in client.get(self.url(org)).context["form"].fields["role"].choices]
        assert Role.CASEWORKER in offered
        assert not {Role.SYSTEM_ADMIN, Role.NATIONAL_COORDINATOR, Role.ANALYST} & set(offered)
        response = client.post(
            self.url(org),
            {"username": "boss", "role": Role.SYSTEM_ADMIN, "password": "a-long-passphrase-9"},
        )
        assert response.status_code == 200
        assert not org.memberships.filter(user__username="boss").exists()

    def test_org_admin_cannot_take_over_a_user_of_another_org(
        self, client, login, org, other_org, make_user
    ):
        make_user(other_org, Role.CASEWORKER, username="stranger")
        login(make_user(org, Role.ORG_ADMIN))
        response = client.post(self.url(org), {"username": "stranger", "role": Role.CASEWORKER})
        assert response.status_code == 200
        assert not org.memberships.filter(user__username="stranger").exists()

    def test_org_admin_gives_a_member_a_second_role(self, client, login, org, make_user):
        make_user(org, Role.CASEWORKER, username="farangis")
        login(make_user(org, Role.ORG_ADMIN))
        client.post(self.url(org), {"username": "farangis", "role": Role.SUPERVISOR})
        given = org.memberships.filter(user__username="farangis").values_list("role", flat=True)
        roles = set(given)
        assert roles == {Role.CASEWORKER, Role.SUPERVISOR}

    def test_anonymous_is_sent_to_login(self, client, org):
        assert client.get(self.url(org))["Location"].startswith(reverse("login"))
