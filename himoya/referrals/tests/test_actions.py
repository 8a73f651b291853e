import pytest
from django.utils import translation

from himoya.access.referrals import cases_in_reach, shared_parts_for
from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.organisations.models import Organisation
from himoya.referrals import actions
from himoya.referrals.models import Referral, ReferralGrant
from himoya.referrals.tests.factories import give_consent, refer


@pytest.fixture
def parties(world):
    w = world
    return w.ngo, w.shelter, w.worker, w.shelter_worker, w.case


@pytest.mark.django_db
def test_referral_without_consent_is_refused_and_nothing_is_created(parties):
    ngo, shelter, worker, _, case = parties
    with pytest.raises(actions.ReferralError, match="consent"):
        refer(case, worker, shelter)
    assert not Referral.objects.exists()
    assert not ReferralGrant.objects.exists()


@pytest.mark.django_db
def test_consent_for_another_organisation_does_not_carry_the_referral(parties, make_org):
    ngo, shelter, worker, _, case = parties
    give_consent(case, worker, make_org("elsewhere"))
    with pytest.raises(actions.ReferralError):
        refer(case, worker, shelter)


@pytest.mark.django_db
def test_refused_consent_does_not_carry_the_referral(parties):
    ngo, shelter, worker, _, case = parties
    give_consent(case, worker, shelter, status="refused")
    with pytest.raises(actions.ReferralError):
        refer(case, worker, shelter)


@pytest.mark.django_db
def test_law_enforcement_needs_its_own_purpose(parties, make_org):
    ngo, shelter, worker, _, case = parties
    police = make_org("police", kind=Organisation.Kind.LAW_ENFORCEMENT)
    give_consent(case, worker, police, purpose="referral")
    with pytest.raises(actions.ReferralError, match="law enforcement"):
        refer(case, worker, police)
    give_consent(case, worker, None, purpose="law_enforcement")
    assert refer(case, worker, police).consent.purpose == "law_enforcement"


@pytest.mark.django_db
def test_sent_referral_opens_a_grant_of_the_chosen_parts(parties):
    ngo, shelter, worker, shelter_worker, case = parties
    give_consent(case, worker, shelter)
    referral = refer(case, worker, shelter, parts=["demographics", "needs"])
    assert referral.status == Referral.Status.SENT
    assert referral.grant.is_active and referral.grant.organisation == shelter
    assert case in cases_in_reach(shelter_worker)
    assert shared_parts_for(shelter_worker, case) == {"demographics", "needs"}
    assert shared_parts_for(worker, case) is None
    assert AuditEvent.objects.filter(action="create", object_type="referrals.referral").exists()


@pytest.mark.django_db
def test_lifecycle_accept_deliver_complete_ends_the_grant(parties):
    ngo, shelter, worker, shelter_worker, case = parties
    give_consent(case, worker, shelter)
    referral = refer(case, worker, shelter)
    actions.do_accept_referral(referral, acting_user=shelter_worker)
    actions.do_mark_delivered(referral, acting_user=shelter_worker)
    referral = actions.do_complete_referral(referral, acting_user=worker)
    assert referral.status == Referral.Status.COMPLETED
    assert referral.answered_by == shelter_worker and referral.completed_by == worker
    assert not ReferralGrant.objects.get(referral=referral).is_active
    assert case not in cases_in_reach(shelter_worker)
    steps = AuditEvent.objects.filter(action="status_change", object_type="referrals.referral")
    assert sorted(steps.values_list("detail", flat=True)) == [
        "accepted->delivered",
        "delivered->completed",
        "sent->accepted",
    ]


@pytest.mark.django_db
def test_decline_needs_a_reason_and_ends_the_grant(parties):
    ngo, shelter, worker, shelter_worker, case = parties
    give_consent(case, worker, shelter)
    referral = refer(case, worker, shelter)
    with pytest.raises(actions.ReferralError):
        actions.do_decline_referral(referral, reason="  ", acting_user=shelter_worker)
    actions.do_decline_referral(referral, reason="No free beds", acting_user=shelter_worker)
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.decline_reason == "No free beds"
    assert case not in cases_in_reach(shelter_worker)


@pytest.mark.django_db
def test_second_acceptance_gets_a_clear_message(parties, make_user):
    ngo, shelter, worker, shelter_worker, case = parties
    give_consent(case, worker, shelter)
    referral = refer(case, worker, shelter)
    actions.do_accept_referral(referral, acting_user=shelter_worker)
    with pytest.raises(actions.ReferralError, match="already accepted"):
        actions.do_accept_referral(referral, acting_user=make_user(shelter, Role.SUPERVISOR))


@pytest.mark.django_db
def test_withdrawing_consent_stops_open_referrals_and_ends_their_grants(parties):
    ngo, shelter, worker, shelter_worker, case = parties
    consent = give_consent(case, worker, shelter)
    pending = refer(case, worker, shelter)
    stopped = actions.do_withdraw_consent(consent, acting_user=worker)
    assert [r.pk for r in stopped] == [pending.pk]
    pending.refresh_from_db()
    assert pending.status == Referral.Status.STOPPED and pending.stopped_at
    assert not ReferralGrant.objects.filter(ends_at__isnull=True).exists()
    assert case not in cases_in_reach(shelter_worker)
    with pytest.raises(actions.ReferralError, match="stopped"):
        actions.do_accept_referral(pending, acting_user=shelter_worker)
    with pytest.raises(actions.ReferralError, match="consent"):
        refer(case, worker, shelter)


@pytest.mark.django_db
def test_withdrawing_another_purpose_leaves_the_referral_alone(parties):
    ngo, shelter, worker, shelter_worker, case = parties
    give_consent(case, worker, shelter)
    statistics = give_consent(case, worker, None, purpose="statistics")
    referral = refer(case, worker, shelter)
    assert actions.do_withdraw_consent(statistics, acting_user=worker) == []
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.grant.is_active


@pytest.mark.django_db
def test_each_step_of_a_referral_is_on_the_case_timeline(parties):
    ngo, shelter, worker, shelter_worker, case = parties
    give_consent(case, worker, shelter)
    referral = refer(case, worker, shelter)
    actions.do_accept_referral(referral, acting_user=shelter_worker)
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["referral_sent", "referral_accepted"]
    sent = case.events.get(kind="referral_sent")
    with translation.override("tg"):  # labelled from the vocabulary
        assert sent.label() == "Ба ташкилоти дигар равона шуд"
    assert sent.detail == shelter.slug
