"""Every referrals view: the allowed role, a role without the permission (403), another
organisation's admin (404) and an anonymous visitor (sent to sign in)."""

import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.referrals import actions
from himoya.referrals.models import Consent, Referral, ServiceOffer
from himoya.referrals.tests.factories import give_consent, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(world):
    give_consent(world.case, world.worker, world.shelter)
    return refer(world.case, world.worker, world.shelter, parts=["demographics", "identity"])


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- service directory ---------------------------------------------------------------


@pytest.fixture
def offer(world):
    return ServiceOffer.objects.create(
        organisation=world.shelter,
        service="shelter",
        regions=["TJ-SU"],
        target_groups=["women", "children"],
        contact_hours="Mon–Fri 8–17",
    )


class TestServiceList:
    url = reverse("service_list")

    def test_every_member_searches_by_service_and_region(self, client, login, world, offer):
        ServiceOffer.objects.create(organisation=world.ngo, service="legal", regions=["TJ-DU"])
        login(world.lawyer)
        page = client.get(self.url, {"service": "shelter", "region": "TJ-SU"}).content.decode()
        assert world.shelter.name_en in page and "Mon–Fri 8–17" in page
        assert world.ngo.name_en not in page
        empty = client.get(self.url, {"service": "shelter", "region": "TJ-DU"}).content.decode()
        assert world.shelter.name_en not in empty

    def test_searches_by_group(self, client, login, world, offer):
        login(world.worker)
        assert world.shelter.name_en not in client.get(self.url, {"group": "men"}).content.decode()
        assert world.shelter.name_en in client.get(self.url, {"group": "women"}).content.decode()

    def test_user_without_organisation_gets_403(self, client, django_user_model):
        client.force_login(django_user_model.objects.create_user("loner", password="x" * 12))
        assert client.get(self.url).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        assert_login_redirect(client.get(self.url))


