"""The national linkage officer, in Tajik, reviews a pair in a real browser and links it."""

from datetime import date

import pytest

from conftest import browser_sign_in
from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.linkage.tests.test_candidates import person, persons_count
from himoya.stats.tests.factories import register


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_linkage_officer_in_tajik_confirms_a_pair_and_the_count_drops(
    live_server, browser_context, make_org, make_user
):
    shelter, police = make_org("shelter"), make_org("police")
    a = register(
        shelter, make_user(shelter), on=date(2026, 3, 1), person=person("Ҷамила", "Раҳимова")
    ).person
    b = register(
        police,
        make_user(police),
        on=date(2026, 4, 2),
        person=person("Djamila", "Rakhimova", latin=True),
    ).person
    officer = make_user(
        make_org("commission", is_national=True), Role.LINKAGE_OFFICER, username="linker"
    )
    officer.language = "tg"
    officer.save(update_fields=["language"])
    assert persons_count([shelter.pk, police.pk]) == 2

    page = browser_context().new_page()
    browser_sign_in(page, live_server, "linker")
    page.click("nav >> text=Пайвастани сабтҳо")
    page.wait_for_load_state()
    assert "Сабтҳое, ки шояд як шахс бошанд" in page.locator("main").inner_text()
    assert "Раҳимова" not in page.content()
    page.click("main >> text=Муқоиса кардан")
    page.wait_for_load_state()
    assert page.url.endswith(f"/linkage/pair/{a.pk}/{b.pk}/")
    main = page.locator("main").inner_text()
    assert "Номҳо мувофиқанд: 2" in main and "Rakhimova" not in main
    page.click("text=Нишон додани номҳо")
    page.wait_for_load_state()
    assert "Rakhimova" in page.locator("tr.revealed").inner_text()
    assert AuditEvent.objects.filter(action="view_identity", actor=officer).count() == 2
    page.click("text=Як шахс: пайвастан")
    page.wait_for_load_state()
    assert "Ду сабт акнун ҳамчун як шахс пайваст шуданд." in page.locator(".messages").inner_text()
    assert "Ҷуфте барои баррасӣ нест." in page.locator("main").inner_text()
    assert persons_count([shelter.pk, police.pk]) == 1
