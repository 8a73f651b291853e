import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.organisations.models import Organisation

URL = "/orgs/new/"

VALID = {
    "slug": "rushd",
    "name_tg": "ТҶ «Рушд»",
    "name_ru": "ОО «Рушд»",
    "name_en": "Rushd NGO",
    "kind": Organisation.Kind.SHELTER,
    "regions": ["TJ-SU", "TJ-GB"],
}


@pytest.mark.django_db
class TestOrganisationCreate:
    def test_url_name(self):
        assert reverse("organisation_create") == URL

    def test_system_admin_creates_organisation(self, client, login, make_org, make_user):
        admin = make_user(make_org(is_national=True), Role.SYSTEM_ADMIN)
        login(admin)
        page = client.get(URL).content.decode()
        assert "Вилояти Суғд" in page  # region checkboxes from the code list, in Tajik
        assert 'type="checkbox"' in page
        response = client.post(URL, VALID)
        assert response.status_code == 302
        org = Organisation.objects.get(slug="rushd")
        assert org.regions == ["TJ-SU", "TJ-GB"]
        assert org.name_ru == "ОО «Рушд»"
        assert AuditEvent.objects.filter(action="create", object_id=str(org.pk)).exists()

    def test_unknown_region_changes_nothing_and_keeps_input(
        self, client, login, make_org, make_user
    ):
        login(make_user(make_org(is_national=True), Role.SYSTEM_ADMIN))
        response = client.post(URL, {**VALID, "regions": ["TJ-XX"]})
        assert response.status_code == 200
        assert "ТҶ «Рушд»" in response.content.decode()
        assert not Organisation.objects.filter(slug="rushd").exists()

    def test_reserved_slug_is_refused(self, client, login, make_org, make_user):
        login(make_user(make_org(is_national=True), Role.SYSTEM_ADMIN))
        response = client.post(URL, {**VALID, "slug": "new"})
        assert response.status_code == 200
        assert not Organisation.objects.filter(slug="new").exists()

    def test_org_admin_gets_403(self, client, login, org, make_user):
        login(make_user(org, Role.ORG_ADMIN))
        assert client.get(URL).status_code == 403
        assert client.post(URL, VALID).status_code == 403
        assert not Organisation.objects.filter(slug="rushd").exists()

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(URL)["Location"].startswith(reverse("login"))
