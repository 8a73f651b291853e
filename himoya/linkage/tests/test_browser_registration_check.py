"""A caseworker, on a phone in Tajik, registers a woman her organisation already knows."""

import re
from datetime import date

import pytest

from conftest import browser_sign_in
from himoya.access.roles import Role
from himoya.linkage.models import PossibleDuplicate
from himoya.linkage.tests.test_candidates import person
from himoya.stats.tests.factories import register

WIDTH = 390


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_caseworker_sees_in_tajik_that_she_may_have_registered_the_person_before(
    live_server, browser_context, make_org, make_user
):
    shelter, police = make_org("shelter"), make_org("police")
    worker = make_user(shelter, Role.CASEWORKER, username="farangis")
    earlier = register(shelter, worker, on=date(2026, 3, 1), person=person("Ҷамила", "Раҳимова"))
    elsewhere = register(
        police, make_user(police), on=date(2026, 3, 2), person=person("Jamila", "Rahimova")
    )
    page = browser_context(
        viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True, locale="tg-TJ"
    ).new_page()
    browser_sign_in(page, live_server, "farangis")
    page.goto(f"{live_server.url}/cases/new/?new")
    page.select_option("[name=sex]", "female")
    page.fill("[name=family_name]", "Рахимова")
    page.fill("[name=given_name]", "Джамила")
    page.fill("[name=date_of_birth]", "1994-05-17")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/cases/new/situation/$"))
    page.check("input[name=exploitation_types][value=ForcedLabour]")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/cases/new/status/$"))
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))

    # The background check ran once the registration committed.
    notice = PossibleDuplicate.objects.get()
    assert notice.other_id == earlier.person_id
    page.reload()
    section = page.locator(".possible-duplicates")
    assert "Шояд шумо ин шахсро аллакай сабт кардаед:" in section.inner_text()
    assert section.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert elsewhere.reference not in page.content()  # the police's record: never shown
    assert "Раҳимова" not in page.content()

    # Open the earlier case from the notice, come back and say they are two people.
    section.locator(f"a:has-text('{earlier.reference}')").click()
    page.wait_for_url(re.compile(rf"/cases/{earlier.pk}/$"))
    page.go_back()
    page.wait_for_load_state()
    page.click(".possible-duplicates button:has-text('Ин шахси дигар аст')")
    page.wait_for_load_state()
    assert "Огоҳинома пинҳон шуд" in page.locator(".messages").inner_text()
    assert page.locator(".possible-duplicates").count() == 0
    notice.refresh_from_db()
    assert notice.status == PossibleDuplicate.Status.DISMISSED
