import datetime

import pytest
from django.utils import timezone

from himoya.access.roles import Role
from himoya.hotline import queries
from himoya.hotline.actions import do_log_contact, do_set_outcome

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)


def call(org, user, day, topic, outcome="", minutes=None):
    contact = do_log_contact(
        org,
        data={
            "channel": "phone",
            "caller_type": "migrant_advice",
            "language": "ru",
            "topic": topic,
            "urgency": "routine",
            "duration_minutes": minutes,
            "received_at": timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
        },
        acting_user=user,
    )
    if outcome:
        do_set_outcome(contact, outcome=outcome, referred_to="MRC", acting_user=user)
    return contact


@pytest.fixture
def calls(org, other_org, make_user):
    a, b = make_user(org, Role.RESPONDER), make_user(other_org, Role.RESPONDER)
    jan = datetime.date(2026, 1, 10)
    call(org, a, jan, "safe_migration", "information_given", 5)
    call(org, a, jan, "safe_migration", "referral_made", 10)
    call(org, a, jan, "trafficking_report", "police_report", 20)
    call(other_org, b, jan, "safe_migration")
    call(org, a, datetime.date(2026, 2, 1), "safe_migration", "information_given")
    return {"org": org}


def test_contacts_by_topic_and_outcome(calls):
    assert queries.contacts_by_topic(START, END) == {"safe_migration": 3, "trafficking_report": 1}
    assert queries.contacts_by_outcome(START, END) == {
        "information_given": 1,
        "referral_made": 1,
        "police_report": 1,
        "": 1,
    }
    assert queries.contacts_by_topic_and_outcome(START, END, [calls["org"]]) == {
        ("safe_migration", "information_given"): 1,
        ("safe_migration", "referral_made"): 1,
        ("trafficking_report", "police_report"): 1,
    }


def test_other_breakdowns_and_minutes(calls):
    assert queries.contacts_by_caller_type(START, END) == {"migrant_advice": 4}
    assert queries.contacts_by_channel(START, END, [calls["org"]]) == {"phone": 3}
    assert queries.total_minutes(START, END) == 35
    assert queries.total_minutes(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)) == 0
