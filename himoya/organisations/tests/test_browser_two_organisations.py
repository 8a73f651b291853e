import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import browser_sign_in, totp_now
from himoya.access.roles import Role
from himoya.organisations.models import Membership


def switch_language(page, code):
    with page.expect_navigation():
        page.select_option("#lang-select", code)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_organisations_switch_language_and_cannot_see_each_other(
    live_server, browser_context, org, other_org, make_user
):
    make_user(org, Role.CASEWORKER, username="zarina")
    admin_b = make_user(other_org, Role.ORG_ADMIN, username="nigina")
    device = TOTPDevice.objects.create(user=admin_b, name="phone", confirmed=True)
    member_a = Membership.objects.get(user__username="zarina")

    page_a = browser_context(locale="tg-TJ").new_page()  # a browser that asks for Tajik
    page_b = browser_context(phone=True, locale="tg-TJ").new_page()

    browser_sign_in(page_a, live_server, "zarina")
    browser_sign_in(page_b, live_server, "nigina")
    # The organisation admin must give the second factor first.
    assert "/accounts/2fa/" in page_b.url
    page_b.fill("#id_token", totp_now(device))
    page_b.click("main button[type=submit]")
    page_b.wait_for_load_state()
    assert page_b.url == f"{live_server.url}/"

    # Tajik as the browser asks; Russian after switching; Tajik again after switching back.
    assert page_a.locator("nav.nav").inner_text().startswith("Асосӣ")
    switch_language(page_a, "ru")
    assert page_a.locator("html").get_attribute("lang") == "ru"
    assert page_a.locator("nav.nav").inner_text().startswith("Главная")
    assert "Добро пожаловать" in page_a.locator("h1").inner_text()
    switch_language(page_a, "tg")
    assert page_a.locator("html").get_attribute("lang") == "tg"
    assert "Хуш омадед" in page_a.locator("h1").inner_text()

    # Each opens their own organisation, and neither can open the other's.
    page_a.goto(f"{live_server.url}/orgs/{org.slug}/")
    assert page_a.locator("h1").inner_text() == org.name_tg
    page_a.goto(f"{live_server.url}/orgs/{other_org.slug}/")
    assert page_a.locator("h1").inner_text() == "Ёфт нашуд"
    assert other_org.name_tg not in page_a.content()

    page_b.goto(f"{live_server.url}/orgs/{other_org.slug}/")
    assert page_b.locator("h1").inner_text() == other_org.name_tg
    for path in (
        f"/orgs/{org.slug}/",
        f"/orgs/{org.slug}/members/add/",
        f"/orgs/{org.slug}/members/{member_a.pk}/",
        f"/orgs/{other_org.slug}/members/{member_a.pk}/",
    ):
        response = page_b.goto(f"{live_server.url}{path}")
        assert response.status == 404, path
        assert page_b.locator("h1").inner_text() == "Ёфт нашуд"
    assert "zarina" not in page_b.content()
