"""Every list and figures page answers absurd GET parameters with 400 or the form's message,
never with a server error: huge numbers, negative years, NUL bytes, garbage."""

import re
import time

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import sign_in
from himoya.access.roles import Role
from himoya.cases.tests.factories import register_case
from himoya.organisations.models import Organisation

BAD_VALUES = ["99999999999999999999", "-1", "a\x00b", "9999-99-99", "x" * 3000]


def _pages_without_arguments() -> list[str]:
    """The URL of every page whose pattern takes no argument (lists, figures, forms)."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and "<" not in route and "(?P" not in route:
                found.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns)
    return sorted(set(found) - {"/accounts/logout/", "/lang/"})


def _with_arguments() -> list[str]:
    """Figures pages reached with an argument (a statistics indicator or report)."""
    return ["/stats/api/persons/", "/stats/reports/unodc/", "/stats/reports/unodc/xlsx/"]


def _get_parameter_names(html: str) -> set[str]:
    """Names of the fields of the page's GET forms (the ones that end up in the URL)."""
    names = set()
    for form in re.findall(r"<form\b([^>]*)>(.*?)</form>", html, flags=re.S | re.I):
        attributes, body = form
        if re.search(r'method\s*=\s*"?post', attributes, flags=re.I):
            continue
        names |= set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', body))
    return names - {"csrfmiddlewaretoken"}


COMMON = {"page", "year", "org"}


@pytest.fixture
def signed_in(db, make_org, make_user):
    org = make_org("madad", kind=Organisation.Kind.NGO)
    caseworker = make_user(org, Role.CASEWORKER)
    register_case(org, caseworker)
    clients = []
    for role, member_org in [
        (Role.CASEWORKER, org),
        (Role.NATIONAL_COORDINATOR, make_org("secretariat", kind=Organisation.Kind.MINISTRY)),
        (Role.SYSTEM_ADMIN, org),
    ]:
        user = caseworker if role == Role.CASEWORKER else make_user(member_org, role)
        clients.append(sign_in(Client(), user))
    return clients


@pytest.mark.django_db
def test_no_page_answers_bad_get_parameters_with_a_server_error(signed_in):
    failures = []
    tried = 0
    started = time.monotonic()
    urls = _pages_without_arguments() + _with_arguments()
    for client in signed_in:
        for url in urls:
            first = client.get(url)
            if first.status_code != 200:
                continue  # not this role's page: its answer does not depend on parameters
            if "html" not in first.get("Content-Type", ""):
                names = set(COMMON)
            else:
                names = COMMON | _get_parameter_names(first.content.decode())
            for name in sorted(names):
                for value in BAD_VALUES:
                    tried += 1
                    response = client.get(url, {name: value})
                    if response.status_code >= 500:
                        failures.append(f"{url}?{name}={value[:25]!r}")
    print(tried, "requests in", round(time.monotonic() - started), "s")
    assert tried > 500
    assert not failures, sorted(set(failures))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/cases/?page=99999999999999999999",
        "/stats/?year=-1",
        "/stats/?year=99999999999999999999",
        "/stats/api/persons/?year=-1",
        "/stats/api/persons/?year=99999999999999999999",
        "/stats/reports/unodc/?year=-1",
        "/stats/reports/unodc/?year=99999999999999999999",
        "/justice/figures/?year=-1",
        "/justice/figures/?year=99999999999999999999",
        "/stats/?org=a%00b",
    ],
)
def test_the_reported_bad_parameters_get_400_or_the_forms_message(url, signed_in):
    for client in signed_in:
        assert client.get(url).status_code in {200, 302, 400, 403, 404}
