"""Every page that reads GET parameters answers a bad value with 400 or its form's message.

The probe finds the pages itself (every URL without arguments) and the parameters each
page's GET forms send, so a new page or a new filter is probed without editing this file.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from himoya.access.roles import Role

BAD_VALUES = ("99999999999999999999", "-1", "a\x00b", "2026-13-45", "x" * 400)
ALWAYS = ("page", "year", "org", "month", "quarter", "period")
SKIP = {"logout", "set_language", "healthz"}


def _names(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _names(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name and entry.name not in SKIP:
            yield entry.name


def _pages():
    pages = set()
    for name in _names():
        try:
            pages.add(reverse(name))
        except NoReverseMatch:  # needs an id: covered by its list page's filters
            continue
    return sorted(p for p in pages if not p.startswith(("/django-admin/", "/api/")))


def _get_parameters(html: str) -> set[str]:
    names = set()
    for form in re.findall(r"<form(?![^>]*method=\"post\")[^>]*>(.*?)</form>", html, re.S | re.I):
        names.update(re.findall(r"<(?:input|select|textarea)[^>]*\bname=\"([^\"]+)\"", form))
    return names - {"csrfmiddlewaretoken"}


@pytest.fixture
def users(org, make_org, make_user):
    national = make_org("commission", is_national=True)
    return [
        make_user(org, Role.CASEWORKER),
        make_user(national, Role.NATIONAL_COORDINATOR),
        make_user(national, Role.ANALYST),
    ]


@pytest.mark.django_db
def test_no_page_answers_a_bad_parameter_with_a_server_error(client, login, users):
    client.raise_request_exception = False
    failures = []
    for user in users:
        login(user)
        for page in _pages():
            first = client.get(page)
            if first.status_code != 200 or "html" not in first.get("Content-Type", ""):
                continue
            for param in sorted(_get_parameters(first.content.decode()) | set(ALWAYS)):
                for value in BAD_VALUES:
                    answer = client.get(page, {param: value})
                    if answer.status_code >= 500:
                        failures.append(f"{user.username} {page}?{param}={value[:24]!r}")
    assert failures == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/stats/?year=-1",
        "/stats/?year=99999999999999999999",
        "/stats/api/persons/?year=-1",
        "/stats/api/persons/?year=99999999999999999999",
        "/stats/reports/unodc/?year=99999999999999999999",
        "/justice/figures/?year=-1",
        "/stats/?org=a%00b",
        "/stats/api/persons/?org=a%00b",
    ],
)
def test_the_measured_bad_parameters_get_a_400_or_the_form(client, login, users, path):
    client.raise_request_exception = False
    login(users[1])
    assert client.get(path).status_code in (200, 400)
