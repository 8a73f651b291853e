"""The demo runs with DEBUG: it must still show the pages users see, not Django's debug ones."""

import pytest
from django.urls import reverse

from himoya.access.roles import Role

NOT_FOUND = "There is no such page, or it is not yours to see."


@pytest.fixture
def english(client, settings):
    settings.DEBUG = True
    client.cookies["himoya_language"] = "en"
    return client


@pytest.mark.django_db
class TestErrorPagesInDevelopment:
    def test_unknown_address_gets_the_users_404_not_the_url_list(self, english):
        response = english.get("/no/such/page/")
        assert response.status_code == 404
        body = response.content.decode()
        assert NOT_FOUND in body
        assert "URLconf" not in body and "cases/" not in body

    def test_record_out_of_reach_gets_the_users_404(self, english, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        response = english.get(reverse("codelist_detail", args=["no_such_list"]))
        assert response.status_code == 404
        assert NOT_FOUND in response.content.decode()
        assert "Raised by" not in response.content.decode()

    def test_forbidden_gets_the_users_403(self, english, login, django_user_model):
        login(django_user_model.objects.create_user("loner", password="correct-horse-battery"))
        response = english.get(reverse("codelist_list"))
        assert response.status_code == 403
        assert "Your role does not allow this." in response.content.decode()

    def test_missing_slash_is_still_redirected(self, english):
        response = english.get("/accounts/login")
        assert response.status_code == 301
        assert response["Location"] == "/accounts/login/"

    def test_a_developer_can_ask_for_the_debug_page(self, english, settings):
        settings.HIMOYA_TECHNICAL_404 = True
        assert "URLconf" in english.get("/no/such/page/").content.decode()
