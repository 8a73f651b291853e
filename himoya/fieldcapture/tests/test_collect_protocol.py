"""ODK Collect's conversation with Himoya, as Collect holds it, with encrypted submissions."""

import hashlib

import pytest
from defusedxml.ElementTree import fromstring

from himoya.fieldcapture.models import Submission
from himoya.fieldcapture.tests.conftest import HOTLINE, REGISTRATION, SCREENING
from himoya.fieldcapture.tests.odk import PHOTO_1, PHOTO_2, basic, message_of

pytestmark = pytest.mark.django_db
XF = "{http://www.w3.org/2002/xforms}"


def test_form_list_needs_the_phones_account(client, phone):
    response = client.get("/odk/formList")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert response["X-OpenRosa-Version"] == "1.0"
    wrong = client.get("/odk/formList", HTTP_AUTHORIZATION=basic(phone[0].username, "guess"))
    assert wrong.status_code == 401


def test_form_list_offers_three_encrypted_forms_in_three_languages(collect):
    assert set(collect.forms) == {SCREENING, REGISTRATION, HOTLINE}
    for form in collect.forms.values():
        root = fromstring(form["xform"].encode())
        submission = root.find(f".//{XF}submission")
        assert len(form["public_key"]) > 300  # a 2048-bit RSA key, base64 DER
        assert submission.get("base64RsaPublicKey") == form["public_key"]
        langs = {t.get("lang") for t in root.iter(f"{XF}translation")}
        assert langs == {"Tajik (tg)", "Russian (ru)", "English (en)"}
    manifest = collect.get(collect.forms[SCREENING]["manifest"])
    assert manifest.status_code == 200
    assert b"xformsManifest" in manifest.content


def test_screening_form_asks_every_question_of_the_current_checklist_version(collect):
    from himoya.fieldcapture.xlsform import question_name
    from himoya.screening.models import Checklist

    version = Checklist.objects.get(organisation=None, slug="national").current_version()
    xform = collect.forms[SCREENING]["xform"]
    for indicator in version.indicators.all():
        assert f"<{question_name(indicator.code)}/>" in xform
        assert indicator.text_tg in xform and indicator.text_ru in xform


def test_head_answers_204_with_openrosa_headers(collect):
    response = collect.head()
    assert response.status_code == 204
    assert response["X-OpenRosa-Version"] == "1.0"
    assert int(response["X-OpenRosa-Accept-Content-Length"]) >= 10_000_000


def test_encrypted_screening_with_two_photos_becomes_a_screening_with_its_why(
    collect, phone, org, presumed_answers
):
    from himoya.screening import rule
    from himoya.screening.models import Screening

    assert collect.head().status_code == 204
    instance_id, response = collect.submit(
        SCREENING,
        presumed_answers,
        media=[("photo1.jpg", PHOTO_1), ("photo2.jpg", PHOTO_2)],
    )
    assert response.status_code == 201, response.content
    assert response["X-OpenRosa-Version"] == "1.0"
    assert b'nature="submit_success"' in response.content
    submission = Submission.objects.get(instance_id=instance_id)
    assert submission.status == Submission.Status.RECORDED
    screening = submission.screening
    assert screening.organisation == org
    assert screening.screened_by == phone[0].user
    assert screening.suggested == rule.PRESUMED_VICTIM
    # The "why" is the rule's own account, as for a screening made on the page.
    assert screening.result["classification"] == rule.PRESUMED_VICTIM
    assert screening.result["dimensions"]["coercion"]["state"] == rule.POSITIVE
    assert screening.result["dimensions"]["coercion"]["because"]
    assert Screening.objects.filter(organisation=org).count() == 1
    # The photos are kept as they arrived: encrypted, never in the clear.
    names = set(submission.files.values_list("name", flat=True))
    assert names == {"photo1.jpg.enc", "photo2.jpg.enc", "submission.xml.enc"}
    stored = bytes(submission.files.get(name="photo1.jpg.enc").data)
    assert PHOTO_1[100:200] not in stored


