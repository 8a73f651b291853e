"""Schemathesis over the whole OpenAPI document against a live server on PostgreSQL.

Every operation is called with generated data (a bounded number of examples each) by a
token of organisation A: no response is a 500, every response matches the document, and
nothing of organisation C (its case reference, its person's name) ever comes back; every
operation with an id answers 404 for C's record of that kind.
"""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from himoya.api.throttling import PerToken
from himoya.cases.tests.factories import register_case
from himoya.referrals.models import ServiceOffer
from himoya.referrals.tests.factories import give_consent, refer

EXAMPLES = 40  # per operation: 22 operations, about two minutes on this machine
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
C_NAME = "Зарринаи-Нодир"


@pytest.fixture
def no_throttle():
    saved = PerToken.THROTTLE_RATES
    PerToken.THROTTLE_RATES = {"token": "100000/min"}
    yield
    PerToken.THROTTLE_RATES = saved


def _world(make_org, make_user):
    a, b, c = make_org("alpha"), make_org("bravo"), make_org("charlie")
    worker_a, worker_c = make_user(a), make_user(c)
    case_a = register_case(a, worker_a)
    give_consent(case_a, worker_a, b)
    refer(case_a, worker_a, b)
    case_c = register_case(
        c,
        worker_c,
        person={"given_name": C_NAME, "family_name": C_NAME, "sex": "female", "citizenship": "TJ"},
    )
    give_consent(case_c, worker_c, b)
    referral_c = refer(case_c, worker_c, b)
    for org in (a, c):
        ServiceOffer.objects.create(organisation=org, service="shelter", regions=["TJ-DU"])
    offer_a = ServiceOffer.objects.get(organisation=a)
    return worker_a, case_a, case_c, referral_c, offer_a


@pytest.mark.django_db(transaction=True)
def test_whole_document_holds_against_a_live_server(
    live_server, make_org, make_user, issue_token, no_throttle
):
    worker_a, case_a, case_c, referral_c, offer_a = _world(make_org, make_user)
    token = issue_token(case_c.organisation.__class__.objects.get(slug="alpha"), worker_a)
    auth = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    session = requests.Session()
    forbidden = [case_c.reference, C_NAME]
    c_ids = {
        "/api/v1/cases/{id}/": case_c.pk,
        "/api/v1/persons/{id}/": case_c.person_id,
        "/api/v1/persons/{id}/identity/": case_c.person_id,
        "/api/v1/referrals/{id}/": referral_c.pk,
        "/api/v1/referrals/{id}/accept/": referral_c.pk,
        "/api/v1/referrals/{id}/decline/": referral_c.pk,
    }
    # A's own records, so that the detail answers are checked against the document too.
    a_ids = {
        "/api/v1/cases/{id}/": case_a.pk,
        "/api/v1/persons/{id}/": case_a.person_id,
        "/api/v1/persons/{id}/identity/": case_a.person_id,
        "/api/v1/referrals/{id}/": case_a.referrals.get().pk,
        "/api/v1/service-directory/{id}/": offer_a.pk,
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call(base_url=live_server.url, session=session, headers=auth)
            case.validate_response(response, checks=CHECKS)
            for marker in forbidden:
                assert marker not in response.text, (case.operation.label, response.text[:300])

        run()

        if operation.path in a_ids and operation.method == "get":
            own = operation.Case(path_parameters={"id": a_ids[operation.path]})
            response = own.call(base_url=live_server.url, session=session, headers=auth)
            assert response.status_code == 200, (operation.label, response.text[:300])
            own.validate_response(response, checks=CHECKS)

        if operation.path in c_ids:
            url = live_server.url + operation.path.replace("{id}", str(c_ids[operation.path]))
            response = session.request(operation.method.upper(), url, headers=auth, json={})
            assert response.status_code == 404, (operation.label, response.text[:300])
