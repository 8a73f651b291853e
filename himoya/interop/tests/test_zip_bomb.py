"""A small upload that unpacks to gigabytes is refused before it is opened."""

import resource
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from himoya.access.roles import Role
from himoya.cases.models import Case
from himoya.core.models import Job
from himoya.interop import tabular
from himoya.interop.actions import do_import
from himoya.interop.tests.test_htcds_import import GOOD, write


def bomb(path, unpacked_mb=400):
    """An XLSX-shaped zip whose one sheet is `unpacked_mb` of the same byte."""
    block = b"<c><v>0</v></c>" * (1024 * 1024 // 15)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(unpacked_mb):
                fh.write(block)
    return path


@pytest.mark.django_db
def test_bomb_is_refused_before_opening_and_memory_stays_low(tmp_path, org, make_user):
    path = bomb(tmp_path / "cases.xlsx")
    assert path.stat().st_size < 3 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # The message names the unpacked size, in the user's language (MB, МБ).
    with pytest.raises(tabular.UnsafeFileError, match=r"\(\d+ (MB|МБ)\)"):
        do_import(org, path, "htcds", acting_user=make_user(org))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 50 * 1024
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_bomb_uploaded_on_the_page_fails_the_job_with_a_message(
    client, login, org, make_user, tmp_path, django_capture_on_commit_callbacks
):
    login(make_user(org, Role.CASEWORKER))
    data = bomb(tmp_path / "b.xlsx").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("interop_import", args=[org.slug]),
            {"format": "htcds", "file": SimpleUploadedFile("cases.xlsx", data)},
        )
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and "399" in job.message


@pytest.mark.django_db
def test_an_honest_spreadsheet_still_imports(tmp_path, org, make_user):
    path = write(tmp_path, [GOOD] * 3)
    tabular.check_archive(path)
    assert do_import(org, path, "htcds", acting_user=make_user(org))["created"] == 3
