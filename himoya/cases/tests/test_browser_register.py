import re

import pytest

from conftest import browser_sign_in
from himoya.access.roles import Role
from himoya.cases.models import Case


def _set(page, name, value):
    """Choose in a select list, or type where the code list is not loaded yet."""
    field = page.locator(f"[name={name}]")
    if field.evaluate("el => el.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_on_a_phone_in_tajik_then_find_by_russian_spelling(
    live_server, browser_context, org, make_user
):
    make_user(org, Role.CASEWORKER, username="farangis")
    page = browser_context(phone=True, locale="tg-TJ").new_page()
    browser_sign_in(page, live_server, "farangis")
    page.goto(f"{live_server.url}/cases/new/?new")
    assert page.locator("html").get_attribute("lang") == "tg"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Step 1: the person. A missing name is refused and what was typed stays.
    _set(page, "sex", "male")
    page.fill("[name=phone]", "+992 93 123 45 67")
    page.click("button.primary")
    assert page.locator(".errors").is_visible()
    assert page.input_value("[name=phone]") == "+992 93 123 45 67"
    page.fill("[name=family_name]", "Раҳимов")
    page.fill("[name=given_name]", "Ҷамшед")
    page.fill("[name=approximate_age]", "29")
    page.click("button.primary")

    # Step 2: the trafficking situation.
    page.wait_for_url(re.compile(r"/cases/new/situation/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.check("input[name=exploitation_types][value=ForcedLabour]")
    page.check("input[name=labour_sectors][value=F_Construction]")
    page.check("input[name=means_of_control][value=WithholdsDocuments]")
    _set(page, "exploitation_country", "RU")
    page.click("button.primary")

    # Step 3: status; register.
    page.wait_for_url(re.compile(r"/cases/new/status/$"))
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get()
    assert case.reference in page.content()
    assert "Раҳимов" not in page.content()  # identity hidden until asked for

    # Find it with the Russian spelling of the name.
    page.goto(f"{live_server.url}/cases/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("[name=q]", "Джамшед Рахимов")
    page.click(".filters button[type=submit]")
    page.wait_for_load_state()
    link = page.locator(f"table.cases a:has-text('{case.reference}')")
    assert link.count() == 1
    link.click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    page.click("form[action$='/identity/'] button")
    page.wait_for_load_state()
    assert "Раҳимов" in page.content()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_correct_the_situation_on_a_phone_in_russian(live_server, browser_context, org, make_user):
    from himoya.cases.tests.factories import register_case

    user = make_user(org, Role.CASEWORKER, username="nigora")
    user.language = "ru"
    user.save(update_fields=["language"])
    case = register_case(org, user)
    page = browser_context(phone=True, locale="ru-RU").new_page()
    browser_sign_in(page, live_server, "nigora")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click(f"a[href$='/cases/{case.pk}/situation/']")
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/situation/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.is_checked("input[name=exploitation_types][value=ForcedLabour]")

    # Set internal by hand without saying why: refused, and what was typed stays.
    page.fill("[name=exploitation_place]", "Стройка в Подмосковье")
    page.check("input[name=cross_border][value=internal]")
    page.click("button.primary")
    page.wait_for_load_state()
    assert page.locator(".has-error [name=cross_border_override_reason]").is_visible()
    assert page.input_value("[name=exploitation_place]") == "Стройка в Подмосковье"

    page.check("input[name=cross_border][value='']")
    page.check("input[name=labour_sectors][value=F_Construction]")
    page.click("button.primary")
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    assert "Обстоятельства торговли исправлены" in page.content()
    case = Case.objects.get(pk=case.pk)
    assert case.labour_sector_codes == "|F_Construction|"
    assert case.situation.exploitation_place == "Стройка в Подмосковье"
