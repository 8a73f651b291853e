"""Issue 12, walked in a real browser: screening → case with the safety need carried over
→ consent → referral to the police → the police add the victim to their proceeding → the
NGO sees the proceeding on its case; and the case found by number and by first letters."""

import re

import pytest

from conftest import browser_sign_in
from himoya.access.roles import Role
from himoya.justice.models import VictimParticipation
from himoya.justice.tests.conftest import open_criminal
from himoya.organisations.models import Organisation
from himoya.screening.tests.conftest import ADULT_LABOUR_YES, make_screening, national  # noqa: F401

TEXT = {
    "en": {"open": "Open a case for this presumed victim", "accept": "Accept"},
    "ru": {"open": "Открыть дело для этой предполагаемой жертвы", "accept": "Принять"},
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang, phone", [("en", False), ("ru", True)])
def test_victim_walks_from_screening_to_the_police_proceeding(
    live_server,
    browser_context,
    org,
    make_org,
    make_user,
    make_screening,  # noqa: F811
    lang,
    phone,
):
    police = make_org("mvd", kind=Organisation.Kind.LAW_ENFORCEMENT)
    worker = make_user(org, Role.CASEWORKER, username="dilnoza")
    investigator = make_user(police, Role.SUPERVISOR, username="rustam")
    for user in (worker, investigator):
        user.language = lang
        user.save(update_fields=["language"])
    proceeding = open_criminal(police, investigator)
    screening = make_screening(
        org,
        worker,
        yes=[*ADULT_LABOUR_YES, "safety_shelter"],
        region="TJ-SU",
        place="Khujand bus station",
    )
    width = 390 if phone else 1366
    size = {"viewport": {"width": width, "height": 844 if phone else 900}}
    url = live_server.url

    ngo = browser_context(**size).new_page()
    browser_sign_in(ngo, live_server, "dilnoza")
    # screening → case: the safety need and the place come along
    ngo.goto(f"{url}/screening/{screening.pk}/")
    ngo.click(f"text={TEXT[lang]['open']}")
    ngo.fill("#id_given_name", "Саида")
    ngo.fill("#id_family_name", "Каримова")
    ngo.click("button[type=submit].primary")
    ngo.wait_for_load_state()
    screening.refresh_from_db()
    case = screening.case
    assert case is not None
    assert ngo.locator(".safety-safety_shelter").count() == 1
    assert "Khujand bus station" in ngo.locator(".screening-place").inner_text()

    # consent to share with law enforcement
    ngo.goto(f"{url}/referrals/cases/{case.pk}/consent/")
    ngo.select_option("#id_purpose", "law_enforcement")
    ngo.check("input[name=status][value=given]")
    ngo.fill("#id_decided_on", "2026-03-02")
    ngo.check("input[name=method][value=verbal]")
    ngo.fill("#id_witness_name", "Witness")
    ngo.click("form button[type=submit].primary")
    ngo.wait_for_load_state()

    # referral to the police, in Himoya by default, with identity
    ngo.goto(f"{url}/referrals/cases/{case.pk}/refer/")
    assert ngo.locator("input[name=recipient_kind][value=himoya]").is_checked()
    ngo.select_option("#id_to_organisation", str(police.pk))
    ngo.check("input[name=services][value=legal]")
    ngo.check("input[name=shared_parts][value=demographics]")
    ngo.check("input[name=shared_parts][value=identity]")
    ngo.click("form button[type=submit].primary")
    ngo.wait_for_load_state()
    referral_url = ngo.url
    assert re.search(r"/referrals/\d+/$", referral_url)

    # the police accept, see the case reference, and add the victim to the proceeding
    mvd = browser_context(**size).new_page()
    browser_sign_in(mvd, live_server, "rustam")
    mvd.goto(referral_url)
    mvd.click(f"button:has-text('{TEXT[lang]['accept']}')")
    mvd.wait_for_load_state()
    reference = mvd.locator("#referral-case strong").inner_text()
    assert reference == case.reference
    mvd.goto(f"{url}/justice/{proceeding.pk}/victims/add/")
    mvd.fill("#id_case", reference)
    mvd.check("input[name=roles][value=witness]")
    mvd.fill("#id_joined_on", "2026-03-05")
    mvd.click("form button[type=submit].primary")
    mvd.wait_for_load_state()
    assert VictimParticipation.objects.filter(proceeding=proceeding, case=case).exists()

    # the NGO sees the proceeding on its case
    ngo.goto(f"{url}/cases/{case.pk}/")
    assert ngo.locator(f"a[href='/justice/{proceeding.pk}/']").count() >= 1

    # find the case by its number and by the first letters of the name
    for typed in (case.reference, "Карим"):
        ngo.goto(f"{url}/cases/")
        ngo.fill("#id_q", typed)
        ngo.click("form[role=search] button[type=submit]")
        ngo.wait_for_load_state()
        assert "q=" not in ngo.url and "Карим" not in ngo.url
        assert ngo.locator(f"a[href='/cases/{case.pk}/']").count() == 1
        assert ngo.locator("#case-total").is_visible()
