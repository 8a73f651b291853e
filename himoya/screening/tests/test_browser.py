import pytest

from conftest import browser_sign_in
from himoya.access.roles import Role
from himoya.screening.models import Screening
from himoya.screening.tests.conftest import ADULT_LABOUR_YES

NO = ["rec_no_contract", "exp_bad_housing", "coe_violence", "vul_language"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_screening_in_russian_suggests_presumed_victim_and_opens_a_case(
    live_server, browser_context, org, make_user, national
):
    user = make_user(org, Role.RESPONDER, username="zarina")
    user.language = "ru"
    user.save(update_fields=["language"])
    page = browser_context(phone=True).new_page()
    browser_sign_in(page, live_server, "zarina")

    page.goto(f"{live_server.url}/screening/new/")
    assert page.locator("h1").inner_text() == "Новый скрининг"
    page.check("input[name=age_group][value=adult]")
    page.select_option("#id_suspected_form", "labour")
    page.select_option("#id_region", "TJ-SU")
    page.fill("#id_place", "Автовокзал Худжанда")
    page.click("button[type=submit].primary")

    page.wait_for_selector("#answers")
    for code in ADULT_LABOUR_YES:
        page.click(f"#q-{code} label.yes")
    for code in NO:
        page.click(f"#q-{code} label.no")
    coercion = page.locator("details[data-section=coercion] .answered")
    assert coercion.inner_text() == "3"  # coe_documents_taken, coe_debt, coe_violence
    # Touch targets: each answer button is at least 44 px high and fits a 360 px screen.
    box = page.locator("#q-exp_unpaid label.yes").bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 360
    page.click("button[name=finish]")

    page.wait_for_selector("#why")
    assert page.locator("#suggestion").inner_text() == "Предполагаемая жертва"
    why = page.locator("[data-dimension=exploitation]").inner_text()
    assert "Вам не платят совсем или платят гораздо меньше оговорённого?" in why
    assert "положительн" in page.locator("[data-dimension=coercion]").inner_text()
    assert "не все вопросы" in page.content() or "неполный" in page.content()

    page.click("text=Открыть дело для этой предполагаемой жертвы")
    assert "Долговая кабала" in page.content() or "Debt bondage" in page.content()
    page.fill("#id_given_name", "Фарход")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    assert "открыто" in page.locator(".messages").inner_text()

    screening = Screening.objects.get()
    assert screening.case is not None
    assert screening.decision == "presumed_victim"
    assert screening.status == Screening.Status.INCOMPLETE
    assert screening.region == "TJ-SU" and screening.screened_by == user
