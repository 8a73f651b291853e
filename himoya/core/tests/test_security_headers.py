"""Content-Security-Policy (self only, nothing inline) and Permissions-Policy on every page."""

import re
from pathlib import Path

import pytest

from conftest import browser_sign_in, sign_in
from himoya.access.roles import Role
from himoya.cases.tests.factories import register_case

HIMOYA = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_send_a_strict_content_security_policy(client, org, make_user, signed_in):
    if signed_in:
        sign_in(client, make_user(org, Role.CASEWORKER))
    response = client.get("/accounts/login/" if not signed_in else "/cases/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_send_a_permissions_policy_that_allows_no_device(client):
    response = client.get("/accounts/login/")
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_no_template_has_inline_script_style_or_event_handler():
    """An inline script, style attribute or onclick= would be blocked by the policy."""
    offenders = []
    for path in HIMOYA.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
            r"<style\b",
            r"\sstyle=\"",
            r"\son[a-z]+=\"",
            r"javascript:",
        ):
            for match in re.finditer(pattern, text):
                offenders.append(f"{path.relative_to(HIMOYA)}: {match.group(0)}")
    assert not offenders, offenders


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_work_in_chromium_under_the_policy_without_a_violation(
    live_server, page, org, make_org, make_user
):
    from himoya.organisations.models import Organisation

    caseworker = make_user(org, Role.CASEWORKER, username="zarina")
    case = register_case(org, caseworker)
    coordinator = make_user(
        make_org("secretariat", kind=Organisation.Kind.MINISTRY),
        Role.NATIONAL_COORDINATOR,
        username="coordinator",
    )
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    browser_sign_in(page, live_server, caseworker.username)
    for path in ("/", "/cases/", f"/cases/{case.pk}/", "/screening/new/", "/hotline/"):
        page.goto(live_server.url + path)
    # The language switch submits itself on change: a script from a file, not onchange="".
    page.goto(live_server.url + "/cases/")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.context.clear_cookies()
    browser_sign_in(page, live_server, coordinator.username)
    page.goto(live_server.url + "/stats/")
    page.wait_for_selector("canvas")
    page.wait_for_timeout(300)
    assert not violations, violations
