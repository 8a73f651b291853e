import pytest
from django.urls import reverse

from himoya.access.roles import Role


@pytest.mark.django_db
class TestOrganisationList:
    def test_member_sees_own_organisation_only(self, client, login, org, other_org, make_user):
        login(make_user(org, Role.CASEWORKER))
        page = client.get(reverse("organisation_list")).content.decode()
        assert org.name_tg in page
        assert other_org.name_tg not in page
        assert reverse("organisation_create") not in page

    def test_system_admin_sees_all_and_may_create(self, client, login, org, other_org, make_user):
        login(make_user(org, Role.SYSTEM_ADMIN))
        page = client.get(reverse("organisation_list")).content.decode()
        assert org.name_tg in page and other_org.name_tg in page
        assert reverse("organisation_create") in page

    def test_user_without_membership_sees_none(self, client, org, django_user_model):
        client.force_login(django_user_model.objects.create_user("nobody", password="x" * 12))
        page = client.get(reverse("organisation_list")).content.decode()
        assert org.name_tg not in page

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(reverse("organisation_list"))["Location"].startswith(reverse("login"))
