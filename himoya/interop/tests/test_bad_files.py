"""Files that are no table, or text in another encoding, given to the import page."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from himoya.cases.models import Case
from himoya.core.models import Job
from himoya.interop import htcds
from himoya.interop.actions import do_import
from himoya.interop.tabular import NotDataError
from himoya.interop.tests.test_htcds_import import GOOD

pytestmark = pytest.mark.django_db


RUSSIAN = {
    **GOOD,
    "prs_FirstName": "Джамшед",
    "prs_SecondName": "Рахимов",
    "prs_MailingStreet": "ул. Айни 5",
    "vic_LocationOfExploitation": "Москва, рынок “Садовод”",  # “ is 0x93 in Windows-1251
}


def htcds_csv(encoding: str) -> bytes:
    """An HTCDS CSV as Excel in a Russian locale saves it (Windows-1251, semicolons)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in htcds.rows([RUSSIAN, {**RUSSIAN, "prs_FirstName": "Зарина"}]):
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


BAD_FILES = {
    "report.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n" * 20,
    "cases.xlsx": os.urandom(64 * 1024),
    "setup.exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + os.urandom(4096),
    "cases.csv": b"PK\x03\x04" + os.urandom(2048),  # a damaged zip
}


def post(client, org, name, data, fmt="htcds"):
    return client.post(
        reverse("interop_import", args=[org.slug]),
        {"format": fmt, "file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_file_that_is_no_table_is_refused_on_the_form(client, login, org, importer, name):
    login(importer)
    response = post(client, org, name, BAD_FILES[name])
    assert response.status_code == 200  # the form again, with its message: the way back
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Ҳеҷ чиз ворид карда нашуд" in html  # "Nothing was imported", in Tajik
    assert "Traceback" not in html and "codec" not in html and "Error" not in html
    assert not Job.objects.exists() and not Case.objects.exists()


def test_the_message_is_in_the_users_language(client, login, org, importer):
    login(importer)
    client.cookies["himoya_language"] = "ru"
    response = post(client, org, "report.pdf", BAD_FILES["report.pdf"])
    assert "PDF" in response.content.decode() and "Ничего не импортировано" in (
        response.content.decode()
    )


def test_a_windows_1251_csv_from_excel_imports(
    client, login, org, importer, django_capture_on_commit_callbacks
):
    login(importer)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, org, "cases.csv", htcds_csv("cp1251"))
    assert response.status_code == 302
    job = Job.objects.get(kind="interop.import")
    assert job.result["created"] == 2, job.result
    names = {c.person.given_name for c in Case.objects.select_related("person")}
    assert names == {"Джамшед", "Зарина"}
    places = set(Case.objects.values_list("situation__exploitation_place", flat=True))
    assert places == {"Москва, рынок “Садовод”"}


def test_windows_1251_text_on_the_command_line_path_too(tmp_path, org, importer):
    path = tmp_path / "cases.csv"
    path.write_bytes(htcds_csv("cp1251"))
    assert do_import(org, path, "htcds", acting_user=importer)["created"] == 2


def test_a_pdf_given_to_the_command_line_is_refused(tmp_path, org, importer):
    path = tmp_path / "cases.pdf"
    path.write_bytes(BAD_FILES["report.pdf"])
    with pytest.raises(NotDataError):
        do_import(org, path, "htcds", acting_user=importer)
    assert not Case.objects.exists()


def test_a_spreadsheet_that_cannot_be_read_ends_on_the_report_with_the_way_back(
    client, login, org, importer, django_capture_on_commit_callbacks
):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook>not a workbook")
    login(importer)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, org, "cases.xlsx", buffer.getvalue())
    job = Job.objects.get(kind="interop.import")
    assert response.status_code == 302 and job.result.get("not_data"), job.message
    report = client.get(reverse("interop_import_report", args=[job.pk])).content.decode()
    assert job.result["not_data"] in report
    assert reverse("interop_import", args=[org.slug]) in report  # the way back
    assert "Traceback" not in report and not Case.objects.exists()
