"""Exports and uploads hold identities: encrypted at rest, private, deleted, rights checked."""

import datetime
import os
import stat

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from himoya.access import policy
from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.core import jobs
from himoya.core.models import Job
from himoya.interop.tests.test_htcds_import import GOOD, write
from himoya.organisations.models import Membership

NAMES = ["Ҷамшед".encode(), "Раҳимов".encode(), b"+992 93 555 0101"]


def files_under(*roots):
    for root in roots:
        for folder, _dirs, names in os.walk(root):
            for name in names:
                yield os.path.join(folder, name)


def assert_no_plaintext(*roots):
    seen = 0
    for path in files_under(*roots):
        raw = open(path, "rb").read()
        for name in NAMES:
            assert name not in raw, f"{name!r} in the clear in {path}"
        seen += 1
    return seen


@pytest.fixture
def caseworker(org, make_user):
    return make_user(org, Role.CASEWORKER)


@pytest.fixture
def exported(client, login, org, caseworker, tmp_path, django_capture_on_commit_callbacks):
    from himoya.interop.actions import do_import

    do_import(org, write(tmp_path / "in", [GOOD]), "htcds", acting_user=caseworker)
    (tmp_path / "in" / "htcds.xlsx").unlink(missing_ok=True)
    login(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interop_export", args=[org.slug]), {"target": "htcds.xlsx"})
    job = Job.objects.get(kind="interop.export")
    assert job.state == Job.State.DONE, job.message
    return job


def _mkdir(tmp_path):
    (tmp_path / "in").mkdir(exist_ok=True)


@pytest.mark.django_db
class TestFilesAtRest:
    @pytest.fixture(autouse=True)
    def _in(self, tmp_path):
        _mkdir(tmp_path)

    def test_export_is_encrypted_private_and_downloads_in_the_clear(
        self, client, exported, private_root, settings
    ):
        path = private_root / exported.result_file.name
        assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
        assert assert_no_plaintext(private_root, settings.MEDIA_ROOT) >= 1
        response = client.get(reverse("job_download", args=[exported.pk]))
        body = b"".join(response.streaming_content)
        assert body.startswith(b"PK")  # the XLSX itself
        import io

        from openpyxl import load_workbook

        cells = [c for row in load_workbook(io.BytesIO(body)).active.values for c in row]
        assert "Ҷамшед" in cells

    def test_import_upload_is_kept_encrypted_until_the_job_reads_it(
        self, client, login, org, caseworker, tmp_path, private_root
    ):
        login(caseworker)
        data = write(tmp_path, [GOOD]).read_bytes()
        # Queue only (no on-commit run): the upload waits on disk for the worker.
        client.post(
            reverse("interop_import", args=[org.slug]),
            {"format": "htcds", "file": SimpleUploadedFile("cases.xlsx", data)},
        )
        job = Job.objects.get(kind="interop.import")
        stored = job.params["path"]
        assert stored.startswith(str(private_root))
        assert os.path.exists(stored) and stat.S_IMODE(os.stat(stored).st_mode) == 0o600
        assert open(stored, "rb").read(4) == b"HXF1"
        from himoya.crypto.files import open_reader

        assert open_reader(stored).read() == data
        jobs.execute(job.pk)
        job.refresh_from_db()
        assert job.state == Job.State.DONE and job.result["imported"], job.message
        assert not os.path.exists(os.path.dirname(stored))

    def test_exports_older_than_the_retention_are_deleted(self, exported, private_root, settings):
        path = private_root / exported.result_file.name
        settings.HIMOYA_FILE_RETENTION_HOURS = 24
        jobs.sweep_files(timezone.now() + datetime.timedelta(hours=23))
        assert path.exists()
        jobs.sweep_files(timezone.now() + datetime.timedelta(hours=25))
        assert not path.exists()
        exported.refresh_from_db()
        assert not exported.result_file


@pytest.mark.django_db
class TestDeadJobs:
    def test_worker_start_fails_jobs_left_running_and_removes_their_files(
        self, caseworker, org, private_root
    ):
        from himoya.crypto.files import private_dir

        folder = private_dir("imports", "abc")
        upload = folder / "cases.xlsx"
        upload.write_bytes(b"HXF1...")
        stray = private_dir("tmp") / "openpyxl.xyz"
        stray.write_bytes(b"leftover")
        long_ago = timezone.now() - datetime.timedelta(hours=1)
        dead = Job.objects.create(
            kind="interop.import",
            user=caseworker,
            organisation=org,
            state=Job.State.RUNNING,
            started_at=long_ago,
            heartbeat_at=long_ago,
            params={"path": str(upload)},
        )
        alive = Job.objects.create(
            kind="interop.import",
            user=caseworker,
            state=Job.State.RUNNING,
            started_at=long_ago,
            heartbeat_at=timezone.now(),
        )
        jobs.on_worker_start()
        dead.refresh_from_db()
        alive.refresh_from_db()
        assert dead.state == Job.State.FAILED and dead.finished_at
        assert "worker stopped" in dead.message
        assert alive.state == Job.State.RUNNING
        assert not folder.exists()
        # A job is still running elsewhere, but the stray file is older than a heartbeat.
        os.utime(private_dir("tmp") / "openpyxl.xyz", (0, 0))
        jobs.on_worker_start()
        assert not stray.exists()

    def test_job_page_shows_a_dead_job_as_failed(self, client, login, caseworker, org):
        long_ago = timezone.now() - datetime.timedelta(hours=1)
        job = Job.objects.create(
            kind="interop.export",
            user=caseworker,
            organisation=org,
            state=Job.State.RUNNING,
            started_at=long_ago,
            heartbeat_at=long_ago,
        )
        login(caseworker)
        html = client.get(reverse("job_progress", args=[job.pk])).content.decode()
        assert "Кор бо хато қатъ шуд." in html and "worker stopped" not in html
        job.refresh_from_db()
        assert job.state == Job.State.FAILED

    @pytest.mark.django_db(transaction=True)
    def test_running_job_writes_a_heartbeat(self, caseworker, settings):
        settings.HIMOYA_JOB_HEARTBEAT_SECONDS = 0.05
        seen = []

        @jobs.job("test-slow")
        def slow(job, progress):
            import time

            time.sleep(0.3)
            seen.append(Job.objects.get(pk=job.pk).heartbeat_at)

        row = Job.objects.create(kind="test-slow", user=caseworker)
        jobs.execute(row.pk)
        row.refresh_from_db()
        assert seen[0] > row.started_at

    def test_job_over_its_memory_budget_fails_with_a_message(self, caseworker, settings):
        settings.HIMOYA_JOB_MEMORY_MB = 64

        @jobs.job("test-greedy")
        def greedy(job, progress):
            return {"size": len(bytearray(512 * 1024 * 1024))}

        row = Job.objects.create(kind="test-greedy", user=caseworker)
        jobs._WORKER["bounded"] = True
        try:
            jobs.execute(row.pk)
        finally:
            jobs._WORKER["bounded"] = False
        row.refresh_from_db()
        assert row.state == Job.State.FAILED and "memory" in row.message


@pytest.mark.django_db
class TestDownloadRights:
    @pytest.fixture(autouse=True)
    def _in(self, tmp_path):
        _mkdir(tmp_path)

    def url(self, job):
        return reverse("job_download", args=[job.pk])

    def test_download_is_audited_and_not_cached(self, client, exported, caseworker):
        before = AuditEvent.objects.filter(action="export", actor=caseworker).count()
        response = client.get(self.url(exported))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert AuditEvent.objects.filter(action="export", actor=caseworker).count() == before + 1

    def test_member_removed_after_the_export_gets_403(self, client, exported, caseworker):
        Membership.objects.filter(user=caseworker).delete()
        response = client.get(self.url(exported))
        assert response.status_code == 403
        assert AuditEvent.objects.filter(action="permission_denied", actor=caseworker).exists()

    def test_member_who_lost_identity_rights_gets_403_for_an_identity_export(
        self, client, login, exported, caseworker
    ):
        Membership.objects.filter(user=caseworker).update(role=Role.ORG_ADMIN)
        policy.forget(caseworker)
        login(caseworker)  # an admin passes the second factor
        assert client.get(self.url(exported)).status_code == 403

    def test_file_without_identities_stays_downloadable_without_identity_rights(
        self, client, login, org, make_user
    ):
        admin = make_user(org, Role.ORG_ADMIN)
        job = Job.objects.create(
            kind="interop.export",
            user=admin,
            organisation=org,
            state=Job.State.DONE,
            result={"count": 1, "with_identity": False},
        )
        job.result_file.save("x.csv", ContentFile(b"a,b\n"))
        login(admin)
        assert client.get(self.url(job)).status_code == 200
