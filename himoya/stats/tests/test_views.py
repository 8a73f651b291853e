import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.core.models import Job
from himoya.stats.tests.factories import register

PERIOD = "period=ytd&year=2026&month=9"


@pytest.fixture
def figures(org, make_user):
    caseworker = make_user(org, Role.CASEWORKER)
    for i in range(20):
        register(org, caseworker, on=date(2025, 1 + i % 9, 3), sex="male")
    for i in range(41):
        register(
            org,
            caseworker,
            on=date(2026, 1 + i % 9, 5),
            sex="female" if i % 3 == 0 else "male",
            country="AE" if i % 3 == 0 else "RU",
            exploitation=("SexualExploitation",) if i % 3 == 0 else ("ForcedLabour",),
        )
    return caseworker


@pytest.fixture
def coordinator(make_org, make_user):
    return make_user(make_org("commission", is_national=True), Role.NATIONAL_COORDINATOR)


@pytest.mark.django_db
class TestDashboard:
    url = reverse("stats_dashboard")

    def test_coordinator_sees_41_and_21_more(self, client, login, figures, coordinator):
        login(coordinator)
        response = client.get(f"{self.url}?{PERIOD}")
        assert response.status_code == 200
        headline = response.context["headlines"][0]
        assert (headline["cell"].current, headline["cell"].change) == (41, 21)
        assert headline["cell"].percent == 105
        assert "chart-sex_age" in response.content.decode()

    def test_caseworker_sees_own_figures_with_drill_down_links(self, client, login, figures):
        login(figures)
        response = client.get(f"{self.url}?{PERIOD}")
        assert response.status_code == 200
        assert reverse("case_list") + "?registered_from=2026-01-01" in response.content.decode()

    def test_coordinator_gets_no_links_to_records(self, client, login, figures, coordinator):
        login(coordinator)
        assert reverse("case_list") + "?" not in client.get(f"{self.url}?{PERIOD}").content.decode()

    def test_auditor_gets_403(self, client, login, org, make_user):
        login(make_user(org, Role.AUDITOR))
        assert client.get(self.url).status_code == 403

    def test_other_organisation_figures_answer_404(self, client, login, org, other_org, make_user):
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(f"{self.url}?org={org.slug}").status_code == 404

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(self.url)
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_impossible_period_is_refused_with_a_message(self, client, login, coordinator):
        login(coordinator)
        response = client.get(f"{self.url}?period=custom&start=2026-05-01&end=2026-01-01")
        assert response.status_code == 400
        assert "period" in response.context["error"].lower() or response.context["error"]

    def test_no_data_says_no_records(self, client, login, coordinator):
        login(coordinator)
        response = client.get(f"{self.url}?period=year&year=2019")
        assert response.status_code == 200
        assert response.context["headlines"][0]["table"].empty
        assert "no-records" in response.content.decode()


@pytest.mark.django_db
class TestJson:
    def test_breakdown_by_sex_for_a_period(self, client, login, figures, coordinator):
        login(coordinator)
        url = reverse("stats_indicator_json", args=["cases"])
        data = client.get(f"{url}?{PERIOD}&by=sex").json()
        assert data["total"] == {
            "key": [],
            "labels": [],
            "current": 41,
            "previous": 20,
            "change": 21,
            "percent": 105,
        }
        assert {c["key"][0]: c["current"] for c in data["cells"]} == {"female": 14, "male": 27}

    def test_unknown_breakdown_is_a_400(self, client, login, coordinator):
        login(coordinator)
        url = reverse("stats_indicator_json", args=["cases"])
        assert client.get(f"{url}?by=shoe_size").status_code == 400


@pytest.mark.django_db
class TestReports:
    def test_unodc_csv_carries_period_unit_and_figures(self, client, login, figures, coordinator):
        login(coordinator)
        url = reverse("stats_report", args=["unodc"])
        response = client.get(f"{url}?{PERIOD}&format=csv")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        flat = [" ".join(r) for r in rows]
        assert any("2026" in line for line in flat)
        assert AuditEvent.objects.filter(action="export", object_id="unodc").exists()

    def test_pdf_in_russian(self, client, login, figures, coordinator):
        login(coordinator)
        client.post(reverse("set_language"), {"language": "ru"})
        response = client.get(f"{reverse('stats_report', args=['osce'])}?{PERIOD}&format=pdf")
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")

    def test_xlsx_export_runs_as_a_job_with_progress(
        self, client, login, figures, coordinator, django_capture_on_commit_callbacks
    ):
        from openpyxl import load_workbook

        login(coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"{reverse('stats_report_export', args=['tip'])}?period=reporting&year=2025"
            )
        job = Job.objects.get()
        assert response.status_code == 302
        assert job.state == Job.State.DONE and job.percent == 100
        exported = AuditEvent.objects.get(action="export", object_type="stats.report")
        assert exported.object_id == "tip" and exported.detail.startswith("xlsx")
        assert exported.actor_id == coordinator.pk
        book = load_workbook(job.result_file.open("rb"))
        about = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
        assert any(row[1] and "2025" in str(row[1]) for row in about[1:])
