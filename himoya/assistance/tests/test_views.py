"""Every assistance view: allowed role, 403 in scope, 404 for another organisation's admin,
and anonymous sent to sign in."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.assistance.models import FollowUp, RiskAssessment, ServiceDelivery, SupportPlan
from himoya.audit.models import AuditEvent
from himoya.referrals.tests.factories import give_consent, refer

pytestmark = pytest.mark.django_db


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.fixture
def plan(world):
    return SupportPlan.objects.create(
        case=world.case, goals="Safe housing, then work", needs=["shelter", "medical"]
    )


class TestCaseAssistance:
    def url(self, world):
        return reverse("case_assistance", args=[world.case.pk])

    def test_caseworker_sees_plan_risk_and_follow_ups(self, client, login, world, plan):
        RiskAssessment.objects.create(
            case=world.case,
            organisation=world.ngo,
            assessed_on=datetime.date(2026, 3, 3),
            level="high",
            safety_plan="Stay at the shelter",
            assessed_by=world.worker,
        )
        login(world.worker)
        page = client.get(self.url(world)).content.decode()
        assert "Safe housing" in page
        # Where the person stays is shown only on an explicit, audited request.
        assert "Stay at the shelter" not in page
        reveal = reverse("case_safety_plan", args=[world.case.pk])
        assert "Stay at the shelter" in client.post(reveal).content.decode()
        assert AuditEvent.objects.filter(
            action="view_identity", actor=world.worker, object_type="assistance.riskassessment"
        ).exists()

    def test_org_admin_without_identity_right_cannot_read_the_safety_plan(
        self, client, login, world, make_user
    ):
        RiskAssessment.objects.create(
            case=world.case,
            organisation=world.ngo,
            assessed_on=datetime.date(2026, 3, 3),
            level="high",
            safety_plan="Stay at the shelter",
            assessed_by=world.worker,
        )
        login(make_user(world.ngo, Role.ORG_ADMIN))
        reveal = reverse("case_safety_plan", args=[world.case.pk])
        assert "Stay at the shelter" not in client.get(self.url(world)).content.decode()
        assert client.post(reveal).status_code == 403

    def test_receiver_sees_plan_only_when_shared_and_never_the_safety_plan(
        self, client, login, world, plan
    ):
        RiskAssessment.objects.create(
            case=world.case,
            organisation=world.ngo,
            assessed_on=datetime.date(2026, 3, 3),
            level="high",
            safety_plan="Stay at the shelter",
            assessed_by=world.worker,
        )
        give_consent(world.case, world.worker, world.shelter)
        referral = refer(world.case, world.worker, world.shelter, parts=["demographics"])
        login(world.shelter_worker)
        page = client.get(self.url(world)).content.decode()
        assert "Safe housing" not in page and "Stay at the shelter" not in page
        referral.grant.parts = ["support_plan"]
        referral.grant.save()
        page = client.get(self.url(world)).content.decode()
        assert "Safe housing" in page and "Stay at the shelter" not in page

    def test_lawyer_gets_403(self, client, login, world):
        login(world.lawyer)
        assert client.get(self.url(world)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world):
        login(world.outsider_admin)
        assert client.get(self.url(world)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, world):
        assert_login_redirect(client.get(self.url(world)))


class TestPlanEdit:
    def url(self, world):
        return reverse("plan_edit", args=[world.case.pk])

    def test_caseworker_makes_the_plan_with_a_reflection_period(self, client, login, world):
        login(world.worker)
        response = client.post(
            self.url(world),
            {
                "goals": "Recover",
                "needs": ["shelter", "legal"],
                "reflection_starts_on": "2026-03-01",
                "reflection_ends_on": "2026-04-01",
            },
        )
        assert response.status_code == 302
        plan = SupportPlan.objects.get(case=world.case)
        assert plan.needs == ["shelter", "legal"]
        assert plan.in_reflection_period(datetime.date(2026, 3, 15))
        assert not plan.in_reflection_period(datetime.date(2026, 4, 2))
        event = AuditEvent.objects.get(object_type="assistance.supportplan")
        assert "needs" in event.fields

    def test_period_ending_before_it_starts_is_refused(self, client, login, world):
        login(world.worker)
        response = client.post(
            self.url(world),
            {
                "goals": "kept goal",
                "reflection_starts_on": "2026-03-01",
                "reflection_ends_on": "2026-02-01",
            },
        )
        assert response.status_code == 200 and "kept goal" in response.content.decode()
        assert not SupportPlan.objects.exists()

    def test_receiving_organisation_gets_403(self, client, login, world):
        give_consent(world.case, world.worker, world.shelter)
        refer(world.case, world.worker, world.shelter)
        login(world.shelter_worker)
        assert client.get(self.url(world)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world):
        login(world.outsider_admin)
        assert client.get(self.url(world)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, world):
        assert_login_redirect(client.get(self.url(world)))


class TestPlanClose:
    def url(self, world):
        return reverse("plan_close", args=[world.case.pk])

    def test_closing_the_plan_schedules_three_follow_ups(self, client, login, world, plan):
        login(world.worker)
        assert client.post(self.url(world), {"closed_on": "2026-01-31"}).status_code == 302
        due = list(
            FollowUp.objects.filter(case=world.case).values_list("months_after_closure", "due_on")
        )
        assert due == [
            (3, datetime.date(2026, 4, 30)),
            (6, datetime.date(2026, 7, 31)),
            (12, datetime.date(2027, 1, 31)),
        ]

    def test_lawyer_gets_403(self, client, login, world, plan):
        login(world.lawyer)
        assert client.post(self.url(world), {"closed_on": "2026-01-31"}).status_code == 403
        assert not FollowUp.objects.exists()

    def test_admin_of_other_org_gets_404(self, client, login, world, plan):
        login(world.outsider_admin)
        assert client.get(self.url(world)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, world, plan):
        assert_login_redirect(client.get(self.url(world)))


class TestServiceDeliveryAdd:
    def url(self, world):
        return reverse("service_delivery_add", args=[world.case.pk])

    def data(self, org, **extra):
        return {
            "service": "medical",
            "provider": org.pk,
            "started_on": "2026-03-02",
            "cost_somoni": "150.50",
            "outcome": "completed",
            **extra,
        }

    def test_caseworker_records_a_service_with_cost(self, client, login, world):
        login(world.worker)
        assert client.post(self.url(world), self.data(world.shelter)).status_code == 302
        delivery = ServiceDelivery.objects.get()
        assert delivery.cost_somoni == Decimal("150.50") and delivery.provider == world.shelter

    def test_receiver_records_only_as_provider_and_links_the_referral(self, client, login, world):
        give_consent(world.case, world.worker, world.shelter)
        referral = refer(world.case, world.worker, world.shelter)
        login(world.shelter_worker)
        response = client.post(self.url(world), self.data(world.ngo))
        assert response.status_code == 200 and not ServiceDelivery.objects.exists()
        assert client.post(self.url(world), self.data(world.shelter)).status_code == 302
        assert ServiceDelivery.objects.get().referral == referral

    def test_negative_cost_is_refused(self, client, login, world):
        login(world.worker)
        response = client.post(self.url(world), self.data(world.ngo, cost_somoni="-1"))
        assert response.status_code == 200 and not ServiceDelivery.objects.exists()

    def test_lawyer_gets_403(self, client, login, world):
        login(world.lawyer)
        assert client.get(self.url(world)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world):
        login(world.outsider_admin)
        assert client.get(self.url(world)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, world):
        assert_login_redirect(client.get(self.url(world)))


class TestServiceDeliveryEdit:
    @pytest.fixture
    def delivery(self, world):
        return ServiceDelivery.objects.create(
            case=world.case,
            service="shelter",
            provider=world.ngo,
            started_on=datetime.date(2026, 3, 1),
            recorded_by=world.worker,
        )

    def url(self, delivery):
        return reverse("service_delivery_edit", args=[delivery.pk])

    def test_caseworker_records_the_outcome(self, client, login, world, delivery):
        login(world.worker)
        response = client.post(
            self.url(delivery),
            {
                "service": "shelter",
                "provider": world.ngo.pk,
                "started_on": "2026-03-01",
                "ended_on": "2026-04-01",
                "outcome": "completed",
            },
        )
        assert response.status_code == 302
        delivery.refresh_from_db()
        assert delivery.outcome == "completed" and delivery.ended_on == datetime.date(2026, 4, 1)

    def test_receiver_cannot_change_a_service_it_did_not_provide(
        self, client, login, world, delivery
    ):
        give_consent(world.case, world.worker, world.shelter)
        refer(world.case, world.worker, world.shelter, parts=["support_plan"])
        login(world.shelter_worker)
        assert client.get(self.url(delivery)).status_code == 403

    def test_lawyer_gets_404_as_it_is_not_visible_to_the_role(self, client, login, world, delivery):
        login(world.lawyer)
        assert client.get(self.url(delivery)).status_code == 404

    def test_admin_of_other_org_gets_404(self, client, login, world, delivery):
        login(world.outsider_admin)
        assert client.get(self.url(delivery)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, delivery):
        assert_login_redirect(client.get(self.url(delivery)))


class TestRiskAdd:
    def url(self, world):
        return reverse("risk_add", args=[world.case.pk])

    def test_each_contact_adds_a_review_with_encrypted_safety_plan(self, client, login, world):
        login(world.worker)
        data = {
            "assessed_on": "2026-03-02",
            "level": "high",
            "risks": "Recruiter calls",
            "safety_plan": "Change phone number",
            "next_review_on": "2026-03-09",
        }
        assert client.post(self.url(world), data).status_code == 302
        assert (
            client.post(
                self.url(world),
                data | {"assessed_on": "2026-03-09", "level": "low", "next_review_on": ""},
            ).status_code
            == 302
        )
        assert list(RiskAssessment.objects.values_list("level", flat=True)) == ["low", "high"]
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT safety_plan FROM assistance_riskassessment")
            assert all("Change phone" not in row[0] for row in cursor.fetchall())

    def test_high_risk_without_safety_plan_is_refused(self, client, login, world):
        login(world.worker)
        data = {"assessed_on": "2026-03-02", "level": "high", "risks": "kept risk"}
        response = client.post(self.url(world), data)
        assert response.status_code == 200 and "kept risk" in response.content.decode()
        assert not RiskAssessment.objects.exists()

    def test_lawyer_gets_403(self, client, login, world):
        login(world.lawyer)
        assert client.get(self.url(world)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world):
        login(world.outsider_admin)
        assert client.get(self.url(world)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, world):
        assert_login_redirect(client.get(self.url(world)))


class TestFollowUps:
    @pytest.fixture
    def follow_up(self, world):
        from himoya.assistance.actions import do_schedule_follow_ups

        return do_schedule_follow_ups(world.case, closed_on=datetime.date(2025, 1, 10))[0]

    def test_list_shows_due_follow_ups(self, client, login, world, follow_up):
        login(world.worker)
        page = client.get(reverse("follow_up_list")).content.decode()
        assert reverse("follow_up_edit", args=[follow_up.pk]) in page

    def test_home_shows_due_follow_ups_to_the_case_organisation(
        self, client, login, world, follow_up
    ):
        link = reverse("follow_up_edit", args=[follow_up.pk])
        login(world.worker)
        assert link in client.get(reverse("home")).content.decode()
        login(world.shelter_worker)
        assert link not in client.get(reverse("home")).content.decode()

    def test_recording_re_victimisation(self, client, login, world, follow_up):
        login(world.worker)
        response = client.post(
            reverse("follow_up_edit", args=[follow_up.pk]),
            {"done_on": "2025-04-12", "outcome": "re_victimised", "notes": "Left again"},
        )
        assert response.status_code == 302
        follow_up.refresh_from_db()
        assert follow_up.re_victimised and follow_up.outcome == "re_victimised"

    def test_outcome_is_required(self, client, login, world, follow_up):
        login(world.worker)
        url = reverse("follow_up_edit", args=[follow_up.pk])
        assert client.post(url, {"done_on": "2025-04-12"}).status_code == 200
        follow_up.refresh_from_db()
        assert follow_up.done_on is None

    def test_lawyer_gets_403(self, client, login, world, follow_up):
        login(world.lawyer)
        assert client.get(reverse("follow_up_list")).status_code == 403

    def test_org_admin_without_change_permission_gets_403(
        self, client, login, world, follow_up, make_user
    ):
        from himoya.access.roles import Role

        login(make_user(world.ngo, Role.ORG_ADMIN))
        assert client.get(reverse("follow_up_edit", args=[follow_up.pk])).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, world, follow_up):
        login(world.outsider_admin)
        assert client.get(reverse("follow_up_edit", args=[follow_up.pk])).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, follow_up):
        assert_login_redirect(client.get(reverse("follow_up_edit", args=[follow_up.pk])))
        assert_login_redirect(client.get(reverse("follow_up_list")))


def test_closing_the_case_schedules_follow_ups_once(world, make_user):
    from himoya.access.roles import Role
    from himoya.cases import actions as case_actions
    from himoya.cases import codes
    from himoya.vocab import registry

    reason = registry.codes(codes.CLOSURE_REASON)[0]
    supervisor = make_user(world.ngo, Role.SUPERVISOR)
    case_actions.do_close_case(
        world.case, reason=reason, closed_on=datetime.date(2026, 5, 1), acting_user=supervisor
    )
    world.case.refresh_from_db()
    assert world.case.case_status == "Closed"
    months = sorted(
        FollowUp.objects.filter(case=world.case).values_list("months_after_closure", flat=True)
    )
    assert months == [3, 6, 12]
    world.case.save()  # saving again schedules nothing new
    assert FollowUp.objects.filter(case=world.case).count() == 3
