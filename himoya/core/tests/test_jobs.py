import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.core import jobs
from himoya.core.models import Job

SEEN_WHILE_RUNNING: list[tuple[int, int, str]] = []


@jobs.job("test-count")
def count_to(job, progress, *, upto):
    """A job for the tests: count, reporting progress, and say what it saw meanwhile."""
    for i in range(1, upto + 1):
        progress(i, upto, f"item {i}")
        row = Job.objects.get(pk=job.pk)
        SEEN_WHILE_RUNNING.append((row.done, row.total, row.state))
    return {"summary": f"counted {upto}"}


@jobs.job("test-fail")
def fail(job, progress):
    progress(1, 3)
    raise ValueError("the file has no header row")


@pytest.fixture
def caseworker(org, make_user):
    return make_user(org, Role.CASEWORKER)


@pytest.mark.django_db
class TestRunningJobs:
    def test_job_reports_progress_while_running_and_finishes(
        self, caseworker, org, django_capture_on_commit_callbacks
    ):
        SEEN_WHILE_RUNNING.clear()
        with django_capture_on_commit_callbacks(execute=True):
            row = jobs.start("test-count", user=caseworker, organisation=org, upto=3)
        row.refresh_from_db()
        assert row.state == Job.State.DONE
        assert row.result == {"summary": "counted 3"}
        assert (row.done, row.total, row.percent) == (3, 3, 100)
        # The first report is written at once, while the job is still running.
        assert SEEN_WHILE_RUNNING[0] == (1, 3, Job.State.RUNNING)

    def test_failing_job_is_marked_failed_with_its_message(self, caseworker):
        row = Job.objects.create(kind="test-fail", user=caseworker)
        jobs.execute(row.pk)
        row.refresh_from_db()
        assert row.state == Job.State.FAILED
        assert row.message == "the file has no header row"

    def test_unknown_kind_is_refused(self, caseworker):
        with pytest.raises(KeyError):
            jobs.start("no-such-job", user=caseworker)


@pytest.mark.django_db
class TestJobPages:
    @pytest.fixture
    def running(self, caseworker, org):
        return Job.objects.create(
            kind="test-count",
            title="Import",
            user=caseworker,
            organisation=org,
            state=Job.State.RUNNING,
            done=1234,
            total=4936,
        )

    def test_progress_fragment_shows_percent_and_polls(self, client, login, caseworker, running):
        login(caseworker)
        response = client.get(reverse("job_progress", args=[running.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert '<progress max="100" value="25">' in html
        assert "25%" in html
        assert f'hx-get="{reverse("job_progress", args=[running.pk])}"' in html

    @pytest.mark.parametrize("language, count", [("ru", "1\xa0234"), ("en", "1,234")])
    def test_counts_are_written_in_the_users_language(
        self, client, login, caseworker, running, language, count
    ):
        caseworker.language = language
        caseworker.save()
        login(caseworker)
        html = client.get(reverse("job_detail", args=[running.pk])).content.decode()
        assert count in html

    def test_finished_job_stops_polling(self, client, login, caseworker, running):
        Job.objects.filter(pk=running.pk).update(state=Job.State.DONE)
        login(caseworker)
        html = client.get(reverse("job_progress", args=[running.pk])).content.decode()
        assert "hx-get" not in html
        assert "100%" in html

    def test_another_user_gets_404(self, client, login, org, make_user, running):
        login(make_user(org, Role.SUPERVISOR))
        for name in ("job_detail", "job_progress", "job_download"):
            assert client.get(reverse(name, args=[running.pk])).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, running):
        response = client.get(reverse("job_detail", args=[running.pk]))
        assert response["Location"].startswith(reverse("login"))

    def test_download_is_audited_as_export(
        self, client, login, caseworker, org, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        row = Job.objects.create(
            kind="test-count", user=caseworker, organisation=org, state=Job.State.DONE
        )
        row.result_file.save("cases.csv", ContentFile(b"id\n1\n"))
        login(caseworker)
        response = client.get(reverse("job_download", args=[row.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"id\n1\n"
        event = AuditEvent.objects.get(action="export")
        assert (event.actor_id, event.organisation_id, event.object_id) == (
            caseworker.pk,
            org.pk,
            str(row.pk),
        )

    def test_download_without_file_is_404(self, client, login, caseworker, running):
        login(caseworker)
        assert client.get(reverse("job_download", args=[running.pk])).status_code == 404
        assert not AuditEvent.objects.filter(action="export").exists()


@jobs.job("test-write")
def write_file(job, progress):
    progress(1, 2, "Writing")
    return {"summary": "written"}


@pytest.mark.django_db
def test_finished_job_does_not_still_say_what_it_was_doing(
    client, login, caseworker, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = jobs.start("test-write", user=caseworker, organisation=org)
    caseworker.language = "en"
    caseworker.save()
    login(caseworker)
    html = client.get(reverse("job_progress", args=[row.pk])).content.decode()
    assert '<p class="job-state">Finished</p>' in html
    assert "Writing" not in html
