"""Two people accept the same referral at the same moment, on real PostgreSQL."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.referrals.models import Referral
from himoya.referrals.tests.factories import give_consent, refer


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_make_one(world, make_user, settings):
    give_consent(world.case, world.worker, world.shelter)
    referral = refer(world.case, world.worker, world.shelter)
    people = [world.shelter_worker, make_user(world.shelter, Role.SUPERVISOR)]
    clients = []
    for person in people:
        c = sign_in(Client(), person)  # caseworkers and supervisors pass a second factor
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        clients.append(c)
    start = threading.Barrier(len(clients))
    pages: list[str] = [""] * len(clients)

    def accept(i):
        try:
            start.wait()
            response = clients[i].post(reverse("referral_accept", args=[referral.pk]), follow=True)
            pages[i] = response.content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    winner = people.index(referral.answered_by)
    loser = 1 - winner
    assert "You accepted the referral." in pages[winner]
    assert "has already accepted this referral" in pages[loser]
    assert (
        AuditEvent.objects.filter(
            action="status_change", object_id=str(referral.pk), detail="sent->accepted"
        ).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_withdrawal_racing_a_send_leaves_no_running_grant(world):
    from himoya.referrals import actions
    from himoya.referrals.models import Consent, ReferralGrant

    consent = give_consent(world.case, world.worker, world.shelter)
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def send():
        try:
            start.wait()
            refer(world.case, world.worker, world.shelter)
        except actions.ReferralError as exc:
            errors.append(exc)
        finally:
            connection.close()

    def withdraw():
        try:
            start.wait()
            actions.do_withdraw_consent(consent, acting_user=world.worker)
        finally:
            connection.close()

    threads = [threading.Thread(target=send), threading.Thread(target=withdraw)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert Consent.objects.get(pk=consent.pk).status == Consent.Status.WITHDRAWN
    assert not ReferralGrant.objects.filter(ends_at__isnull=True).exists()
    # Either the send lost the race and was refused, or it won and was stopped at once.
    referral = Referral.objects.first()
    assert (referral is None and len(errors) == 1) or (
        referral.status == Referral.Status.STOPPED and not errors
    )
