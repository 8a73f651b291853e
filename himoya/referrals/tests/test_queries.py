import datetime

import pytest
from django.utils import timezone

from himoya.organisations.models import Organisation
from himoya.referrals import actions, queries
from himoya.referrals.models import Referral
from himoya.referrals.tests.factories import give_consent, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(world, make_org, make_user):
    legal = make_org("legal", kind=Organisation.Kind.LEGAL_AID)
    for org in (world.shelter, legal):
        give_consent(world.case, world.worker, org)
    to_shelter = refer(world.case, world.worker, world.shelter, services=["shelter", "medical"])
    to_legal = refer(world.case, world.worker, legal, services=["legal"])
    declined = refer(world.case, world.worker, world.shelter, services=["medical"])
    base = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    Referral.objects.filter(pk=to_shelter.pk).update(sent_at=base)
    Referral.objects.filter(pk=to_legal.pk).update(sent_at=base)
    Referral.objects.filter(pk=declined.pk).update(sent_at=base - datetime.timedelta(days=40))
    actions.do_accept_referral(to_shelter, acting_user=world.shelter_worker)
    actions.do_accept_referral(to_legal, acting_user=world.worker)
    actions.do_decline_referral(declined, reason="full", acting_user=world.shelter_worker)
    # Answer times: 2 h for the shelter, 10 h for legal aid.
    Referral.objects.filter(pk=to_shelter.pk).update(answered_at=base + datetime.timedelta(hours=2))
    Referral.objects.filter(pk=to_legal.pk).update(answered_at=base + datetime.timedelta(hours=10))
    return world, legal


def test_by_sender_receiver_service_and_outcome(referrals):
    world, legal = referrals
    assert queries.referrals_by("sender") == [{"key": "ngo", "label": "ngo", "count": 3}]
    assert [(r["key"], r["count"]) for r in queries.referrals_by("receiver")] == [
        ("shelter", 2),
        ("legal", 1),
    ]
    assert [(r["key"], r["count"]) for r in queries.referrals_by("service")] == [
        ("medical", 2),
        ("legal", 1),
        ("shelter", 1),
    ]
    assert {r["key"]: r["count"] for r in queries.referrals_by("outcome")} == {
        "accepted": 2,
        "declined": 1,
    }


def test_period_and_organisation_filters(referrals):
    world, legal = referrals
    march = queries.referrals_by(
        "receiver", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31)
    )
    assert {r["key"]: r["count"] for r in march} == {"shelter": 1, "legal": 1}
    only_legal = queries.referrals_by("receiver", organisations=[legal.pk])
    assert only_legal == [{"key": "legal", "label": "legal", "count": 1}]


def test_median_time_to_acceptance(referrals):
    assert queries.median_hours_to_acceptance() == {"median_hours": 6.0, "accepted": 2}
    by_receiver = queries.median_hours_to_acceptance_by_receiver()
    assert by_receiver == [
        {"key": "legal", "median_hours": 10.0, "accepted": 1},
        {"key": "shelter", "median_hours": 2.0, "accepted": 1},
    ]


def test_median_is_none_without_acceptances(world):
    assert queries.median_hours_to_acceptance() == {"median_hours": None, "accepted": 0}


def test_unknown_grouping_is_an_error():
    with pytest.raises(ValueError):
        queries.referrals_by("colour")
