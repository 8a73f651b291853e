"""One case walks across three organisations in a real browser.

An NGO refers a person to a shelter, the shelter accepts, records the service it gave and
refers on to legal aid; the NGO then withdraws the consent for the shelter. At each step
the test checks what each organisation can and cannot open.
"""

import pytest

from conftest import browser_sign_in
from himoya.access.roles import Role
from himoya.cases.tests.factories import register_case
from himoya.organisations.models import Organisation
from himoya.referrals.models import Referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def status_of(page, url) -> int:
    return page.goto(url).status


@pytest.fixture
def people(make_org, make_user):
    ngo = make_org("madad")
    shelter = make_org("sughd-shelter", kind=Organisation.Kind.SHELTER)
    legal = make_org("khatlon-legal", kind=Organisation.Kind.LEGAL_AID)
    users = {
        "ngo": make_user(ngo, Role.CASEWORKER, username="farangis"),
        "shelter": make_user(shelter, Role.CASEWORKER, username="gulnora"),
        "legal": make_user(legal, Role.CASEWORKER, username="bakhtiyor"),
    }
    for user in users.values():
        user.language = "en"
        user.save(update_fields=["language"])
    case = register_case(ngo, users["ngo"])
    return {
        "ngo": ngo,
        "shelter": shelter,
        "legal": legal,
        "case": case,
        **{f"{k}_user": v for k, v in users.items()},
    }


def record_consent(page, base, case, recipient):
    page.goto(f"{base}/referrals/cases/{case.pk}/consent/")
    page.select_option("#id_purpose", "referral")
    page.select_option("#id_recipient_organisation", str(recipient.pk))
    page.check("input[name=status][value=given]")
    page.fill("#id_decided_on", "2026-03-05")
    page.check("input[name=method][value=verbal]")
    page.fill("#id_witness_name", "Мавлуда Шарифова")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def send_referral(page, base, case, to, services, parts):
    page.goto(f"{base}/referrals/cases/{case.pk}/refer/")
    page.select_option("#id_to_organisation", str(to.pk))
    for service in services:
        page.check(f"input[name=services][value={service}]")
    for part in parts:
        page.check(f"input[name=shared_parts][value={part}]")
    page.click("main button[type=submit].primary")
    page.wait_for_load_state()


