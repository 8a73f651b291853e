import pytest

from himoya.access.cases import cases_visible_to
from himoya.access.justice import can_work_for_victim, proceedings_visible_to
from himoya.access.roles import Role
from himoya.justice import actions
from himoya.justice.tests.conftest import D, open_criminal, share_case
from himoya.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_agency_sees_its_own_proceedings_only(
    agency, investigator, proceeding, make_org, make_user
):
    other_agency = make_org("police-khujand", kind=Organisation.Kind.LAW_ENFORCEMENT)
    other_investigator = make_user(other_agency, Role.SUPERVISOR)
    theirs = open_criminal(other_agency, other_investigator)
    assert list(proceedings_visible_to(investigator)) == [proceeding]
    assert list(proceedings_visible_to(other_investigator)) == [theirs]


def test_agency_caseworker_with_view_case_sees_agency_proceedings(agency, proceeding, make_user):
    officer = make_user(agency, Role.CASEWORKER)
    assert list(proceedings_visible_to(officer)) == [proceeding]


def test_ngo_sees_a_proceeding_only_through_its_victims_case(
    proceeding, investigator, ngo_case, ngo_caseworker, other_org, make_user
):
    assert not proceedings_visible_to(ngo_caseworker).exists()
    actions.do_add_victim(
        proceeding, ngo_case, roles=["witness"], joined_on=D(2026, 2, 2), acting_user=investigator
    )
    assert list(proceedings_visible_to(ngo_caseworker)) == [proceeding]
    unrelated = make_user(other_org, Role.CASEWORKER)
    assert not proceedings_visible_to(unrelated).exists()


def test_lawyer_sees_the_case_she_represents_while_representing(
    proceeding, investigator, ngo_case, lawyer, legal_aid, make_user
):
    part = actions.do_add_victim(
        proceeding, ngo_case, roles=["witness"], joined_on=D(2026, 2, 2), acting_user=investigator
    )
    colleague = make_user(legal_aid, Role.LAWYER)
    assert not cases_visible_to(lawyer).exists()
    share_case(ngo_case, legal_aid)
    rep = actions.do_assign_lawyer(
        part,
        lawyer=lawyer,
        organisation=legal_aid,
        starts_on=D(2026, 2, 3),
        acting_user=investigator,
    )
    assert list(cases_visible_to(lawyer)) == [ngo_case]
    assert list(proceedings_visible_to(lawyer)) == [proceeding]
    assert can_work_for_victim(lawyer, proceeding)
    assert not proceedings_visible_to(colleague).exists()
    actions.do_end_representation(rep, ends_on=D(2026, 3, 1), acting_user=investigator)
    assert not cases_visible_to(lawyer).exists()
    assert not proceedings_visible_to(lawyer).exists()


def test_national_coordinator_sees_no_proceeding(proceeding, make_org, make_user):
    commission = make_org("commission", kind=Organisation.Kind.MINISTRY, is_national=True)
    coordinator = make_user(commission, Role.NATIONAL_COORDINATOR)
    assert not proceedings_visible_to(coordinator).exists()


def test_anonymous_sees_nothing(proceeding):
    from django.contrib.auth.models import AnonymousUser

    assert not proceedings_visible_to(AnonymousUser()).exists()


def test_proceedings_of_a_case_follow_visibility(
    proceeding, investigator, ngo_case, ngo_caseworker, other_org, make_user
):
    from django.template.loader import render_to_string

    from himoya.access.justice import proceedings_of_case

    actions.do_add_victim(
        proceeding, ngo_case, roles=["witness"], joined_on=D(2026, 2, 2), acting_user=investigator
    )
    assert list(proceedings_of_case(ngo_caseworker, ngo_case)) == [proceeding]
    assert not proceedings_of_case(make_user(other_org, Role.CASEWORKER), ngo_case).exists()
    html = render_to_string(
        "justice/case_proceedings.html",
        {"proceedings": proceedings_of_case(ngo_caseworker, ngo_case)},
    )
    assert f"/justice/{proceeding.pk}/" in html