def test_phone_screening_has_the_same_rule_and_why_as_the_page(
    collect, make_user, org, login, client, presumed_answers
):
    """The page's answers and the phone's answers give the same suggestion and reasons."""
    from himoya.access.roles import Role
    from himoya.fieldcapture.xlsform import question_name
    from himoya.screening.models import Checklist, Screening

    _id, response = collect.submit(SCREENING, presumed_answers)
    phone_screening = Submission.objects.get().screening
    checklist = Checklist.objects.get(organisation=None, slug="national")
    responder = make_user(org, Role.RESPONDER)
    login(responder)
    page = client.post(
        "/screening/new/",
        {
            "checklist": checklist.pk,
            **{
                k: presumed_answers[k]
                for k in ("age_group", "suspected_form", "region", "district", "place")
            },
        },
    )
    page_screening = Screening.objects.exclude(pk=phone_screening.pk).get()
    assert page.status_code == 302
    answers = {
        f"a-{i.code}": presumed_answers.get(question_name(i.code), "")
        for i in page_screening.indicators()
    }
    client.post(f"/screening/{page_screening.pk}/answers/", answers)
    page_screening.refresh_from_db()
    assert page_screening.suggested == phone_screening.suggested
    assert page_screening.result == phone_screening.result


def test_the_same_instance_twice_is_accepted_once(collect, presumed_answers):
    from himoya.screening.models import Screening

    instance_id, manifest, files = collect.encrypted(SCREENING, presumed_answers)
    first = collect.post(manifest, files)
    second = collect.post(manifest, files)  # Collect re-sends after a lost response
    assert first.status_code == second.status_code == 201
    assert Submission.objects.filter(instance_id=instance_id).count() == 1
    assert Screening.objects.count() == 1


def test_registration_becomes_a_case_in_the_phones_organisation(collect, org, other_org):
    from himoya.cases.models import Case

    _id, response = collect.submit(
        REGISTRATION,
        {
            "given_name": "Нигина",
            "family_name": "Раҳимова",
            "sex": "female",
            "age_at_identification": "24",
            "region_of_origin": "TJ-KT",
            "phone": "+992900000000",
        },
    )
    assert response.status_code == 201, message_of(response)
    case = Submission.objects.get().case
    assert case.organisation == org
    assert case.person.family_name == "Раҳимова"
    assert case.person.age_at_identification == 24
    assert not Case.objects.filter(organisation=other_org).exists()


def test_hotline_intake_becomes_a_hotline_contact(collect, org):
    _id, response = collect.submit(
        HOTLINE,
        {
            "channel": "phone",
            "caller_type": "potential_victim",
            "language": "tg",
            "topic": "trafficking_report",
            "urgency": "urgent",
            "caller_name": "Анвар",
        },
    )
    submission = Submission.objects.get()
    assert response.status_code == 201
    assert submission.status == Submission.Status.RECORDED, submission.detail
    assert submission.hotline_contact.organisation == org
    assert submission.hotline_contact.caller_name == "Анвар"


def test_an_old_form_version_is_read_with_that_version(collect, admin, presumed_answers):
    from himoya.screening import actions as screening_actions
    from himoya.screening.models import Checklist

    checklist = Checklist.objects.get(organisation=None, slug="national")
    old = checklist.current_version()
    old_form = dict(collect.forms[SCREENING])
    old_form_version = old_form["version"]
    removed = old.indicators.filter(dimension="coercion").first()
    new = screening_actions.do_remove_indicator(removed, acting_user=admin)
    assert new.pk != old.pk  # the published version was frozen, so a new one was made
    forms = collect.form_list()
    assert forms[SCREENING]["version"] != old_form_version
    # The phone still has the old form and sends it.
    collect.forms[SCREENING] = old_form
    _id, response = collect.submit(SCREENING, presumed_answers)
    assert response.status_code == 201
    screening = Submission.objects.get().screening
    assert screening.checklist_version == old
    assert screening.answers.filter(indicator__code=removed.code).exists()