def test_case_across_ngo_shelter_and_legal_aid(live_server, browser_context, people):
    base = live_server.url
    case = people["case"]
    ngo, shelter, legal = (browser_context(phone=True).new_page() for _ in range(3))
    browser_sign_in(ngo, live_server, "farangis")
    browser_sign_in(shelter, live_server, "gulnora")
    browser_sign_in(legal, live_server, "bakhtiyor")

    # 1. Without consent the NGO cannot refer, and the page says why.
    send_referral(ngo, base, case, people["shelter"], ["shelter"], ["demographics"])
    assert "no consent" in ngo.locator(".errors").inner_text()
    assert not Referral.objects.exists()
    # Nobody outside the NGO can open the case's pages.
    for page in (shelter, legal):
        assert status_of(page, f"{base}/referrals/cases/{case.pk}/") == 404
        assert status_of(page, f"{base}/assistance/cases/{case.pk}/") == 404

    # 2. Consent for the shelter and for legal aid; refer to the shelter.
    record_consent(ngo, base, case, people["shelter"])
    record_consent(ngo, base, case, people["legal"])
    assert ngo.locator("tr.consent-given").count() == 2
    send_referral(
        ngo,
        base,
        case,
        people["shelter"],
        ["shelter", "medical"],
        ["demographics", "trafficking_situation", "identity"],
    )
    to_shelter = Referral.objects.get(to_organisation=people["shelter"])
    assert "Sent, waiting" in ngo.locator("#referral-status").inner_text()

    # Legal aid cannot see this referral at all.
    assert status_of(legal, f"{base}/referrals/{to_shelter.pk}/") == 404
    assert status_of(legal, f"{base}/referrals/{to_shelter.pk}/case/") == 404

    # 3. The shelter finds it in its inbox, accepts and opens what was shared.
    shelter.goto(f"{base}/referrals/")
    shelter.click(f".inbox-incoming a[href='/referrals/{to_shelter.pk}/']")
    shelter.click("button:has-text('Accept')")
    shelter.wait_for_load_state()
    assert "Accepted" in shelter.locator("#referral-status").inner_text()
    shelter.goto(f"{base}/referrals/{to_shelter.pk}/case/")
    assert shelter.locator(".shared-demographics").count() == 1
    assert shelter.locator(".shared-trafficking_situation").count() == 1
    assert shelter.locator(".shared-support_plan").count() == 0
    assert "Раҳимов" not in shelter.content()
    # The full case page stays with the NGO.
    assert status_of(shelter, f"{base}/cases/{case.pk}/") == 404
    shelter.goto(f"{base}/referrals/{to_shelter.pk}/case/")
    shelter.click("button:has-text('Show identity')")
    shelter.wait_for_load_state()
    assert "Раҳимов" in shelter.locator(".shared-identity").inner_text()
    # Risk and safety stay with the NGO.
    shelter.goto(f"{base}/assistance/cases/{case.pk}/")
    assert shelter.locator("section.risk").count() == 0

    # The shelter records the service it gave and marks the referral delivered.
    shelter.goto(f"{base}/assistance/cases/{case.pk}/services/add/")
    shelter.select_option("#id_service", "shelter")
    shelter.fill("#id_started_on", "2026-03-06")
    shelter.fill("#id_cost_somoni", "900")
    shelter.select_option("#id_outcome", "ongoing")
    shelter.click("main button[type=submit]")
    shelter.wait_for_load_state()
    assert "Shelter" in shelter.locator("section.services-delivered").inner_text()
    shelter.goto(f"{base}/referrals/{to_shelter.pk}/")
    shelter.click("button:has-text('Services delivered')")
    shelter.wait_for_load_state()
    assert "Services delivered" in shelter.locator("#referral-status").inner_text()

    # 4. The shelter refers on to legal aid, sharing only what it holds (no identity).
    shelter.goto(f"{base}/referrals/cases/{case.pk}/refer/")
    assert shelter.locator("input[name=shared_parts][value=needs]").count() == 0
    send_referral(shelter, base, case, people["legal"], ["legal"], ["trafficking_situation"])
    onward = Referral.objects.get(to_organisation=people["legal"])
    assert onward.from_organisation == people["shelter"]

    legal.goto(f"{base}/referrals/{onward.pk}/")
    legal.click("button:has-text('Accept')")
    legal.wait_for_load_state()
    legal.goto(f"{base}/referrals/{onward.pk}/case/")
    assert legal.locator(".shared-trafficking_situation").count() == 1
    assert legal.locator(".shared-demographics").count() == 0
    assert legal.locator("button:has-text('Show identity')").count() == 0
    assert status_of(legal, f"{base}/referrals/{to_shelter.pk}/case/") == 404

    # 5. The person withdraws the consent for the shelter, and only that one.
    ngo.goto(f"{base}/referrals/cases/{case.pk}/")
    ngo.click(f"a[href='/referrals/consents/{to_shelter.consent_id}/withdraw/']")
    ngo.click("button.danger")
    ngo.wait_for_load_state()
    assert ngo.locator("tr.consent-withdrawn").count() == 1
    to_shelter.refresh_from_db()
    assert to_shelter.status == Referral.Status.STOPPED

    # The shelter lost the case at once; legal aid keeps its own referral.
    assert status_of(shelter, f"{base}/referrals/{to_shelter.pk}/case/") == 404
    assert status_of(shelter, f"{base}/assistance/cases/{case.pk}/") == 404
    assert status_of(shelter, f"{base}/referrals/cases/{case.pk}/") == 404
    shelter.goto(f"{base}/referrals/{to_shelter.pk}/")
    assert "Stopped" in shelter.locator("#referral-status").inner_text()
    assert status_of(legal, f"{base}/referrals/{onward.pk}/case/") == 200
    # The NGO still sees everything of its case.
    assert status_of(ngo, f"{base}/assistance/cases/{case.pk}/") == 200
    assert "Shelter" in ngo.locator("section.services-delivered").inner_text()
