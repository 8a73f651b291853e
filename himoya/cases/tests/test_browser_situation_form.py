"""Step 2 of registration on a phone: short, searchable, countries in a sensible order."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from conftest import browser_sign_in
from himoya.access.roles import Role
from himoya.cases.models import Case

SHOTS = Path(settings.PROJECT_DIR) / "var" / "screenshots"
PHONE_390 = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _to_step_two(page, live_server):
    page.goto(f"{live_server.url}/cases/new/?new")
    page.select_option("[name=sex]", "female")
    page.fill("[name=family_name]", "Саидова")
    page.fill("[name=given_name]", "Нигина")
    page.fill("[name=approximate_age]", "24")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/cases/new/situation/$"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "lang, building, kazakhstan, russia, first_countries",
    [
        ("tg", "сохтмон", "Қазо", "рус", ["Тоҷикистон", "Русия", "Қазоқистон", "Туркия"]),
        ("ru", "строит", "Каза", "Росс", ["Таджикистан", "Россия", "Казахстан", "Турция"]),
    ],
)
def test_situation_step_is_short_and_transit_is_searchable_on_a_phone(
    live_server, chromium, org, make_user, lang, building, kazakhstan, russia, first_countries
):
    user = make_user(org, Role.CASEWORKER, username=f"nigora_{lang}")
    user.language = lang
    user.save()
    context = chromium.new_context(**PHONE_390)
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_sign_in(page, live_server, user.username)
    _to_step_two(page, live_server)

    # Sectors only for labour exploitation: the page is no longer 6,000 px tall.
    sectors = page.locator("input[name=labour_sectors]").first
    assert not sectors.is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"situation-{lang}-390.png"), full_page=True)
    short = page.evaluate("document.documentElement.scrollHeight")
    assert short < 3500, short
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.check("input[name=exploitation_types][value=ForcedLabour]")
    assert sectors.is_visible()
    # 69 sectors in a scrolling box with a search field, not 2,500 px of tick boxes.
    taller = page.evaluate("document.documentElement.scrollHeight") - short
    assert taller < 450, taller
    construction = page.locator("input[name=labour_sectors][value=F_Construction]")
    page.locator("input.picker-find[aria-controls=id_labour_sectors]").fill(building)
    assert construction.is_visible()
    assert page.locator("input[name=labour_sectors]:visible").count() < 6
    page.screenshot(path=str(SHOTS / f"situation-{lang}-390-sectors.png"))
    construction.check()

    # Countries: the most used first, in the reader's language.
    options = page.locator("[name=exploitation_country] option").all_inner_texts()
    assert options[1:5] == first_countries
    page.select_option("[name=exploitation_country]", "RU")

    # Transit: type, then Enter ticks the first match; or arrow down and Space.
    assert not page.locator("select[name=transit_countries]").is_visible()
    find = page.locator(".picker .picker-find")
    find.fill(kazakhstan)
    visible = page.locator(".picker-options li:visible")
    assert 1 <= visible.count() <= 3
    find.press("Enter")
    find.fill(russia)
    find.press("ArrowDown")
    page.keyboard.press("Space")
    chips = page.locator(".picker-chosen li")
    assert chips.count() == 2
    page.screenshot(path=str(SHOTS / f"situation-{lang}-390-picked.png"), full_page=False)

    page.click("button.primary")
    page.wait_for_url(re.compile(r"/cases/new/status/$"))
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    codes = Case.objects.get().codes_by_field()
    assert codes["transit_countries"] == ["KZ", "RU"]
    assert codes["labour_sectors"] == ["F_Construction"]
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_script_the_plain_list_still_works(live_server, chromium, org, make_user):
    from conftest import browser_sign_in

    make_user(org, Role.CASEWORKER, username="noscript")
    context = chromium.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_sign_in(page, live_server, "noscript")  # with the second factor caseworkers need
    _to_step_two(page, live_server)
    transit = page.locator("select[name=transit_countries]")
    assert transit.is_visible()
    assert "Hold Ctrl" in page.content()
    page.check("input[name=exploitation_types][value=SexualExploitation]")
    transit.select_option(["TR", "AE"])
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/cases/new/status/$"))
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert Case.objects.get().codes_by_field()["transit_countries"] == ["AE", "TR"]
    context.close()
