"""Every list readable on a 390 px phone and a 1366 px desktop, in Tajik, Russian, English."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import browser_sign_in
from himoya.access.roles import Role

SHOTS = Path(settings.PROJECT_DIR) / "var" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}

# Cells whose right edge lies beyond the screen, or words cut anywhere.
CLIPPED = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    if (cell.closest("table.stack thead")) continue;  // read out, not shown: cells say it
    const box = cell.getBoundingClientRect();
    if (box.width && box.right > width + 1) out.push(cell.textContent.trim().slice(0, 40));
    const style = getComputedStyle(cell);
    if (style.overflowWrap === "anywhere" || style.wordBreak === "break-all")
      out.push("cut words: " + cell.textContent.trim().slice(0, 40));
  }
  return out;
}"""


@pytest.fixture
def office(org, other_org, make_user):
    """A supervisor with cases, a consent that can be withdrawn and a referral."""
    from himoya.cases.tests.factories import register_case
    from himoya.referrals.tests.factories import give_consent, refer

    user = make_user(org, Role.SUPERVISOR, username="dilnoza")
    today = datetime.date.today()
    case = None
    for i, (family, given) in enumerate(
        [("Абдураҳмонова", "Муқаддас"), ("Ҷӯраев", "Исфандиёр"), ("Саидова", "Нигина")]
    ):
        person = {"family_name": family, "given_name": given, "sex": "female"}
        person |= {"age_at_identification": 20 + i, "citizenship": "TJ"}
        case = register_case(org, user, person=person, registered_on=today)
    give_consent(case, user, other_org, decided_on=today)
    refer(case, user, other_org)
    return user, case


def _pages(case):
    year = datetime.date.today().year
    return {
        "home": reverse("home"),
        "cases": reverse("case_list"),
        "case": reverse("case_detail", args=[case.pk]),
        "consents": reverse("case_referrals", args=[case.pk]),
        "referrals": reverse("referral_inbox"),
        "stats": f"{reverse('stats_dashboard')}?period=year&year={year}",
        "codelists": reverse("codelist_list"),
        "organisation": reverse("organisation_detail", args=[case.organisation.slug]),
        "screenings": reverse("screening_list"),
        "follow-ups": reverse("follow_up_list"),
        "services": reverse("service_list"),
        "checklists": reverse("checklist_list"),
        "prevention": reverse("prevention_contact_list"),
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["tg", "ru", "en"])
def test_every_list_is_readable_on_a_390_px_phone(live_server, chromium, office, lang):
    user, case = office
    user.language = lang
    user.save()
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_sign_in(page, live_server, user.username)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in _pages(case).items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, name
        page.screenshot(path=str(SHOTS / f"phone-{lang}-{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        assert page.evaluate(CLIPPED) == [], name
        # The folded header leaves the screen to the page.
        header = page.locator("header.top").bounding_box()
        assert header["height"] < 0.12 * 844, (name, header)
    # The withdraw link of the last column is on screen, not cut off.
    page.goto(f"{live_server.url}{reverse('case_referrals', args=[case.pk])}")
    withdraw = page.locator(f"a[href='{reverse('consent_withdraw', args=[1])}']")
    withdraw = page.locator("a[href*='/withdraw/']").first
    assert withdraw.is_visible()
    box = withdraw.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_menu_folds_on_a_phone_and_opens_with_the_keyboard(live_server, chromium, office):
    user, _case = office
    user.language = "tg"
    user.save()
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_sign_in(page, live_server, user.username)
    nav = page.locator("nav.nav")
    button = page.locator(".menu-toggle")
    assert not nav.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    button.focus()
    page.keyboard.press("Enter")
    assert nav.is_visible()
    assert button.get_attribute("aria-expanded") == "true"
    page.screenshot(path=str(SHOTS / "phone-tg-menu-open.png"))
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["ru", "tg"])
def test_desktop_headings_fit_their_cards_and_menu_is_open(live_server, chromium, office, lang):
    user, case = office
    user.language = lang
    user.save()
    context = chromium.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_sign_in(page, live_server, user.username)
    assert page.locator("nav.nav").is_visible()
    assert not page.locator(".menu-toggle").is_visible()
    for name, path in _pages(case).items():
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=str(SHOTS / f"desktop-{lang}-{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366, name
        assert page.evaluate(CLIPPED) == [], name
    page.goto(f"{live_server.url}{_pages(case)['stats']}")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.headline-label')]
              .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)"""
    )
    assert page.locator(".headline-label").count() > 0
    assert overflowing == []
    context.close()
