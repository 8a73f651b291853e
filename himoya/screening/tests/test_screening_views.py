import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.screening import rule
from himoya.screening.models import Screening
from himoya.screening.tests.conftest import ADULT_LABOUR_YES, AT_RISK_YES

pytestmark = pytest.mark.django_db


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


class TestScreeningStart:
    url = reverse("screening_start")

    def test_responder_starts_a_screening(self, client, login, org, responder, national):
        login(responder)
        assert client.get(self.url).status_code == 200
        response = client.post(
            self.url,
            {
                "checklist": national.pk,
                "age_group": "adult",
                "suspected_form": "labour",
                "region": "TJ-KT",
                "place": "Bokhtar market",
            },
        )
        screening = Screening.objects.get()
        assert response["Location"] == reverse("screening_answers", args=[screening.pk])
        assert (screening.organisation, screening.screened_by) == (org, responder)
        assert (screening.region, screening.place) == ("TJ-KT", "Bokhtar market")

    def test_bad_input_keeps_what_was_typed(self, client, login, responder, national):
        login(responder)
        response = client.post(self.url, {"checklist": national.pk, "place": "Airport"})
        assert response.status_code == 200
        assert 'value="Airport"' in response.content.decode()
        assert not Screening.objects.exists()

    def test_district_must_lie_in_the_region(self, client, login, responder, national):
        login(responder)
        data = {
            "checklist": national.pk,
            "age_group": "adult",
            "suspected_form": "labour",
            "region": "TJ-SU",
            "district": "TJ-DU-sino",
        }
        assert client.post(self.url, data).status_code == 200
        assert not Screening.objects.exists()
        client.post(self.url, {**data, "region": "TJ-DU"})
        assert Screening.objects.get().district == "TJ-DU-sino"

    def test_other_organisations_checklist_is_refused(
        self, client, login, responder, other_org, make_user, national
    ):
        from himoya.screening.actions import do_copy_checklist

        theirs = do_copy_checklist(
            national, other_org, slug="theirs", acting_user=make_user(other_org, Role.SUPERVISOR)
        )
        login(responder)
        response = client.post(
            self.url,
            {
                "checklist": theirs.pk,
                "age_group": "adult",
                "suspected_form": "labour",
                "region": "TJ-DU",
            },
        )
        assert response.status_code == 200
        assert not Screening.objects.exists()

    def test_lawyer_gets_403(self, client, login, org, make_user):
        login(make_user(org, Role.LAWYER))
        assert client.get(self.url).status_code == 403
        assert AuditEvent.objects.filter(action="permission_denied").exists()

    def test_anonymous_is_sent_to_login(self, client):
        assert_login_redirect(client.get(self.url))


class TestScreeningAnswers:
    def url(self, s):
        return reverse("screening_answers", args=[s.pk])

    def test_partial_answers_save_as_incomplete(
        self, client, login, org, responder, make_screening
    ):
        screening = make_screening(org, responder, rest="")
        login(responder)
        page = client.get(self.url(screening)).content.decode()
        assert 'name="a-exp_unpaid"' in page and 'name="a-sex_forced"' not in page
        response = client.post(self.url(screening), {"a-exp_unpaid": "yes", "a-coe_debt": "no"})
        assert response["Location"] == reverse("screening_detail", args=[screening.pk])
        screening.refresh_from_db()
        assert screening.status == Screening.Status.INCOMPLETE
        assert screening.answer_map() == {"exp_unpaid": "yes", "coe_debt": "no"}

    def test_org_admin_cannot_answer(
        self, client, login, org, responder, make_user, make_screening
    ):
        screening = make_screening(org, responder)
        login(make_user(org, Role.ORG_ADMIN))
        assert client.post(self.url(screening), {"a-exp_unpaid": "yes"}).status_code == 403

    def test_other_responder_of_same_org_gets_404(
        self, client, login, org, responder, make_user, make_screening
    ):
        screening = make_screening(org, responder)
        login(make_user(org, Role.RESPONDER))
        assert client.get(self.url(screening)).status_code == 404

    def test_admin_of_other_org_gets_404(
        self, client, login, org, other_org, responder, make_user, make_screening
    ):
        screening = make_screening(org, responder)
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(self.url(screening)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org, responder, make_screening):
        assert_login_redirect(client.get(self.url(make_screening(org, responder))))


class TestScreeningDetail:
    def url(self, s):
        return reverse("screening_detail", args=[s.pk])

    def test_shows_suggestion_and_why(self, client, login, org, responder, make_screening):
        screening = make_screening(org, responder, yes=ADULT_LABOUR_YES)
        login(responder)
        page = client.get(self.url(screening)).content.decode()
        assert "Қурбонии эҳтимолӣ" in page  # presumed victim, in Tajik (default)
        unpaid = screening.checklist_version.indicators.get(code="exp_unpaid")
        assert unpaid.text_tg in page
        assert reverse("screening_open_case", args=[screening.pk]) in page
        ilo = page.split('id="ilo"')[1].split("</p>")[0]
        assert "Асорати қарзӣ" in ilo and "Фиреб" in ilo  # debt bondage, deception
        assert "Ҷудо нигоҳ доштан" not in ilo  # isolation was answered "no"

    def test_insufficient_lists_missing_questions(
        self, client, login, org, responder, make_screening
    ):
        coercion = [
            "coe_cannot_leave",
            "coe_locked_watched",
            "coe_documents_taken",
            "coe_violence",
            "coe_threats_family",
            "coe_threat_police",
            "coe_debt",
            "coe_isolated",
            "coe_phone_taken",
            "coe_substances",
        ]
        screening = make_screening(org, responder, yes=ADULT_LABOUR_YES[:4])
        from himoya.screening.actions import do_save_answers

        do_save_answers(screening, {c: "unknown" for c in coercion}, acting_user=responder)
        login(responder)
        client.cookies["himoya_language"] = "en"
        page = client.get(self.url(screening)).content.decode()
        assert "Not enough answers" in page
        assert 'id="missing"' in page
        assert "Are you locked in, or watched by guards or cameras?" in page

    def test_caseworker_sees_colleagues_screening(
        self, client, login, org, responder, make_user, make_screening
    ):
        screening = make_screening(org, responder)
        login(make_user(org, Role.CASEWORKER))
        assert client.get(self.url(screening)).status_code == 200

    def test_admin_of_other_org_gets_404(
        self, client, login, org, other_org, responder, make_user, make_screening
    ):
        screening = make_screening(org, responder)
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(self.url(screening)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org, responder, make_screening):
        assert_login_redirect(client.get(self.url(make_screening(org, responder))))


