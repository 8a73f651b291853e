"""The signed consent form: PDF or photograph by content, stored encrypted, shown audited."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.referrals.models import Consent

pytestmark = pytest.mark.django_db

SIGNATURE = "Ҷамшед Раҳимов".encode()


def pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setTitle("Ҷамшед Раҳимов")
    page.drawString(72, 720, "Consent signed by the person")
    page.save()
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
PE = b"MZ\x90\x00" + b"\x00" * 200


def post(client, world, name, data, content_type="application/pdf"):
    return client.post(
        reverse("consent_add", args=[world.case.pk]),
        {
            "purpose": "statistics",
            "status": "given",
            "decided_on": "2026-03-05",
            "method": "signed_form",
            "form_file": SimpleUploadedFile(name, data, content_type),
        },
    )


@pytest.mark.parametrize(
    "name,data",
    [
        ("consent.pdf", ELF),
        ("consent.pdf", PE),
        ("consent.png", b"%PDF-1.4 not really a pdf"),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + os.urandom(300)),
        ("consent.pdf", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_a_file_that_is_not_a_pdf_or_photo_is_refused(client, login, world, name, data):
    login(world.worker)
    response = post(client, world, name, data)
    assert response.status_code == 200
    assert "Upload the signed form as a PDF document" in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.parametrize("name,data", [("Ҷамшед.pdf", pdf_bytes()), ("IMG_0042", png_bytes())])
def test_pdf_and_photo_are_stored_encrypted_under_a_neutral_name(
    client, login, world, private_root, name, data
):
    login(world.worker)
    response = post(client, world, name, data, "application/octet-stream")
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert "Ҷамшед" not in consent.form_file.name and "signed-form." in consent.form_file.name
    raw = (private_root / consent.form_file.name).read_bytes()
    assert raw.startswith(b"HXF1") and data[:64] not in raw and SIGNATURE not in raw
    with consent.form_file.open() as fh:
        assert fh.read() == data


def test_signed_form_is_shown_through_an_audited_reveal(client, login, world):
    login(world.worker)
    post(client, world, "form.pdf", pdf_bytes())
    consent = Consent.objects.get()
    page = client.get(reverse("case_referrals", args=[world.case.pk])).content.decode()
    assert reverse("consent_form_file", args=[consent.pk]) in page
    url = reverse("consent_form_file", args=[consent.pk])
    assert client.get(url).status_code == 405  # a reveal is a deliberate POST
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes()[:0] + consent.form_file.read()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.filter(action="view_identity", object_type="referrals.consent")
    assert event.get().fields == ["form_file"]


def test_member_without_identity_rights_and_other_org_cannot_see_the_form(
    client, login, world, make_user
):
    login(world.worker)
    post(client, world, "form.pdf", pdf_bytes())
    url = reverse("consent_form_file", args=[Consent.objects.get().pk])
    login(make_user(world.ngo, Role.ANALYST))
    assert client.post(url).status_code in (403, 404)
    login(world.outsider_admin)
    assert client.post(url).status_code == 404
    assert not AuditEvent.objects.filter(action="view_identity").exists()
