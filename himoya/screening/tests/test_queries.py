import datetime

import pytest
from django.utils import timezone

from himoya.access.roles import Role
from himoya.prevention.actions import do_record_prevention_contact
from himoya.screening import actions, queries, rule
from himoya.screening.tests.conftest import ADULT_LABOUR_YES, AT_RISK_YES

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def data(org, other_org, make_user, make_screening):
    a = make_user(org, Role.RESPONDER)
    b = make_user(other_org, Role.RESPONDER)
    jan, feb = datetime.date(2026, 1, 15), datetime.date(2026, 2, 3)
    presumed = make_screening(org, a, yes=ADULT_LABOUR_YES, region="TJ-SU", screened_at=at(jan))
    actions.do_decide(presumed, decision=rule.PRESUMED_VICTIM, reason="", acting_user=a)
    overridden = make_screening(org, a, yes=ADULT_LABOUR_YES, region="TJ-DU", screened_at=at(feb))
    actions.do_decide(overridden, decision=rule.AT_RISK, reason="Left", acting_user=a)
    risk = make_screening(other_org, b, yes=AT_RISK_YES, region="TJ-SU", screened_at=at(feb))
    make_screening(other_org, b, region="TJ-SU", screened_at=at(datetime.date(2026, 4, 1)))
    do_record_prevention_contact(
        other_org, screening=risk, actions=["mrc_referral"], acting_user=b, contacted_on=feb
    )
    do_record_prevention_contact(
        other_org,
        actions=["legal_advice"],
        acting_user=b,
        contacted_on=feb,
        counted_as_prevented=False,
    )
    do_record_prevention_contact(
        org, actions=["legal_advice"], acting_user=a, contacted_on=datetime.date(2025, 12, 31)
    )
    return {"org": org, "other": other_org}


def test_screenings_by_organisation_and_region(data):
    assert queries.screenings_by_organisation(START, END) == {
        data["org"].pk: 2,
        data["other"].pk: 1,
    }
    assert queries.screenings_by_region(START, END) == {"TJ-SU": 2, "TJ-DU": 1}
    assert queries.screenings_by_region(START, END, [data["org"]]) == {"TJ-SU": 1, "TJ-DU": 1}


def test_outcome_is_the_decision_when_there_is_one(data):
    assert queries.screenings_by_outcome(START, END) == {"presumed_victim": 1, "at_risk": 2}
    assert queries.screenings_by_organisation_and_outcome(START, END) == {
        (data["org"].pk, "presumed_victim"): 1,
        (data["org"].pk, "at_risk"): 1,
        (data["other"].pk, "at_risk"): 1,
    }
    assert queries.presumed_victims(START, END) == 1


def test_range_is_inclusive_and_bounded(data):
    assert sum(queries.screenings_by_organisation(START, datetime.date(2026, 4, 1)).values()) == 4
    assert queries.screenings_by_outcome(datetime.date(2026, 4, 1), datetime.date(2026, 4, 1)) == {
        "not_victim": 1
    }


def test_prevented_cases_count_only_those_counted(data):
    assert queries.prevented_cases(START, END) == 1
    assert queries.prevented_cases(START, END, [data["org"]]) == 0
    assert queries.prevented_cases(datetime.date(2025, 1, 1), END) == 2
