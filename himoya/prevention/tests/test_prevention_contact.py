import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from himoya.access.roles import Role
from himoya.prevention.actions import do_record_prevention_contact
from himoya.prevention.models import PreventionContact
from himoya.screening.tests.conftest import AT_RISK_YES

pytestmark = pytest.mark.django_db


def url(screening):
    return reverse("prevention_contact_add", args=[screening.pk])


def test_responder_records_help_for_person_at_risk(client, login, org, responder, make_screening):
    screening = make_screening(org, responder, yes=AT_RISK_YES, region="TJ-SU")
    login(responder)
    detail = client.get(reverse("screening_detail", args=[screening.pk])).content.decode()
    assert url(screening) in detail
    response = client.post(
        url(screening),
        {
            "contacted_on": "2026-11-20",
            "actions": ["safe_migration_advice", "mrc_referral"],
            "referred_to": "Migrant resource centre, Khujand",
            "counted_as_prevented": "on",
        },
    )
    assert response["Location"] == reverse("screening_detail", args=[screening.pk])
    contact = PreventionContact.objects.get()
    assert (contact.organisation, contact.screening, contact.region) == (org, screening, "TJ-SU")
    assert contact.counted_as_prevented
    assert contact.actions == ["safe_migration_advice", "mrc_referral"]
    # Only once per screening.
    client.post(url(screening), {"contacted_on": "2026-11-21", "actions": ["legal_advice"]})
    assert PreventionContact.objects.count() == 1


def test_missing_help_is_refused_and_keeps_input(client, login, org, responder, make_screening):
    screening = make_screening(org, responder, yes=AT_RISK_YES)
    login(responder)
    response = client.post(url(screening), {"contacted_on": "2026-11-20", "referred_to": "MRC"})
    assert response.status_code == 200
    assert 'value="MRC"' in response.content.decode()
    assert not PreventionContact.objects.exists()


def test_unknown_action_code_is_refused(org, responder, make_screening):
    with pytest.raises(ValidationError):
        do_record_prevention_contact(org, actions=["bribe"], acting_user=responder)


def test_org_admin_gets_403(client, login, org, responder, make_user, make_screening):
    screening = make_screening(org, responder, yes=AT_RISK_YES)
    login(make_user(org, Role.ORG_ADMIN))
    assert client.get(url(screening)).status_code == 403


def test_admin_of_other_org_gets_404(
    client, login, org, other_org, responder, make_user, make_screening
):
    screening = make_screening(org, responder, yes=AT_RISK_YES)
    login(make_user(other_org, Role.ORG_ADMIN))
    assert client.get(url(screening)).status_code == 404


def test_anonymous_is_sent_to_login(client, org, responder, make_screening):
    response = client.get(url(make_screening(org, responder)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


class TestList:
    url = reverse("prevention_contact_list")

    def test_caseworker_sees_organisations_contacts_only(
        self, client, login, org, other_org, responder, make_user
    ):
        do_record_prevention_contact(
            org, actions=["legal_advice"], referred_to="Ours", acting_user=responder
        )
        do_record_prevention_contact(
            other_org,
            actions=["legal_advice"],
            referred_to="Theirs",
            acting_user=make_user(other_org, Role.RESPONDER),
        )
        login(make_user(org, Role.CASEWORKER))
        page = client.get(self.url).content.decode()
        assert "Ours" in page and "Theirs" not in page

    def test_lawyer_gets_403(self, client, login, org, make_user):
        login(make_user(org, Role.LAWYER))
        assert client.get(self.url).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(self.url).status_code == 302
