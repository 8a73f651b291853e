import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

from himoya.access.roles import Role
from himoya.core.net import client_ip


def request(remote="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxy_the_socket_address_counts(settings):
    settings.HIMOYA_TRUSTED_PROXIES = 0
    assert client_ip(request(forwarded="1.2.3.4")) == "10.0.0.1"


def test_behind_one_proxy_its_last_forwarded_entry_counts_and_spoofing_is_ignored(settings):
    settings.HIMOYA_TRUSTED_PROXIES = 1
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request()) == "10.0.0.1"


@pytest.mark.django_db
def test_behind_a_proxy_one_office_locked_out_leaves_another_office_free(
    client, settings, org, make_user
):
    settings.HIMOYA_TRUSTED_PROXIES = 1
    make_user(org, Role.CASEWORKER, username="farangis")
    make_user(org, Role.CASEWORKER, username="gulnora")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "farangis", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="198.51.100.1",
            **proxy,
        )
    other_office = client.post(
        reverse("login"),
        {"username": "gulnora", "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
        **proxy,
    )
    assert other_office.status_code == 302
