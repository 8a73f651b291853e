import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases.models import Case
from himoya.core.models import Job
from himoya.interop.tests.test_htcds_import import GOOD, write


def upload(tmp_path, records):
    path = write(tmp_path, records)
    return SimpleUploadedFile("cases.xlsx", path.read_bytes())


@pytest.mark.django_db
class TestImportPage:
    def url(self, org):
        return reverse("interop_import", args=[org.slug])

    def test_caseworker_imports_a_file_and_reads_the_report(
        self, client, login, org, importer, tmp_path, django_capture_on_commit_callbacks
    ):
        login(importer)
        assert client.get(self.url(org)).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                self.url(org), {"format": "htcds", "file": upload(tmp_path, [GOOD, GOOD])}
            )
        job = Job.objects.get(kind="interop.import")
        assert response["Location"] == reverse("job_detail", args=[job.pk])
        assert job.state == "done" and job.result["created"] == 2
        assert Case.objects.filter(organisation=org).count() == 2
        event = AuditEvent.objects.get(action="import")
        assert event.actor == importer and "created=2" in event.detail
        report = client.get(reverse("interop_import_report", args=[job.pk]))
        assert report.status_code == 200

    def test_report_names_row_and_field_in_the_readers_language(
        self, client, login, org, importer, tmp_path, django_capture_on_commit_callbacks
    ):
        login(importer)
        bad = {**GOOD, "prs_Gender": "Мард?"}
        with django_capture_on_commit_callbacks(execute=True):
            client.post(self.url(org), {"format": "htcds", "file": upload(tmp_path, [GOOD, bad])})
        job = Job.objects.get(kind="interop.import")
        assert Case.objects.count() == 0
        client.cookies["himoya_language"] = "ru"
        page = client.get(
            reverse("interop_import_report", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="ru"
        )
        html = page.content.decode()
        assert "<td>2</td>" in html and "prs_Gender" in html
        assert "Ничего не импортировано" in html

    def test_responder_gets_403(self, client, login, org, make_user):
        login(make_user(org, Role.RESPONDER))
        assert client.get(self.url(org)).status_code == 403
        assert AuditEvent.objects.filter(action="permission_denied").count() == 1

    def test_admin_of_other_org_gets_404(self, client, login, org, other_org, make_user):
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(self.url(org)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org):
        response = client.get(self.url(org))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_bad_post_keeps_the_choice_and_starts_nothing(self, client, login, org, importer):
        login(importer)
        response = client.post(self.url(org), {"format": "ctdc"})
        assert response.status_code == 200
        assert 'value="ctdc" selected' in response.content.decode()
        assert not Job.objects.exists()


@pytest.mark.django_db
class TestExportPage:
    def url(self, org):
        return reverse("interop_export", args=[org.slug])

    def test_org_admin_exports_and_downloads(
        self, client, login, org, make_user, tmp_path, django_capture_on_commit_callbacks
    ):
        from himoya.interop.actions import do_import

        do_import(org, write(tmp_path, [GOOD]), "htcds", acting_user=make_user(org))
        admin = make_user(org, Role.ORG_ADMIN)
        login(admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url(org), {"target": "htcds.csv"})
        job = Job.objects.get(kind="interop.export")
        assert response.status_code == 302 and job.state == "done", job.message
        download = client.get(reverse("job_download", args=[job.pk]))
        body = b"".join(download.streaming_content).decode()
        assert "Masculine" in body and "Ҷамшед" not in body  # no VIEW_IDENTITY
        assert AuditEvent.objects.filter(action="export", actor=admin).count() == 2

    def test_responder_gets_403(self, client, login, org, make_user):
        login(make_user(org, Role.RESPONDER))
        assert client.post(self.url(org), {"target": "ctdc.csv"}).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, org, other_org, make_user):
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(self.url(org)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org):
        assert client.get(self.url(org)).status_code == 302


@pytest.mark.django_db
def test_someone_elses_import_report_is_404(client, login, org, importer, make_user):
    job = Job.objects.create(kind="interop.import", user=importer, organisation=org)
    login(make_user(org, Role.CASEWORKER))
    assert client.get(reverse("interop_import_report", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_imported_cases_open_on_the_case_pages(client, login, org, importer, tmp_path):
    from himoya.interop.actions import do_import
    from himoya.interop.tests.test_round_trips import ctdc_sample

    do_import(org, ctdc_sample(tmp_path, rows=20), "ctdc", acting_user=importer)
    do_import(org, write(tmp_path, [GOOD]), "htcds", acting_user=importer)
    login(importer)
    assert client.get(reverse("case_list")).status_code == 200
    for case in Case.objects.filter(organisation=org):
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200


@pytest.mark.django_db
def test_home_lists_only_organisations_where_the_user_may_import(
    client, login, org, other_org, make_user
):
    user = make_user(org, Role.CASEWORKER)
    from himoya.organisations.models import Membership

    Membership.objects.create(user=user, organisation=other_org, role=Role.RESPONDER)
    login(user)
    html = client.get(reverse("interop_home")).content.decode()
    assert reverse("interop_import", args=[org.slug]) in html
    assert reverse("interop_import", args=[other_org.slug]) not in html
    assert client.get(reverse("home")).content.decode().count(reverse("interop_home")) >= 1


@pytest.mark.django_db
def test_home_sends_anonymous_to_login(client):
    assert client.get(reverse("interop_home")).status_code == 302


@pytest.mark.django_db
def test_report_of_a_failed_import_says_nothing_was_imported(client, login, org, importer):
    job = Job.objects.create(kind="interop.import", user=importer, organisation=org, state="failed")
    login(importer)
    page = client.get(reverse("interop_import_report", args=[job.pk]))
    assert "Воридкунӣ анҷом нашуд" in page.content.decode()  # Tajik, the default
