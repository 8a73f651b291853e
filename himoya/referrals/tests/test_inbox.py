"""The referral inbox: filters, case references, waiting ones first; the home page count."""

import datetime

import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.cases.tests.factories import register_case
from himoya.referrals import actions
from himoya.referrals.models import Referral
from himoya.referrals.tests.factories import give_consent, refer

pytestmark = pytest.mark.django_db


def _referrals(world, n):
    """Send n referrals of new cases from the NGO to the shelter, one day apart."""
    made = []
    for i in range(n):
        case = register_case(world.ngo, world.worker)
        give_consent(case, world.worker, world.shelter)
        r = refer(case, world.worker, world.shelter)
        Referral.objects.filter(pk=r.pk).update(sent_at=r.sent_at - datetime.timedelta(days=n - i))
        made.append(Referral.objects.get(pk=r.pk))
    return made


def _order(page, referrals):
    return sorted(referrals, key=lambda r: page.index(reverse("referral_detail", args=[r.pk])))


def test_waiting_referrals_come_first_newest_first(client, login, world):
    old, middle, new = _referrals(world, 3)
    actions.do_accept_referral(new, acting_user=world.shelter_worker)
    login(world.shelter_worker)
    page = client.get(reverse("referral_inbox")).content.decode()
    assert _order(page, [old, middle, new]) == [middle, old, new]


def test_filters_waiting_accepted_overdue_and_dates(client, login, world, settings):
    settings.HIMOYA_REFERRAL_OVERDUE_HOURS = 80
    old, middle, new = _referrals(world, 3)  # sent 3, 2 and 1 days ago
    actions.do_accept_referral(new, acting_user=world.shelter_worker)
    login(world.shelter_worker)
    url = reverse("referral_inbox")

    def shown(**params):
        page = client.get(url, params).content.decode()
        return {r for r in (old, middle, new) if reverse("referral_detail", args=[r.pk]) in page}

    assert shown(show="waiting") == {old, middle}
    assert shown(show="accepted") == {new}
    assert shown(show="overdue") == set()
    Referral.objects.filter(pk=old.pk).update(sent_at=old.sent_at - datetime.timedelta(days=1))
    assert shown(show="overdue") == {old}
    day = middle.sent_at.astimezone().date()
    assert shown(show="all", sent_from=day.isoformat(), sent_to=day.isoformat()) == {middle}


def test_receiver_and_sender_see_case_references(client, login, world):
    (r,) = _referrals(world, 1)
    login(world.shelter_worker)
    assert r.case.reference in client.get(reverse("referral_inbox")).content.decode()
    login(world.worker)
    assert r.case.reference in client.get(reverse("referral_inbox")).content.decode()


def test_bad_dates_give_the_forms_message(client, login, world):
    login(world.shelter_worker)
    response = client.get(
        reverse("referral_inbox"), {"sent_from": "2026-05-02", "sent_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "The end is before the start." in response.content.decode()


def test_home_shows_the_count_and_a_link_to_all_waiting(client, login, world):
    made = _referrals(world, 7)
    login(world.shelter_worker)
    page = client.get(reverse("home")).content.decode()
    assert "(7)" in page
    assert reverse("referral_inbox") + "?show=waiting" in page
    # the newest is on the home page even when many wait
    assert reverse("referral_detail", args=[made[-1].pk]) in page


def test_lawyer_of_the_receiver_gets_403(client, login, world, make_user):
    login(make_user(world.shelter, Role.LAWYER))
    assert client.get(reverse("referral_inbox"), {"show": "waiting"}).status_code == 403
