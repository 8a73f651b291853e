import datetime

import pytest
from django.utils import timezone

from conftest import browser_sign_in
from himoya.cases.tests.factories import register_case
from himoya.justice.models import Defendant, Proceeding
from himoya.justice.tests.conftest import share_case

PERSONS = [
    {"given_name": "Нигина", "family_name": "Каримова", "sex": "female", "citizenship": "TJ"},
    {"given_name": "Фирӯза", "family_name": "Саидова", "sex": "female", "citizenship": "TJ"},
    {"given_name": "Рустам", "family_name": "Алиев", "sex": "male", "citizenship": "TJ"},
]


def days_ago(n):
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_proceeding_from_investigation_to_conviction(
    live_server, browser_context, agency, investigator, legal_aid, lawyer
):
    cases = [register_case(agency, investigator, person=p) for p in PERSONS]
    page = browser_context(phone=True).new_page()
    browser_sign_in(page, live_server, "investigator")
    base = live_server.url

    page.goto(f"{base}/justice/new/")
    page.select_option("#id_kind", "criminal")
    page.fill("#id_case_number", "15-204/2026")
    page.fill("#id_opened_on", days_ago(120))
    page.check("input[name=articles][value='130.1']")
    page.check("input[name=articles][value='132']")
    page.click("button.primary")
    proceeding = Proceeding.objects.get()
    detail = f"{base}/justice/{proceeding.pk}/"
    assert page.url == detail

    for case in cases:
        page.goto(f"{detail}victims/add/")
        page.fill("#id_case", case.reference.lower())
        page.check("input[name=roles][value='injured_party']")
        page.fill("#id_joined_on", days_ago(110))
        page.click("button.primary")
        assert page.url == detail

    for sex, role in (("male", "RecruiterOrIntermediary"), ("female", "Exploiter")):
        page.goto(f"{detail}perpetrators/add/")
        page.select_option("#id_sex", sex)
        page.select_option("#id_age_group", "30-38")
        page.select_option("#id_citizenship", "TJ")
        page.select_option("#id_role", role)
        page.check(f"input[name=cases][value='{cases[0].pk}']")
        page.click("button.primary")
        assert page.url == detail

    share_case(cases[0], legal_aid)
    first_victim = proceeding.participations.get(case=cases[0])
    page.goto(f"{detail}victims/{first_victim.pk}/lawyer/")
    membership = lawyer.memberships.get(organisation=legal_aid)
    page.select_option("#id_membership", str(membership.pk))
    page.fill("#id_starts_on", days_ago(100))
    page.click("button.primary")

    page.goto(f"{detail}step/indict/")
    page.fill("#id_on", days_ago(90))
    page.click("button.primary")
    page.goto(f"{detail}step/trial/")
    page.fill("#id_on", days_ago(60))
    page.fill("#id_court", "Суди ноҳияи Сино")
    page.click("button.primary")
    assert page.url == detail

    page.goto(f"{detail}verdict/")
    page.fill("#id_on", days_ago(1))
    page.select_option("#id_outcome", "convicted")
    page.fill("#id_compensation_ordered", "20000")
    for d in Defendant.objects.filter(proceeding=proceeding):
        page.select_option(f"#id_d{d.pk}_status", "convicted")
        page.fill(f"#id_d{d.pk}_prison_months", "96")
    page.click("button.primary")
    assert page.url == detail

    page.goto(f"{detail}hearings/add/")
    page.select_option("#id_kind", "court_hearing")
    page.fill("#id_on", (timezone.localdate() + datetime.timedelta(days=14)).isoformat())
    page.fill("#id_place", "Толори 2")
    page.click("button.primary")

    proceeding.refresh_from_db()
    assert (proceeding.stage, proceeding.outcome) == ("verdict", "convicted")
    assert proceeding.participations.count() == 3
    assert set(proceeding.defendants.values_list("status", flat=True)) == {"convicted"}
    assert proceeding.representations.get().lawyer == lawyer

    lawyer_page = browser_context(phone=True).new_page()
    browser_sign_in(lawyer_page, live_server, "lawyer")
    hearings = lawyer_page.locator("#upcoming-hearings").inner_text()
    assert "Толори 2" in hearings
    lawyer_page.click("#upcoming-hearings a")
    assert lawyer_page.url == detail
    assert cases[0].reference in lawyer_page.content()
    assert cases[1].reference not in lawyer_page.content()