def test_revoked_phone_is_refused_and_what_it_sends_waits_for_review(
    collect, phone, admin, presumed_answers
):
    from himoya.fieldcapture.actions import do_revoke_field_user
    from himoya.screening.models import Screening

    do_revoke_field_user(phone[0], acting_user=admin)
    assert collect.get("/odk/formList").status_code == 403
    assert collect.get(collect.forms[SCREENING]["download"]).status_code == 403
    _id, response = collect.submit(SCREENING, presumed_answers)
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.REVIEW
    assert submission.reason == Submission.Reason.REVOKED
    assert submission.files.count() == 1  # kept, encrypted as it arrived
    assert not Screening.objects.exists()


def test_a_closed_form_waits_for_review(collect, presumed_answers):
    from himoya.fieldcapture.models import PublishedForm

    PublishedForm.objects.filter(form_id=SCREENING).update(is_open=False)
    _id, response = collect.submit(SCREENING, presumed_answers)
    assert response.status_code == 201
    assert Submission.objects.get().reason == Submission.Reason.CLOSED
    listed = collect.get("/odk/formList").content.decode()
    assert SCREENING not in listed


def test_a_submission_waiting_for_review_is_a_webhook_event_without_answers(
    collect, presumed_answers
):
    from himoya.api.models import WebhookEvent
    from himoya.fieldcapture.models import PublishedForm

    PublishedForm.objects.filter(form_id=SCREENING).update(is_open=False)
    collect.submit(SCREENING, presumed_answers)
    event = WebhookEvent.objects.get(type="submission.waiting")
    submission = Submission.objects.get()
    assert event.organisation_id == submission.organisation_id
    assert event.payload["object"] == {"type": "fieldcapture.submission", "id": submission.pk}
    assert set(event.payload) == {"id", "type", "occurred_at", "object", "ids"}


def test_invalid_answers_wait_for_review_with_the_reason(collect, presumed_answers):
    _id, response = collect.submit(SCREENING, {**presumed_answers, "age_group": "elder"})
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.REVIEW
    assert submission.reason == Submission.Reason.INVALID
    assert "age_group" in submission.detail


def test_other_organisations_phone_cannot_reach_this_organisations_records(
    collect, client, other_org, make_user, presumed_answers
):
    from himoya.access.roles import Role
    from himoya.access.screening import screenings_visible_to
    from himoya.fieldcapture.actions import do_create_field_user
    from himoya.fieldcapture.tests.odk import Collect

    instance_id, manifest, files = collect.encrypted(SCREENING, presumed_answers)
    assert collect.post(manifest, files).status_code == 201
    other_admin = make_user(other_org, Role.ORG_ADMIN)
    other_fu, secret = do_create_field_user(other_org, label="B", acting_user=other_admin)
    other = Collect(client, other_fu.username, secret)
    # The same instance from another organisation's phone is its own submission.
    assert other.post(manifest, files).status_code == 201
    assert Submission.objects.filter(instance_id=instance_id).count() == 2
    caseworker_b = make_user(other_org, Role.CASEWORKER)
    mine = Submission.objects.get(organisation=other_org).screening
    assert list(screenings_visible_to(caseworker_b)) == [mine]


def test_mismatched_signature_is_refused_and_nothing_is_written(collect, presumed_answers):
    _id, manifest, files = collect.encrypted(
        SCREENING, presumed_answers, media=[("photo1.jpg", PHOTO_1)]
    )
    # Swap in another submission's encrypted photo: it decrypts to garbage or fails.
    tampered = dict(files)
    body = bytearray(tampered["photo1.jpg.enc"])
    body[100] ^= 0x01  # one bit flipped in transit or on a lost phone
    tampered["photo1.jpg.enc"] = bytes(body)
    response = collect.post(manifest, tampered)
    assert response.status_code == 400
    assert message_of(response)
    assert not Submission.objects.exists()


