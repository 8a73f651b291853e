"""People and records for the justice tests: an agency, an NGO, a legal-aid office."""

import datetime

import pytest

from himoya.access.roles import Role
from himoya.cases.tests.factories import register_case
from himoya.justice import actions
from himoya.organisations.models import Organisation

D = datetime.date


@pytest.fixture
def agency(make_org):
    return make_org("police-dushanbe", kind=Organisation.Kind.LAW_ENFORCEMENT)


@pytest.fixture
def legal_aid(make_org):
    return make_org("legal-aid", kind=Organisation.Kind.LEGAL_AID)


@pytest.fixture
def investigator(agency, make_user):
    return make_user(agency, Role.SUPERVISOR, username="investigator")


@pytest.fixture
def lawyer(legal_aid, make_user):
    return make_user(legal_aid, Role.LAWYER, username="lawyer")


@pytest.fixture
def ngo_caseworker(org, make_user):
    return make_user(org, Role.CASEWORKER, username="ngo.caseworker")


@pytest.fixture
def ngo_case(org, ngo_caseworker):
    return register_case(org, ngo_caseworker, identified_on=D(2026, 1, 10))


@pytest.fixture
def police_case(agency, investigator):
    return register_case(agency, investigator, identified_on=D(2026, 1, 20))


OPENED = D(2026, 2, 1)


def open_criminal(agency, user, *, opened_on=OPENED, articles=("130.1",), **kw):
    return actions.do_open_proceeding(
        agency,
        kind="criminal",
        case_number=kw.pop("case_number", "12-345/2026"),
        opened_on=opened_on,
        articles=articles,
        acting_user=user,
        **kw,
    )


def add_suspect(proceeding, user, **kw):
    fields = {
        "sex": "male",
        "age_group": "30-38",
        "role": "RecruiterOrIntermediary",
        "citizenship": "TJ",
        **kw,
    }
    return actions.do_add_perpetrator(proceeding, acting_user=user, **fields)


@pytest.fixture
def proceeding(agency, investigator):
    return open_criminal(agency, investigator)


@pytest.fixture
def at_trial(proceeding, investigator):
    add_suspect(proceeding, investigator)
    actions.do_indict(proceeding, on=D(2026, 3, 1), acting_user=investigator)
    actions.do_send_to_trial(
        proceeding, on=D(2026, 4, 1), court="Somoni district court", acting_user=investigator
    )
    return proceeding


def share_case(case, organisation):
    """Refer a case to an organisation with the person's consent: this opens the grant
    under which that organisation's lawyer may be named to represent the victim."""
    from himoya.referrals.tests.factories import give_consent, refer

    give_consent(case, case.registered_by, organisation)
    return refer(case, case.registered_by, organisation, services=("legal",))
