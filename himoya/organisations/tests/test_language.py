import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from himoya.access.roles import Role
from himoya.organisations.models import Membership


@pytest.mark.django_db
class TestLanguageSwitch:
    def test_default_interface_is_tajik(self, client, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        page = client.get(reverse("organisation_list")).content.decode()
        assert '<html lang="tg">' in page
        assert "Ташкилотҳо" in page

    @pytest.mark.parametrize(
        "accept, expected",
        [
            ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
            ("en-US,en;q=0.9,ru;q=0.8", "en"),
            ("tg-TJ,tg;q=0.9", "tg"),
            ("de-DE,de;q=0.9", "tg"),  # none of ours: the default interface
        ],
    )
    def test_browser_language_is_honoured_until_one_is_chosen(self, client, accept, expected):
        page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
        assert f'<html lang="{expected}">' in page.content.decode()

    def test_signed_in_browser_language_gives_way_to_the_accounts_choice(
        self, client, login, org, make_user
    ):
        user = make_user(org, Role.CASEWORKER)
        login(user)
        russian = {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9"}
        page = client.get(reverse("organisation_list"), **russian).content.decode()
        assert '<html lang="ru">' in page
        user.language = "en"
        user.save()
        page = client.get(reverse("organisation_list"), **russian).content.decode()
        assert '<html lang="en">' in page

    def test_cookie_choice_beats_the_browser(self, client):
        client.post(reverse("set_language"), {"language": "tg", "next": "/"})
        page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
        assert '<html lang="tg">' in page.content.decode()

    def test_choice_is_remembered_on_the_account_for_a_new_session(
        self, client, login, org, make_user
    ):
        user = make_user(org, Role.CASEWORKER)
        login(user)
        response = client.post(reverse("set_language"), {"language": "ru", "next": "/orgs/"})
        assert response["Location"] == "/orgs/"
        user.refresh_from_db()
        assert user.language == "ru"

        fresh = sign_in(Client(), user)  # another browser: no cookie, new session
        page = fresh.get(reverse("organisation_list")).content.decode()
        assert '<html lang="ru">' in page
        assert "Организации" in page

    def test_anonymous_choice_is_kept_in_a_cookie(self, client):
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.cookies["himoya_language"].value == "en"
        page = client.get(reverse("login")).content.decode()
        assert '<html lang="en">' in page
        assert "Sign in" in page

    def test_unknown_language_changes_nothing(self, client, login, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        login(user)
        response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
        assert "himoya_language" not in response.cookies
        user.refresh_from_db()
        assert user.language == ""

    def test_next_to_another_site_is_ignored(self, client):
        response = client.post(
            reverse("set_language"), {"language": "ru", "next": "https://evil.example/"}
        )
        assert response["Location"] == reverse("home")

    def test_get_is_not_allowed(self, client):
        assert client.get(reverse("set_language")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, expected",
    [("tg", "08.03.2026"), ("ru", "08.03.2026"), ("en", "8 Mar 2026")],
)
def test_joined_date_is_written_in_the_users_language(
    client, login, org, make_user, language, expected
):
    member = make_user(org, Role.CASEWORKER)
    joined = timezone.make_aware(datetime.datetime(2026, 3, 8, 10, 0))
    Membership.objects.filter(user=member).update(created_at=joined)
    viewer = make_user(org, Role.SUPERVISOR)
    viewer.language = language
    viewer.save()
    login(viewer)
    page = client.get(reverse("organisation_detail", args=[org.slug])).content.decode()
    assert f'class="joined">{expected}</td>' in page
