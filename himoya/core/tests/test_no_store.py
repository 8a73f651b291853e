"""No page served to a signed-in person may be kept by a browser or proxy cache."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from himoya.access.roles import Role
from himoya.cases.tests.factories import register_case


def patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def fill(route: str, number: int) -> str | None:
    import re

    if "(?P" in route or "^" in route:
        return None
    path = re.sub(r"<int:\w+>", str(number), route)
    path = re.sub(r"<(?:str|slug):\w+>", "ngo-a", path)
    return None if "<" in path else "/" + path


@pytest.mark.django_db
def test_every_page_a_signed_in_caseworker_opens_is_no_store(client, login, org, make_user):
    caseworker = make_user(org, Role.CASEWORKER)
    case = register_case(org, caseworker)
    login(caseworker)
    opened = 0
    for route, _entry in patterns():
        path = fill(route, case.pk)
        if not path or path.startswith(("/static", "/accounts/logout", "/lang")):
            continue
        response = client.get(path)
        if response.status_code == 200:
            opened += 1
        assert "no-store" in response.get("Cache-Control", ""), path
    assert opened > 20
    identity = client.post(f"/cases/{case.pk}/identity/")
    assert identity.status_code == 200 and "Ҷамшед" in identity.content.decode()
    assert "no-store" in identity["Cache-Control"]


@pytest.mark.django_db
def test_sign_in_page_for_an_anonymous_visitor_is_unaffected(client):
    assert client.get("/accounts/login/").status_code == 200
