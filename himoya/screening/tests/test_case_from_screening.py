"""A case opened from a screening keeps what was urgent and where the person was found,
links back to the screening, and is announced to the organisation's caseworkers."""

import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.screening import actions
from himoya.screening.tests.conftest import ADULT_LABOUR_YES
from himoya.vocab import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(org, responder, make_screening):
    screening = make_screening(
        org,
        responder,
        yes=[*ADULT_LABOUR_YES, "safety_shelter"],
        region="TJ-SU",
        district="khujand",
        place="Khujand bus station",
    )
    case = actions.do_open_case(screening, person={"given_name": "Фарход"}, acting_user=responder)
    return screening, case


def test_case_page_shows_the_safety_need_and_place_and_links_the_screening(
    client, login, org, make_user, opened
):
    screening, case = opened
    login(make_user(org, Role.CASEWORKER))
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "safety-safety_shelter" in page
    assert registry.label("tj_region", "TJ-SU") in page
    assert "Khujand bus station" in page
    assert reverse("screening_detail", args=[screening.pk]) in page
    # and the other way round
    page = client.get(reverse("screening_detail", args=[screening.pk])).content.decode()
    assert reverse("case_detail", args=[case.pk]) in page


def test_without_the_need_no_badge(client, login, org, make_user, responder, make_screening):
    screening = make_screening(org, responder, yes=ADULT_LABOUR_YES, region="TJ-SU")
    case = actions.do_open_case(screening, person={"given_name": "Фарход"}, acting_user=responder)
    login(make_user(org, Role.CASEWORKER))
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "safety-safety_shelter" not in page
    assert reverse("screening_detail", args=[screening.pk]) in page


def test_caseworkers_home_shows_the_new_case_with_its_urgent_need(
    client, login, org, other_org, make_user, opened
):
    _screening, case = opened
    login(make_user(org, Role.CASEWORKER))
    page = client.get(reverse("home")).content.decode()
    assert "new-cases-from-screenings" in page
    assert reverse("case_detail", args=[case.pk]) in page
    section = page.split("new-cases-from-screenings")[1]
    assert "badge overdue" in section.split("</li>")[0]
    login(make_user(other_org, Role.CASEWORKER))
    assert (
        reverse("case_detail", args=[case.pk]) not in client.get(reverse("home")).content.decode()
    )
