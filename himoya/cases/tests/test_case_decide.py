import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.cases.models import StatusDecision
from himoya.cases.tests.factories import register_case


def decide(case, kind):
    return reverse("case_decide", args=[case.pk, kind])


def review(case, decision, verdict):
    return reverse("decision_review", args=[case.pk, decision.pk, verdict])


@pytest.mark.django_db
class TestCaseDecide:
    def test_caseworker_request_waits_then_supervisor_approves(self, client, login, org, make_user):
        caseworker = make_user(org, Role.CASEWORKER)
        case = register_case(org, caseworker)
        login(caseworker)
        response = client.post(
            decide(case, "identify"), {"decided_by": "NGO", "decided_on": "2026-04-01"}
        )
        assert response.status_code == 302
        decision = StatusDecision.objects.get()
        assert decision.state == "pending"
        assert client.post(review(case, decision, "approve")).status_code == 403
        login(make_user(org, Role.SUPERVISOR))
        assert client.post(review(case, decision, "approve")).status_code == 302
        case.refresh_from_db()
        assert case.trafficking_status == "ActualVictimOfTrafficking"

    def test_supervisor_rejects(self, client, login, org, make_user):
        caseworker = make_user(org, Role.CASEWORKER)
        case = register_case(org, caseworker)
        login(caseworker)
        client.post(decide(case, "close"), {"reason": "LostContact"})
        decision = StatusDecision.objects.get()
        login(make_user(org, Role.SUPERVISOR))
        client.post(review(case, decision, "reject"), {"note": "keep trying"})
        decision.refresh_from_db()
        case.refresh_from_db()
        assert decision.state == "rejected" and case.case_status == "Active"

    def test_close_and_reopen_where_no_approval_is_needed(self, client, login, make_org, make_user):
        org = make_org(requires_status_approval=False)
        caseworker = make_user(org, Role.CASEWORKER)
        case = register_case(org, caseworker)
        login(caseworker)
        client.post(decide(case, "close"), {"reason": "GoalsAchieved"})
        case.refresh_from_db()
        assert case.case_status == "Closed"
        client.post(reverse("case_reopen", args=[case.pk]))
        case.refresh_from_db()
        assert case.case_status == "Active"

    def test_bad_input_keeps_form_and_changes_nothing(self, client, login, org, make_user):
        caseworker = make_user(org, Role.CASEWORKER)
        case = register_case(org, caseworker)
        login(caseworker)
        response = client.post(decide(case, "not-victim"), {"basis": "interview", "decided_by": ""})
        assert response.status_code == 200
        assert "interview" in response.content.decode()
        assert not StatusDecision.objects.exists()

    @pytest.mark.parametrize("role", [Role.RESPONDER, Role.ORG_ADMIN])
    def test_role_without_change_case_gets_403(self, client, login, org, make_user, role):
        user = make_user(org, role)
        case = register_case(org, user if role == Role.RESPONDER else make_user(org))
        login(user)
        assert client.get(decide(case, "identify")).status_code == 403
        assert client.post(reverse("case_reopen", args=[case.pk])).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, org, other_org, make_user):
        case = register_case(org, make_user(org, Role.CASEWORKER))
        decision = StatusDecision.objects.create(case=case, kind="identify", decided_by="NGO")
        login(make_user(other_org, Role.SUPERVISOR))
        assert client.get(decide(case, "identify")).status_code == 404
        assert client.post(review(case, decision, "approve")).status_code == 404
        assert client.post(reverse("case_reopen", args=[case.pk])).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org, make_user):
        case = register_case(org, make_user(org, Role.CASEWORKER))
        assert client.get(decide(case, "close")).status_code == 302
        assert client.post(reverse("case_reopen", args=[case.pk])).status_code == 302
