import pytest

from conftest import browser_sign_in
from himoya.access.roles import Role
from himoya.audit.models import AuditEvent


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_auditor_on_a_phone_signs_in_and_filters_the_log(
    live_server, browser_context, org, make_user
):
    make_user(org, Role.AUDITOR, username="dilnoza")
    page = browser_context(phone=True).new_page()
    browser_sign_in(page, live_server, "dilnoza")
    page.goto(f"{live_server.url}/audit/")
    page.select_option("#id_action", "login")
    page.fill("#id_date_from", "2026-03-10")
    page.fill("#id_date_to", "2026-03-01")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".field-errors").count() == 1
    assert page.input_value("#id_date_from") == "2026-03-10"
    assert page.input_value("#id_action") == "login"
    # Nothing sticks out of a 360-px screen; the table scrolls in its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("#id_date_to", "")
    page.fill("#id_date_from", "")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == 1  # the auditor's own sign-in
    event = AuditEvent.objects.get(action="login")
    assert event.actor_name == "dilnoza" and event.organisation_id == org.pk
