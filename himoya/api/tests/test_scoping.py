"""Every part of the API scopes through the access policy: another organisation's records
are absent from lists and answer 404, for each kind of record."""

import datetime

import pytest

from himoya.access.roles import Role
from himoya.assistance.models import FollowUp, ServiceDelivery
from himoya.cases.tests.factories import register_case
from himoya.justice.tests.conftest import open_criminal
from himoya.organisations.models import Organisation
from himoya.referrals.tests.factories import give_consent, refer
from himoya.screening.tests.conftest import make_screening, national  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date


def _records(org, user, third, make_screening):  # noqa: F811
    case = register_case(org, user)
    give_consent(case, user, third)
    return {
        "cases": case.pk,
        "persons": case.person_id,
        "screenings": make_screening(org, user).pk,
        "referrals": refer(case, user, third).pk,
        "services": ServiceDelivery.objects.create(
            case=case, service="shelter", provider=org, started_on=D(2026, 3, 2), recorded_by=user
        ).pk,
        "follow-ups": FollowUp.objects.create(
            case=case, months_after_closure=3, due_on=D(2026, 6, 1)
        ).pk,
    }


def test_each_kind_of_record_of_another_organisation_is_404(
    make_org,
    make_user,
    issue_token,
    api,
    make_screening,  # noqa: F811
):
    a, b, c = make_org("alpha"), make_org("bravo"), make_org("charlie")
    police_a = make_org("police-a", kind=Organisation.Kind.LAW_ENFORCEMENT)
    police_b = make_org("police-b", kind=Organisation.Kind.LAW_ENFORCEMENT)
    supervisor_a, supervisor_b = make_user(a, Role.SUPERVISOR), make_user(b, Role.SUPERVISOR)
    mine = _records(a, supervisor_a, c, make_screening)
    theirs = _records(b, supervisor_b, c, make_screening)
    token = issue_token(a, supervisor_a)
    for part, pk in theirs.items():
        assert api("get", f"/api/v1/{part}/{pk}/", token).status_code == 404, part
        listed = [r["id"] for r in api("get", f"/api/v1/{part}/", token).json()["results"]]
        assert pk not in listed and mine[part] in listed, part
        assert api("get", f"/api/v1/{part}/{mine[part]}/", token).status_code == 200, part

    proceeding_a = open_criminal(police_a, make_user(police_a, Role.SUPERVISOR))
    proceeding_b = open_criminal(police_b, make_user(police_b, Role.SUPERVISOR))
    police_token = issue_token(police_a, make_user(police_a, Role.SUPERVISOR))
    listed = [r["id"] for r in api("get", "/api/v1/proceedings/", police_token).json()["results"]]
    assert listed == [proceeding_a.pk]
    assert api("get", f"/api/v1/proceedings/{proceeding_b.pk}/", police_token).status_code == 404
    assert (
        "case_number"
        not in api("get", f"/api/v1/proceedings/{proceeding_a.pk}/", police_token).json()
    )


def test_receiver_sees_the_referral_but_not_the_case(make_org, make_user, issue_token, api):
    a, b = make_org("alpha"), make_org("bravo")
    worker = make_user(a)
    case = register_case(a, worker)
    give_consent(case, worker, b)
    referral = refer(case, worker, b)
    token_b = issue_token(b, make_user(b))
    assert api("get", f"/api/v1/referrals/{referral.pk}/", token_b).json()["case"] == case.pk
    assert api("get", f"/api/v1/cases/{case.pk}/", token_b).status_code == 404
    assert api("get", f"/api/v1/persons/{case.person_id}/identity/", token_b).status_code == 404


def test_referral_send_refuses_another_organisations_case(make_org, make_user, issue_token, api):
    a, b = make_org("alpha"), make_org("bravo")
    worker_b = make_user(b)
    case_b = register_case(b, worker_b)
    give_consent(case_b, worker_b, a)
    token_a = issue_token(a, make_user(a))
    response = api(
        "post",
        "/api/v1/referrals/",
        token_a,
        {
            "case": case_b.pk,
            "to_organisation": "alpha",
            "services": ["shelter"],
            "shared_parts": ["demographics"],
        },
    )
    assert response.status_code == 404


def test_referral_without_consent_is_a_conflict_with_the_actions_reason(
    make_org, make_user, issue_token, api
):
    a, b = make_org("alpha"), make_org("bravo")
    worker = make_user(a)
    case = register_case(a, worker)
    token = issue_token(a, worker)
    body = {
        "case": case.pk,
        "to_organisation": "bravo",
        "services": ["shelter"],
        "shared_parts": ["demographics"],
    }
    error = api("post", "/api/v1/referrals/", token, body).json()["error"]
    from himoya.referrals.actions import consent_problem

    assert error["status"] == 409 and error["code"] == "conflict"
    assert error["message"] == consent_problem(None, case, b)  # the action's reason, in Tajik
    bad = api("post", "/api/v1/referrals/", token, {**body, "services": ["spaceflight"]}).json()
    assert bad["error"]["fields"]["services"]
