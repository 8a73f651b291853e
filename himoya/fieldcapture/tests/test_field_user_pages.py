"""The organisation admin's pages: field phones, their QR codes, the review queue."""

import base64
import json
import re
import zlib

import pytest
from django.utils.html import escape

from himoya.access.roles import Role
from himoya.fieldcapture.models import FieldUser, Submission

pytestmark = pytest.mark.django_db


def _settings_in(html: str, request_host="testserver") -> dict:
    """Decode the QR code's payload the way Collect does (base64, then zlib, then JSON)."""
    import segno  # noqa: F401  (the page renders the code with segno)

    payload = re.search(r'data-collect-settings="([^"]+)"', html).group(1)
    return json.loads(zlib.decompress(base64.b64decode(payload)))


def test_admin_adds_a_phone_and_sees_its_qr_code_once(client, login, admin, org):
    login(admin)
    response = client.post(
        "/fieldcapture/phones/",
        {"organisation": org.pk, "label": "Panj team", "role": "responder", "language": "ru"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    field_user = FieldUser.objects.get(label="Panj team")
    settings = _settings_in(html)
    assert settings["general"]["server_url"] == "http://testserver/odk"
    assert settings["general"]["username"] == field_user.username
    assert settings["general"]["app_language"] == "ru"
    assert field_user.role == Role.RESPONDER
    # The secret in the code works, and is not stored in the clear.
    secret = settings["general"]["password"]
    assert secret not in field_user.secret_hash
    from himoya.fieldcapture.tests.odk import basic

    client.logout()
    ok = client.get("/odk/formList", HTTP_AUTHORIZATION=basic(field_user.username, secret))
    assert ok.status_code == 200
    # The page shown later has no QR code (the secret is gone).
    login(admin)
    later = client.get(f"/fieldcapture/phones/{field_user.pk}/")
    assert "<svg" not in later.content.decode()


def test_new_code_replaces_the_old_secret(client, login, admin, phone):
    from himoya.fieldcapture.tests.odk import basic

    field_user, old_secret = phone
    login(admin)
    response = client.post(f"/fieldcapture/phones/{field_user.pk}/code/")
    new_secret = _settings_in(response.content.decode())["general"]["password"]
    client.logout()
    old = client.get("/odk/formList", HTTP_AUTHORIZATION=basic(field_user.username, old_secret))
    new = client.get("/odk/formList", HTTP_AUTHORIZATION=basic(field_user.username, new_secret))
    assert old.status_code == 401
    assert new.status_code == 200


def test_admin_revokes_a_phone(client, login, admin, phone):
    from himoya.audit.models import AuditEvent

    field_user, secret = phone
    login(admin)
    response = client.post(f"/fieldcapture/phones/{field_user.pk}/revoke/")
    assert response.status_code == 302
    field_user.refresh_from_db()
    assert field_user.is_revoked
    assert not field_user.user.is_active
    assert AuditEvent.objects.filter(
        object_type="fieldcapture.fielduser", object_id=str(field_user.pk), action="status_change"
    ).exists()


def test_admin_of_another_organisation_gets_404(client, login, make_user, other_org, phone):
    field_user, _secret = phone
    login(make_user(other_org, Role.ORG_ADMIN))
    assert client.get(f"/fieldcapture/phones/{field_user.pk}/").status_code == 404
    assert client.post(f"/fieldcapture/phones/{field_user.pk}/revoke/").status_code == 404
    field_user.refresh_from_db()
    assert not field_user.is_revoked
    assert "Panj border post<" not in client.get("/fieldcapture/phones/").content.decode()


def test_caseworker_may_not_manage_phones(client, login, make_user, org):
    login(make_user(org, Role.CASEWORKER))
    assert client.get("/fieldcapture/phones/").status_code == 403


def test_review_queue_shows_the_reason_to_this_organisation_only(
    client, login, make_user, org, other_org, collect, phone, admin, presumed_answers
):
    from himoya.fieldcapture.actions import do_revoke_field_user

    do_revoke_field_user(phone[0], acting_user=admin)
    collect.submit("himoya_screening", presumed_answers)
    submission = Submission.objects.get()
    supervisor = make_user(org, Role.SUPERVISOR)
    login(supervisor)
    page = client.get("/fieldcapture/review/").content.decode()
    assert escape(str(Submission.Reason.REVOKED.label)) in page
    assert "Panj border post<" in page
    login(make_user(other_org, Role.SUPERVISOR))
    assert "Panj border post<" not in client.get("/fieldcapture/review/").content.decode()
    retry = client.post(f"/fieldcapture/review/{submission.pk}/retry/")
    assert retry.status_code == 404


def test_retry_turns_a_closed_forms_submission_into_a_record_once_reopened(
    client, login, make_user, org, collect, presumed_answers
):
    from himoya.fieldcapture.models import PublishedForm

    PublishedForm.objects.filter(form_id="himoya_screening").update(is_open=False)
    collect.submit("himoya_screening", presumed_answers)
    PublishedForm.objects.filter(form_id="himoya_screening").update(is_open=True)
    submission = Submission.objects.get()
    login(make_user(org, Role.SUPERVISOR))
    client.post(f"/fieldcapture/review/{submission.pk}/retry/")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RECORDED
    assert submission.screening.organisation == org


def test_every_record_made_from_a_phone_is_audited(collect, presumed_answers):
    from himoya.audit.models import AuditEvent

    collect.submit("himoya_screening", presumed_answers)
    submission = Submission.objects.get()
    assert AuditEvent.objects.filter(
        object_type="fieldcapture.submission", object_id=str(submission.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="screening.screening", object_id=str(submission.screening_id)
    ).exists()
