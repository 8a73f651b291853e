import pytest
from django.urls import reverse

from himoya.access.roles import Role


@pytest.mark.django_db
class TestHome:
    def test_org_admin_sees_member_counts_of_own_organisation(
        self, client, login, org, other_org, make_user
    ):
        admin = make_user(org, Role.ORG_ADMIN)
        make_user(org, Role.CASEWORKER)
        make_user(other_org, Role.CASEWORKER)
        login(admin)
        response = client.get(reverse("home"))
        assert response.status_code == 200
        (section,) = [s for s in response.context["home_sections"] if "organisations" in s]
        assert [(o.slug, o.active_members) for o in section["organisations"]] == [(org.slug, 2)]
        assert other_org.name_tg not in response.content.decode()

    def test_caseworker_sees_roles_but_no_member_admin(self, client, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        response = client.get(reverse("home"))
        assert not [s for s in response.context["home_sections"] if "organisations" in s]
        html = response.content.decode()
        assert org.name_tg in html
        assert reverse("otp_setup") not in html  # set up already: required for caseworkers

    def test_analyst_is_offered_the_optional_second_factor(self, client, login, org, make_user):
        login(make_user(org, Role.ANALYST))
        assert reverse("otp_setup") in client.get(reverse("home")).content.decode()

    def test_user_without_organisation_is_told_to_ask_admin(self, client, django_user_model):
        client.force_login(django_user_model.objects.create_user("alone", password="x" * 12))
        response = client.get(reverse("home"))
        assert response.status_code == 200
        assert response.context["memberships"] == []

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