class TestScreeningDecide:
    def url(self, s):
        return reverse("screening_decide", args=[s.pk])

    def test_override_needs_reason_and_keeps_input(
        self, client, login, org, responder, make_screening
    ):
        screening = make_screening(org, responder, yes=ADULT_LABOUR_YES)
        login(responder)
        response = client.post(self.url(screening), {"decision": rule.NOT_VICTIM, "reason": ""})
        assert response.status_code == 400
        screening.refresh_from_db()
        assert screening.decision == ""
        response = client.post(
            self.url(screening), {"decision": rule.NOT_VICTIM, "reason": "Works for family"}
        )
        assert response.status_code == 302
        screening.refresh_from_db()
        assert (screening.decision, screening.decision_reason) == (
            rule.NOT_VICTIM,
            "Works for family",
        )

    def test_accepting_the_suggestion_needs_no_reason(
        self, client, login, org, responder, make_screening
    ):
        screening = make_screening(org, responder, yes=AT_RISK_YES)
        login(responder)
        client.post(self.url(screening), {"decision": rule.AT_RISK})
        screening.refresh_from_db()
        assert screening.decision == rule.AT_RISK

    def test_org_admin_gets_403(self, client, login, org, responder, make_user, make_screening):
        screening = make_screening(org, responder)
        login(make_user(org, Role.ORG_ADMIN))
        assert client.post(self.url(screening), {"decision": "at_risk"}).status_code == 403

    def test_admin_of_other_org_gets_404(
        self, client, login, org, other_org, responder, make_user, make_screening
    ):
        screening = make_screening(org, responder)
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.post(self.url(screening), {"decision": "at_risk"}).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org, responder, make_screening):
        assert_login_redirect(client.post(self.url(make_screening(org, responder))))


class TestScreeningOpenCase:
    def url(self, s):
        return reverse("screening_open_case", args=[s.pk])

    def test_responder_opens_a_case_in_one_step(
        self, client, login, org, responder, make_screening
    ):
        screening = make_screening(org, responder, yes=ADULT_LABOUR_YES)
        login(responder)
        assert client.get(self.url(screening)).status_code == 200
        response = client.post(self.url(screening), {"given_name": "Зафар"})
        assert response.status_code == 302
        screening.refresh_from_db()
        assert screening.case is not None and screening.case.organisation == org
        assert screening.decision == rule.PRESUMED_VICTIM

    def test_not_presumed_victim_opens_no_case(self, client, login, org, responder, make_screening):
        screening = make_screening(org, responder, yes=AT_RISK_YES)
        login(responder)
        response = client.post(self.url(screening), {})
        assert response.status_code == 200
        screening.refresh_from_db()
        assert screening.case_id is None and screening.decision == ""

    def test_org_admin_gets_403(self, client, login, org, responder, make_user, make_screening):
        screening = make_screening(org, responder, yes=ADULT_LABOUR_YES)
        login(make_user(org, Role.ORG_ADMIN))
        assert client.post(self.url(screening), {}).status_code == 403

    def test_admin_of_other_org_gets_404(
        self, client, login, org, other_org, responder, make_user, make_screening
    ):
        screening = make_screening(org, responder, yes=ADULT_LABOUR_YES)
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(self.url(screening)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org, responder, make_screening):
        assert_login_redirect(client.get(self.url(make_screening(org, responder))))


class TestScreeningList:
    url = reverse("screening_list")

    def test_responder_sees_only_own(
        self, client, login, org, responder, make_user, make_screening
    ):
        mine = make_screening(org, responder, place="Mine")
        colleague = make_user(org, Role.RESPONDER)
        make_screening(org, colleague, place="Theirs")
        login(responder)
        page = client.get(self.url).content.decode()
        assert reverse("screening_detail", args=[mine.pk]) in page
        assert "Theirs" not in page

    def test_supervisor_sees_organisation(
        self, client, login, org, other_org, responder, make_user, make_screening
    ):
        make_screening(org, responder, place="Ours")
        make_screening(other_org, make_user(other_org, Role.RESPONDER), place="Elsewhere")
        login(make_user(org, Role.SUPERVISOR))
        page = client.get(self.url).content.decode()
        assert "Ours" in page and "Elsewhere" not in page

    def test_lawyer_gets_403(self, client, login, org, make_user):
        login(make_user(org, Role.LAWYER))
        assert client.get(self.url).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        assert_login_redirect(client.get(self.url))


def test_screening_list_query_count_does_not_grow(
    client, login, org, responder, make_screening, django_assert_max_num_queries
):
    for _ in range(3):
        make_screening(org, responder)
    login(responder)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("screening_list"))
    for _ in range(5):
        make_screening(org, responder)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("screening_list")).content.decode().count("<tr>") == 9
