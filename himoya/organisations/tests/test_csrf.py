import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from himoya.access.roles import Role
from himoya.organisations.models import User


@pytest.mark.django_db
def test_member_form_without_csrf_token_changes_nothing_and_says_why(org, make_user):
    client = sign_in(Client(enforce_csrf_checks=True), make_user(org, Role.ORG_ADMIN))
    form_url = reverse("member_add", args=[org.slug])
    response = client.post(
        form_url,
        {"username": "forged", "role": Role.CASEWORKER, "password": "a-long-passphrase-9"},
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Формуляр қабул нашуд" in page
    assert f'href="{form_url}"' in page
    assert not User.objects.filter(username="forged").exists()


@pytest.mark.django_db
def test_member_form_with_csrf_token_works(org, make_user):
    client = sign_in(Client(enforce_csrf_checks=True), make_user(org, Role.ORG_ADMIN))
    form_url = reverse("member_add", args=[org.slug])
    client.get(form_url)
    token = client.cookies["csrftoken"].value
    response = client.post(
        form_url,
        {
            "username": "genuine",
            "role": Role.CASEWORKER,
            "password": "a-long-passphrase-9",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="genuine").exists()
