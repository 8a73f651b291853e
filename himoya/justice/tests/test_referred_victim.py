"""A victim referred to the police with consent takes part in their proceeding, and the
NGO that owns the case sees the proceeding on its case page."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from himoya.justice.models import VictimParticipation
from himoya.justice.tests.conftest import D
from himoya.referrals import actions as referral_actions
from himoya.referrals.tests.factories import give_consent, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred(ngo_case, ngo_caseworker, agency, investigator):
    """The NGO's case, referred with identity to the police on a law-enforcement consent."""
    give_consent(ngo_case, ngo_caseworker, purpose="law_enforcement")
    referral = refer(
        ngo_case, ngo_caseworker, agency, services=("legal",), parts=("demographics", "identity")
    )
    return referral


def _add(client, proceeding, reference):
    return client.post(
        reverse("victim_add", args=[proceeding.pk]),
        {"case": reference, "roles": ["witness"], "joined_on": "2026-02-03"},
    )


def test_police_add_the_victim_of_an_accepted_referral(
    client, login, referred, investigator, proceeding, ngo_case
):
    referral_actions.do_accept_referral(referred, acting_user=investigator)
    login(investigator)
    response = _add(client, proceeding, ngo_case.reference)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert VictimParticipation.objects.filter(proceeding=proceeding, case=ngo_case).exists()


def test_police_cannot_add_before_accepting(
    client, login, referred, investigator, proceeding, ngo_case
):
    login(investigator)
    response = _add(client, proceeding, ngo_case.reference)
    assert response.status_code == 200
    assert not VictimParticipation.objects.filter(case=ngo_case).exists()


def test_withdrawn_consent_closes_the_case_to_the_proceeding(
    client, login, ngo_case, ngo_caseworker, agency, investigator, proceeding, make_org
):
    """Once the person withdraws consent, the police can no longer add the case."""
    give_consent(ngo_case, ngo_caseworker, purpose="law_enforcement")
    referral = refer(ngo_case, ngo_caseworker, agency, services=("legal",))
    referral_actions.do_accept_referral(referral, acting_user=investigator)
    referral_actions.do_withdraw_consent(referral.consent, acting_user=ngo_caseworker)
    login(investigator)
    response = _add(client, proceeding, ngo_case.reference)
    assert response.status_code == 200
    assert not VictimParticipation.objects.filter(case=ngo_case).exists()


def test_receiver_sees_a_case_reference_it_can_use(client, login, referred, investigator, ngo_case):
    referral_actions.do_accept_referral(referred, acting_user=investigator)
    login(investigator)
    page = client.get(reverse("referral_detail", args=[referred.pk])).content.decode()
    assert ngo_case.reference in page
    inbox = client.get(reverse("referral_inbox")).content.decode()
    assert ngo_case.reference in inbox


def test_ngo_sees_the_proceeding_with_stage_and_hearing_on_its_case(
    client, login, referred, investigator, proceeding, ngo_case, ngo_caseworker
):
    from himoya.justice import actions

    referral_actions.do_accept_referral(referred, acting_user=investigator)
    login(investigator)
    assert _add(client, proceeding, ngo_case.reference).status_code == 302
    actions.do_schedule_hearing(
        proceeding, kind="interview", on=D(2026, 6, 15), acting_user=investigator
    )
    login(ngo_caseworker)
    page = client.get(reverse("case_detail", args=[ngo_case.pk])).content.decode()
    assert reverse("proceeding_detail", args=[proceeding.pk]) in page
    assert proceeding.stage_label in page
    with translation.override(settings.LANGUAGE_CODE):
        assert date_format(D(2026, 6, 15), "SHORT_DATE_FORMAT") in page