class TestServiceAdd:
    url = reverse("service_add")

    def test_supervisor_adds_a_service(self, client, login, world, make_user):
        supervisor = make_user(world.shelter, Role.SUPERVISOR)
        login(supervisor)
        response = client.post(
            self.url,
            {
                "service": "medical",
                "regions": ["TJ-SU"],
                "target_groups": ["women"],
                "contact_hours": "24/7",
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        offer = ServiceOffer.objects.get(organisation=world.shelter, service="medical")
        assert offer.regions == ["TJ-SU"]
        assert AuditEvent.objects.filter(action="create", object_type="referrals.serviceoffer")

    def test_duplicate_service_is_refused_and_input_kept(
        self, client, login, world, offer, make_user
    ):
        login(make_user(world.shelter, Role.ORG_ADMIN))
        response = client.post(
            self.url,
            {
                "service": "shelter",
                "regions": ["TJ-SU"],
                "target_groups": ["women"],
                "contact_hours": "kept-hours",
            },
        )
        assert response.status_code == 200
        assert "kept-hours" in response.content.decode()
        assert ServiceOffer.objects.count() == 1

    def test_caseworker_gets_403(self, client, login, world):
        login(world.worker)
        assert client.get(self.url).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        assert_login_redirect(client.get(self.url))


class TestServiceEdit:
    def url(self, offer):
        return reverse("service_edit", args=[offer.pk])

    def test_org_admin_changes_own_offer(self, client, login, world, offer, make_user):
        login(make_user(world.shelter, Role.ORG_ADMIN))
        response = client.post(
            self.url(offer),
            {"service": "shelter", "regions": ["TJ-SU", "TJ-KT"], "target_groups": ["women"]},
        )
        assert response.status_code == 302
        offer.refresh_from_db()
        assert offer.regions == ["TJ-SU", "TJ-KT"] and not offer.is_active

    def test_caseworker_gets_403(self, client, login, world, offer):
        login(world.shelter_worker)
        assert client.get(self.url(offer)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world, offer):
        login(world.outsider_admin)
        assert client.get(self.url(offer)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, offer):
        assert_login_redirect(client.get(self.url(offer)))


# --- consent -------------------------------------------------------------------------


class TestCaseReferrals:
    def url(self, world):
        return reverse("case_referrals", args=[world.case.pk])

    def test_caseworker_sees_consents_and_referrals(self, client, login, world, referral):
        login(world.worker)
        page = client.get(self.url(world)).content.decode()
        assert (
            world.shelter.name_en in page and reverse("referral_detail", args=[referral.pk]) in page
        )

    def test_receiver_sees_it_while_the_grant_runs(self, client, login, world, referral):
        give_consent(world.case, world.worker, None, purpose="law_enforcement")
        login(world.shelter_worker)
        page = client.get(self.url(world)).content.decode()
        assert "Referral to a named organisation" in page
        assert "Sharing with law enforcement" not in page
        actions.do_decline_referral(referral, reason="full", acting_user=world.shelter_worker)
        assert client.get(self.url(world)).status_code == 404

    def test_lawyer_gets_403(self, client, login, world):
        login(world.lawyer)
        assert client.get(self.url(world)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world):
        login(world.outsider_admin)
        assert client.get(self.url(world)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, world):
        assert_login_redirect(client.get(self.url(world)))


class TestConsentAdd:
    def url(self, world):
        return reverse("consent_add", args=[world.case.pk])

    def test_caseworker_records_verbal_consent(self, client, login, world):
        login(world.worker)
        response = client.post(
            self.url(world),
            {
                "purpose": "referral",
                "recipient_organisation": world.shelter.pk,
                "status": "given",
                "decided_on": "2026-03-05",
                "method": "verbal",
                "witness_name": "Мавлуда",
            },
        )
        assert response.status_code == 302
        consent = Consent.objects.get()
        assert consent.recorded_by == world.worker and consent.witness_name == "Мавлуда"
        event = AuditEvent.objects.get(object_type="referrals.consent")
        assert "witness_name" in event.fields and "Мавлуда" not in event.detail

    def test_signed_form_is_uploaded(self, client, login, world, settings, tmp_path):
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.MEDIA_ROOT = tmp_path
        login(world.worker)
        from himoya.referrals.tests.test_consent_forms import pdf_bytes

        form = SimpleUploadedFile("consent.pdf", pdf_bytes(), "application/pdf")
        response = client.post(
            self.url(world),
            {
                "purpose": "statistics",
                "status": "given",
                "decided_on": "2026-03-05",
                "method": "signed_form",
                "form_file": form,
            },
        )
        assert response.status_code == 302
        assert Consent.objects.get().form_file.read().startswith(b"%PDF-1.")

    def test_verbal_consent_without_witness_is_refused(self, client, login, world):
        login(world.worker)
        response = client.post(
            self.url(world),
            {
                "purpose": "assistance",
                "status": "given",
                "decided_on": "2026-03-05",
                "method": "verbal",
            },
        )
        assert response.status_code == 200
        assert "witness" in response.content.decode()
        assert not Consent.objects.exists()

    def test_child_needs_a_guardian(self, client, login, world):
        from himoya.cases.tests.factories import register_case

        child = register_case(
            world.ngo,
            world.worker,
            person={"given_name": "Сино", "sex": "female", "age_at_identification": 15},
        )
        login(world.worker)
        data = {
            "purpose": "assistance",
            "status": "given",
            "decided_on": "2026-03-05",
            "method": "verbal",
            "witness_name": "W",
        }
        url = reverse("consent_add", args=[child.pk])
        assert client.post(url, data).status_code == 200
        assert not Consent.objects.exists()
        data |= {"guardian_name": "Модар", "guardian_relationship": "mother"}
        assert client.post(url, data).status_code == 302

    def test_lawyer_gets_403(self, client, login, world):
        login(world.lawyer)
        assert client.get(self.url(world)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world):
        login(world.outsider_admin)
        assert client.get(self.url(world)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, world):
        assert_login_redirect(client.get(self.url(world)))


class TestConsentWithdraw:
    def url(self, consent):
        return reverse("consent_withdraw", args=[consent.pk])

    def test_withdrawal_stops_the_referral_and_the_receiver_loses_access(
        self, client, login, world, referral
    ):
        login(world.worker)
        page = client.get(self.url(referral.consent)).content.decode()
        assert "1" in page
        assert client.post(self.url(referral.consent)).status_code == 302
        referral.refresh_from_db()
        assert referral.status == Referral.Status.STOPPED
        login(world.shelter_worker)
        assert client.get(reverse("referral_case", args=[referral.pk])).status_code == 404

    def test_lawyer_gets_403(self, client, login, world, referral):
        login(world.lawyer)
        assert client.post(self.url(referral.consent)).status_code == 403
        assert Consent.objects.get().status == "given"

    def test_admin_of_other_org_gets_404(self, client, login, world, referral):
        login(world.outsider_admin)
        assert client.post(self.url(referral.consent)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, referral):
        assert_login_redirect(client.post(self.url(referral.consent)))


# --- sending -------------------------------------------------------------------------


class TestReferralSend:
    def url(self, world):
        return reverse("referral_send", args=[world.case.pk])

    def data(self, world, **extra):
        return {
            "to_organisation": world.shelter.pk,
            "services": ["shelter", "medical"],
            "shared_parts": ["demographics"],
            "message": "Needs a bed tonight",
            **extra,
        }

    def test_without_consent_the_page_says_why_and_nothing_is_sent(self, client, login, world):
        login(world.worker)
        response = client.post(self.url(world), self.data(world))
        assert response.status_code == 200
        page = response.content.decode()
        assert "consent" in page and "Needs a bed tonight" in page
        assert not Referral.objects.exists()

    def test_with_consent_the_referral_is_sent(self, client, login, world):
        give_consent(world.case, world.worker, world.shelter)
        login(world.worker)
        response = client.post(self.url(world), self.data(world))
        referral = Referral.objects.get()
        assert response["Location"] == reverse("referral_detail", args=[referral.pk])
        assert sorted(referral.service_codes()) == ["medical", "shelter"]
        assert referral.grant.parts == ["demographics"]

    def test_receiver_refers_on_only_what_it_was_given(
        self, client, login, world, referral, make_org
    ):
        legal = make_org("legal")
        actions.do_accept_referral(referral, acting_user=world.shelter_worker)
        give_consent(world.case, world.shelter_worker, legal, organisation=world.shelter)
        login(world.shelter_worker)
        page = client.get(self.url(world)).content.decode()
        assert 'value="demographics"' in page and 'value="needs"' not in page
        response = client.post(
            self.url(world), self.data(world, to_organisation=legal.pk, shared_parts=["needs"])
        )
        assert response.status_code == 200
        assert Referral.objects.count() == 1
        client.post(self.url(world), self.data(world, to_organisation=legal.pk))
        onward = Referral.objects.get(to_organisation=legal)
        assert onward.from_organisation == world.shelter

    def test_lawyer_gets_403(self, client, login, world):
        login(world.lawyer)
        assert client.get(self.url(world)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world):
        login(world.outsider_admin)
        assert client.get(self.url(world)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, world):
        assert_login_redirect(client.get(self.url(world)))


# --- one referral --------------------------------------------------------------------


class TestReferralDetail:
    def url(self, referral):
        return reverse("referral_detail", args=[referral.pk])

    def test_sender_and_receiver_both_open_it(self, client, login, world, referral):
        login(world.worker)
        assert client.get(self.url(referral)).status_code == 200
        login(world.shelter_worker)
        page = client.get(self.url(referral)).content.decode()
        assert reverse("referral_accept", args=[referral.pk]) in page

    def test_lawyer_of_receiver_gets_403(self, client, login, world, referral):
        login(world.shelter_lawyer)
        assert client.get(self.url(referral)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world, referral):
        login(world.outsider_admin)
        assert client.get(self.url(referral)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, referral):
        assert_login_redirect(client.get(self.url(referral)))


@pytest.mark.parametrize(
    "name, status_before, actor, expected",
    [
        ("referral_accept", "sent", "shelter_worker", "accepted"),
        ("referral_deliver", "accepted", "shelter_worker", "delivered"),
        ("referral_complete", "delivered", "worker", "completed"),
    ],
)
class TestReferralTransitions:
    def prepare(self, referral, status_before):
        Referral.objects.filter(pk=referral.pk).update(status=status_before)

    def test_allowed_role_moves_it_on(
        self, client, login, world, referral, name, status_before, actor, expected
    ):
        self.prepare(referral, status_before)
        login(getattr(world, actor))
        response = client.post(reverse(name, args=[referral.pk]))
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == expected

    def test_lawyer_gets_403(
        self, client, login, world, referral, name, status_before, actor, expected
    ):
        self.prepare(referral, status_before)
        login(world.shelter_lawyer if actor == "shelter_worker" else world.lawyer)
        assert client.post(reverse(name, args=[referral.pk])).status_code == 403
        referral.refresh_from_db()
        assert referral.status == status_before

    def test_admin_of_other_org_gets_404(
        self, client, login, world, referral, name, status_before, actor, expected
    ):
        login(world.outsider_admin)
        assert client.post(reverse(name, args=[referral.pk])).status_code == 404

    def test_anonymous_is_sent_to_login(
        self, client, referral, name, status_before, actor, expected
    ):
        assert_login_redirect(client.post(reverse(name, args=[referral.pk])))


class TestReferralDecline:
    def url(self, referral):
        return reverse("referral_decline", args=[referral.pk])

    def test_receiver_declines_with_a_reason(self, client, login, world, referral):
        login(world.shelter_worker)
        assert client.post(self.url(referral), {"reason": ""}).status_code == 200
        assert client.post(self.url(referral), {"reason": "No beds"}).status_code == 302
        referral.refresh_from_db()
        assert referral.status == "declined" and referral.decline_reason == "No beds"

    def test_sender_cannot_decline_its_own_referral(self, client, login, world, referral):
        login(world.worker)
        assert client.post(self.url(referral), {"reason": "x"}).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world, referral):
        login(world.outsider_admin)
        assert client.get(self.url(referral)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, referral):
        assert_login_redirect(client.get(self.url(referral)))


class TestReferralCase:
    def url(self, referral):
        return reverse("referral_case", args=[referral.pk])

    def test_receiver_sees_only_shared_parts_and_no_identity_until_revealed(
        self, client, login, world, referral
    ):
        login(world.shelter_worker)
        page = client.get(self.url(referral)).content.decode()
        assert "shared-demographics" in page
        assert "shared-trafficking_situation" not in page
        assert "Раҳимов" not in page and world.case.reference not in page
        assert not AuditEvent.objects.filter(action="view_identity").exists()
        revealed = client.post(reverse("referral_identity", args=[referral.pk]))
        assert "Раҳимов" in revealed.content.decode()
        event = AuditEvent.objects.get(action="view_identity")
        assert event.organisation_id == world.shelter.pk and event.actor == world.shelter_worker

    def test_receiver_reads_the_case_only_through_the_referral(
        self, client, login, world, referral
    ):
        login(world.shelter_worker)
        assert client.get(self.url(referral)).status_code == 200
        assert client.get(reverse("case_detail", args=[world.case.pk])).status_code == 404

    def test_identity_not_shared_cannot_be_revealed(self, client, login, world, make_org):
        other = make_org("clinic")
        give_consent(world.case, world.worker, other)
        referral = refer(world.case, world.worker, other, parts=["needs"])
        from himoya.organisations.models import Membership

        user = world.shelter_worker
        Membership.objects.create(user=user, organisation=other, role=Role.CASEWORKER)
        login(user)
        assert client.post(reverse("referral_identity", args=[referral.pk])).status_code == 404

    def test_sender_is_not_the_receiver(self, client, login, world, referral):
        login(world.worker)
        assert client.get(self.url(referral)).status_code == 403

    def test_lawyer_of_receiver_gets_403(self, client, login, world, referral):
        login(world.shelter_lawyer)
        assert client.get(self.url(referral)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world, referral):
        login(world.outsider_admin)
        assert client.get(self.url(referral)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, referral):
        assert_login_redirect(client.get(self.url(referral)))


class TestReferralIdentity:
    def url(self, referral):
        return reverse("referral_identity", args=[referral.pk])

    def test_lawyer_of_receiver_gets_403(self, client, login, world, referral):
        login(world.shelter_lawyer)
        assert client.post(self.url(referral)).status_code == 403
        assert not AuditEvent.objects.filter(action="view_identity").exists()

    def test_admin_of_other_org_gets_404(self, client, login, world, referral):
        login(world.outsider_admin)
        assert client.post(self.url(referral)).status_code == 404

    def test_after_the_grant_ends_it_answers_404(self, client, login, world, referral):
        actions.do_withdraw_consent(referral.consent, acting_user=world.worker)
        login(world.shelter_worker)
        assert client.post(self.url(referral)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, referral):
        assert_login_redirect(client.post(self.url(referral)))


class TestReferralInbox:
    url = reverse("referral_inbox")

    def test_receiver_sees_waiting_time_and_overdue_mark(self, client, login, world, referral):
        import datetime

        Referral.objects.filter(pk=referral.pk).update(
            sent_at=referral.sent_at - datetime.timedelta(hours=80)
        )
        login(world.shelter_worker)
        page = client.get(self.url).content.decode()
        assert f"#{referral.pk}" in page and "80" in page and "badge overdue" in page

    def test_outsider_does_not_see_the_referral(self, client, login, world, referral, make_user):
        login(make_user(world.outsider, Role.CASEWORKER))
        assert f"#{referral.pk} " not in client.get(self.url).content.decode()

    def test_lawyer_gets_403(self, client, login, world):
        login(world.lawyer)
        assert client.get(self.url).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        assert_login_redirect(client.get(self.url))


class TestOverdueOnSupervisorsHome:
    def test_supervisor_of_sender_sees_overdue_referral(
        self, client, login, world, referral, make_user, settings
    ):
        import datetime

        settings.HIMOYA_REFERRAL_OVERDUE_HOURS = 24
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=referral.sent_at - datetime.timedelta(hours=25)
        )
        supervisor = make_user(world.ngo, Role.SUPERVISOR)
        login(supervisor)
        url = reverse("referral_detail", args=[referral.pk])
        assert url in client.get(reverse("home")).content.decode()
        assert "overdue-referrals" in client.get(reverse("home")).content.decode()
        login(make_user(world.shelter, Role.SUPERVISOR))
        assert "overdue-referrals" not in client.get(reverse("home")).content.decode()

    def test_receiver_sees_referrals_waiting_for_its_answer(self, client, login, world, referral):
        login(world.shelter_worker)
        page = client.get(reverse("home")).content.decode()
        assert "Waiting for your answer" in page
        assert reverse("referral_detail", args=[referral.pk]) in page
        actions.do_accept_referral(referral, acting_user=world.shelter_worker)
        assert "Waiting for your answer" not in client.get(reverse("home")).content.decode()

    def test_not_overdue_is_not_shown(self, client, login, world, referral, make_user):
        login(make_user(world.ngo, Role.SUPERVISOR))
        url = reverse("referral_detail", args=[referral.pk])
        assert url not in client.get(reverse("home")).content.decode()
