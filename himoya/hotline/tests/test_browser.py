import pytest

from conftest import browser_sign_in
from himoya.access.roles import Role
from himoya.hotline.models import HotlineContact


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_operator_handles_a_call_from_start_to_referral(live_server, page, org, make_user):
    user = make_user(org, Role.RESPONDER, username="operator")
    user.language = "en"
    user.save(update_fields=["language"])
    browser_sign_in(page, live_server, "operator")

    page.goto(f"{live_server.url}/hotline/")
    page.check("input[name=channel][value=messenger]")
    page.select_option("#id_caller_type", "migrant_advice")
    page.select_option("#id_language", "ru")
    page.select_option("#id_topic", "job_offer")
    page.select_option("#id_region", "TJ-KT")
    page.fill("#id_duration_minutes", "7")
    page.click("#log-call button[type=submit]")
    page.wait_for_selector(".call")

    contact = HotlineContact.objects.get()
    assert contact.outcome == "" and contact.topic == "job_offer"
    row = page.locator(f"#call-{contact.pk}")
    assert "Checking a job offer or recruiter" in row.inner_text()

    row.locator("input[name=referred_to]").fill("Migrant resource centre, Bokhtar")
    page.evaluate("window.stillSamePage = true")
    row.locator("text=Referral made").click()
    # A locator, not wait_for_function("…"): the Content-Security-Policy forbids eval.
    page.locator(f"#call-{contact.pk} .outcome", has_text="Referral made").wait_for()
    assert page.evaluate("window.stillSamePage") is True  # htmx swapped the row, no reload
    contact.refresh_from_db()
    assert contact.outcome == "referral_made"
    assert contact.referred_to == "Migrant resource centre, Bokhtar"
    assert "Migrant resource centre, Bokhtar" in page.locator(f"#call-{contact.pk}").inner_text()
