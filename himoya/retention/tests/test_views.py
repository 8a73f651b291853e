"""The case page's data-protection panel: legal holds and the subject-access report."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases.actions import do_register_case
from himoya.interop.models import SourceFields
from himoya.referrals.models import Consent
from himoya.retention.models import LegalHold

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(org, make_user):
    return make_user(org, Role.CASEWORKER)


@pytest.fixture
def case(org, caseworker):
    return do_register_case(
        org,
        acting_user=caseworker,
        person={"given_name": "Гулнора", "family_name": "Саидова", "sex": "female"},
    )


def pdf_text(response) -> str:
    reader = PdfReader(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return "\n".join(page.extract_text() for page in reader.pages)


def report(client, case, language):
    return client.post(f"/retention/cases/{case.pk}/subject-access/", {"language": language})


@pytest.mark.parametrize(
    "language, title",
    [
        ("ru", "Ваши персональные данные в Химое"),
        ("tg", "Маълумоти шахсии шумо дар Ҳимоя"),
        ("en", "Your personal data held in Himoya"),
    ],
)
def test_subject_access_report_in_the_persons_language(
    client, login, caseworker, case, language, title
):
    login(caseworker)
    response = report(client, case, language)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response)
    assert title in text
    assert "Гулнора" in text and "Саидова" in text and case.reference in text
    event = AuditEvent.objects.get(object_type="cases.person", action="export")
    assert event.actor == caseworker and language in event.detail
    assert "Гулнора" not in event.detail


def test_the_report_lists_consents_and_who_saw_the_records(client, login, caseworker, case):
    Consent.objects.create(
        case=case,
        organisation=case.organisation,
        purpose="referral",
        status="refused",
        decided_on=case.registered_on,
        method="verbal",
        recorded_by=caseworker,
    )
    login(caseworker)
    text = pdf_text(report(client, case, "en"))
    assert "Refused" in text
    assert "Who saw or changed your records" in text
    with translation.override("en"):
        assert case.organisation.name in text


def test_a_role_that_cannot_reveal_identities_gets_403(client, login, org, make_user, case):
    login(make_user(org, Role.ORG_ADMIN))
    assert report(client, case, "tg").status_code == 403
    assert not AuditEvent.objects.filter(object_type="cases.person", action="export").exists()


def test_caseworker_of_another_organisation_gets_404(client, login, other_org, make_user, case):
    login(make_user(other_org, Role.CASEWORKER))
    assert report(client, case, "tg").status_code == 404


def test_unknown_language_is_refused(client, login, caseworker, case):
    login(caseworker)
    assert report(client, case, "de").status_code == 400


def test_supervisor_places_and_lifts_a_legal_hold_from_the_case_page(
    client, login, org, make_user, case
):
    supervisor = make_user(org, Role.SUPERVISOR)
    login(supervisor)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/retention/cases/{case.pk}/legal-hold/" in page
    url = f"/retention/cases/{case.pk}/legal-hold/"
    assert client.post(url, {"action": "place", "reason": "Суд"}).status_code == 302
    hold = LegalHold.objects.active().get(case=case)
    assert hold.placed_by == supervisor and hold.reason == "Суд"
    assert "Суд" in client.get(f"/cases/{case.pk}/").content.decode()
    client.post(url, {"action": "lift"})
    assert not LegalHold.objects.active().exists()


def test_caseworker_cannot_place_a_legal_hold(client, login, caseworker, case):
    login(caseworker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "legal-hold" not in page
    assert f"/retention/cases/{case.pk}/subject-access/" in page
    response = client.post(
        f"/retention/cases/{case.pk}/legal-hold/", {"action": "place", "reason": "x"}
    )
    assert response.status_code == 403
    assert not LegalHold.objects.exists()


def test_the_report_shows_what_an_imported_file_said_about_the_person(
    client, login, caseworker, case
):
    SourceFields.objects.create(case=case, format="htcds", sealed={"AddressStreet": "Рӯдакӣ 5"})
    login(caseworker)
    text = pdf_text(report(client, case, "en"))
    assert "Details kept from an imported file" in text
    assert "AddressStreet" in text and "Рӯдакӣ 5" in text
