import re

import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.cases.models import Case, CaseCode, Person

PERSON = {
    "family_name": "Раҳимов",
    "given_name": "Ҷамшед",
    "given_name_latin": "Jamshed",
    "approximate_age": "31",
    "sex": "male",
    "citizenship": "TJ",
    "region_of_origin": "TJ-KT",
    "phone": "+992 900 00 00 00",
}
SITUATION = {
    "exploitation_types": ["ForcedLabour"],
    "labour_sectors": ["F_Construction"],
    "means_of_control": ["DebtBondage", "TakesEarnings"],
    "exploitation_country": "RU",
    "recruitment_methods": ["ThroughOnlineSocialNetworks"],
    "exploitation_began": "2025-03-01",
    "exploitation_ended": "2025-11-20",
}


def step(name):
    return reverse("case_register_step", args=[name])


def register(client, org, person=None, situation=None, status=None):
    client.get(reverse("case_register") + "?new")
    client.post(step("person"), {"organisation": org.pk, **(person or PERSON)})
    client.post(step("situation"), situation or SITUATION)
    return client.post(
        step("status"), status or {"trafficking_status": "PossibleVictimOfTrafficking"}
    )


@pytest.mark.django_db
class TestCaseRegister:
    def test_caseworker_registers_a_case_in_three_steps(self, client, login, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        login(user)
        response = register(client, org)
        case = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("case_detail", args=[case.pk])
        assert case.organisation == org and case.registered_by == user
        assert case.person.given_name == "Ҷамшед" and case.person.age_at_identification == 31
        assert case.exploitation_country == "RU" and case.is_cross_border is True
        assert case.exploitation_began.isoformat() == "2025-03-01"
        assert set(case.codes.values_list("field", "code")) >= {
            (CaseCode.Field.LABOUR_SECTORS, "F_Construction"),
            (CaseCode.Field.MEANS_OF_CONTROL, "TakesEarnings"),
        }
        assert "cases_draft" not in client.session

    def test_person_step_keeps_input_on_error(self, client, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        client.get(reverse("case_register") + "?new")
        bad = {**PERSON, "organisation": org.pk, "date_of_birth": "2999-01-01"}
        response = client.post(step("person"), bad)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'value="Раҳимов"' in html and 'value="+992 900 00 00 00"' in html
        assert response.context["form"].errors["date_of_birth"]
        assert not Person.objects.exists()

    def test_situation_step_keeps_ticked_boxes_on_error(self, client, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        client.post(step("person"), {"organisation": org.pk, **PERSON})
        bad = {**SITUATION, "exploitation_ended": "2024-01-01"}
        response = client.post(step("situation"), bad)
        assert response.status_code == 200
        html = response.content.decode()
        assert re.search(r'value="DebtBondage"[^>]* checked', html)
        assert re.search(r'value="F_Construction"[^>]* checked', html)
        assert not re.search(r'value="PhysicalAbuse"[^>]* checked', html)
        assert response.context["form"].errors["exploitation_ended"]

    def test_back_keeps_what_was_typed(self, client, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        client.post(step("person"), {"organisation": org.pk, **PERSON})
        client.post(step("situation"), {**SITUATION, "back": "1"})
        assert 'value="Ҷамшед"' in client.get(step("person")).content.decode()
        assert client.get(step("situation")).context["form"]["labour_sectors"].value() == [
            "F_Construction"
        ]

    def test_draft_in_session_is_encrypted(self, client, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        client.post(step("person"), {"organisation": org.pk, **PERSON})
        assert "Раҳимов" not in str(dict(client.session))
        assert client.session["cases_draft"].startswith("hx1:")

    def test_identified_status_needs_deciding_organisation(self, client, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        response = register(client, org, status={"trafficking_status": "ActualVictimOfTrafficking"})
        assert response.status_code == 200
        assert response.context["form"].errors["decided_by"]
        assert not Case.objects.exists()

    def test_responder_registers_and_sees_own_case(self, client, login, org, make_user):
        login(make_user(org, Role.RESPONDER))
        register(client, org)
        case = Case.objects.get()
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200

    @pytest.mark.parametrize("role", [Role.LAWYER, Role.ORG_ADMIN, Role.ANALYST])
    def test_roles_without_create_get_403(self, client, login, org, make_user, role):
        login(make_user(org, role))
        assert client.get(reverse("case_register")).status_code == 403
        assert client.post(step("person"), {"organisation": org.pk, **PERSON}).status_code == 403

    def test_other_organisation_cannot_be_chosen(self, client, login, org, other_org, make_user):
        login(make_user(org, Role.CASEWORKER))
        response = client.post(step("person"), {**PERSON, "organisation": other_org.pk})
        assert response.status_code == 200
        assert response.context["form"].errors["organisation"]

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("case_register"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