def test_a_forged_manifest_key_is_refused(collect, presumed_answers):
    _id, manifest, files = collect.encrypted(SCREENING, presumed_answers)
    _id2, other_manifest, _files = collect.encrypted(SCREENING, presumed_answers)
    # The key of another submission: decryption fails.
    root = manifest.decode()
    key_other = other_manifest.decode().split("base64EncryptedKey>")[1]
    key_mine = root.split("base64EncryptedKey>")[1]
    forged = root.replace(key_mine, key_other).encode()
    response = collect.post(forged, files)
    assert response.status_code == 400
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "manifest,status",
    [
        (b"this is not XML", 400),
        (b"<data id='himoya_screening'><a>plain</a></data>", 400),
        (
            b"<data xmlns='http://opendatakit.org/submissions' encrypted='yes' id='nope' "
            b"version='1'><base64EncryptedKey>AAAA</base64EncryptedKey>"
            b"<encryptedXmlFile>submission.xml.enc</encryptedXmlFile>"
            b"<meta xmlns='http://openrosa.org/xforms'><instanceID>uuid:1</instanceID></meta>"
            b"</data>",
            404,
        ),
    ],
    ids=["not-xml", "not-encrypted", "unknown-form"],
)
def test_bad_input_gets_an_openrosa_error_and_nothing_is_written(collect, manifest, status, caplog):
    with caplog.at_level("WARNING", logger="himoya.fieldcapture"):
        response = collect.post(manifest, {"submission.xml.enc": b"x" * 32})
    assert response.status_code == status
    assert response["X-OpenRosa-Version"] == "1.0"
    assert message_of(response)
    assert not Submission.objects.exists()
    assert "submission refused" in caplog.text


def test_too_large_is_refused_with_413(collect, settings, presumed_answers):
    settings.HIMOYA_ODK_MAX_SUBMISSION_BYTES = 50_000
    _id, response = collect.submit(SCREENING, presumed_answers, media=[("p.jpg", PHOTO_2)])
    assert response.status_code == 413
    assert message_of(response)
    assert not Submission.objects.exists()


def test_form_download_hash_is_the_md5_of_the_form(collect):
    form = collect.forms[REGISTRATION]
    body = collect.get(form["download"]).content
    assert form["hash"] == "md5:" + hashlib.md5(body).hexdigest()


def test_private_key_is_stored_encrypted_under_the_field_key(collect):
    from django.db import connection

    from himoya.fieldcapture.models import FormVersion

    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM fieldcapture_formversion")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(value.startswith("hx1:") for value in stored)
    assert all("PRIVATE KEY" not in value for value in stored)
    assert FormVersion.objects.first().private_key.startswith("-----BEGIN PRIVATE KEY")


def test_a_submission_split_over_two_posts_is_recorded_when_complete(collect, presumed_answers):
    """Collect splits a submission larger than X-OpenRosa-Accept-Content-Length."""
    instance_id, manifest, files = collect.encrypted(
        SCREENING, presumed_answers, media=[("photo1.jpg", PHOTO_1), ("photo2.jpg", PHOTO_2)]
    )
    first = collect.post(manifest, {"photo1.jpg.enc": files["photo1.jpg.enc"]})
    assert first.status_code == 201
    submission = Submission.objects.get(instance_id=instance_id)
    assert submission.status == Submission.Status.WAITING
    assert submission.screening is None
    rest = {k: v for k, v in files.items() if k != "photo1.jpg.enc"}
    second = collect.post(manifest, rest)
    assert second.status_code == 201
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RECORDED
    assert submission.files.count() == 3
    assert submission.screening is not None


def test_an_invalid_registration_waits_and_no_answer_reaches_the_log(collect, caplog):
    with caplog.at_level("INFO", logger="himoya.fieldcapture"):
        _id, response = collect.submit(
            REGISTRATION,
            {"given_name": "Зарина", "family_name": "Қодирова", "sex": "not-a-sex"},
        )
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert submission.reason == Submission.Reason.INVALID
    assert "not-a-sex" in submission.detail  # the code, so the reviewer sees what failed
    for secret in ("Зарина", "Қодирова"):
        assert secret not in caplog.text
        assert secret not in submission.detail
        assert secret not in submission.manifest
    assert "submission" in caplog.text
