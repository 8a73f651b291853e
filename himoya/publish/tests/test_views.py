"""Release pages: who may prepare, approve and download; the form keeps what was typed."""

import pytest
from django.utils import translation

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.core import jobs
from himoya.publish.models import Release
from himoya.publish.tests.conftest import END, START

pytestmark = pytest.mark.django_db


def _post(client, **extra):
    data = {
        "title": "Contribution to CTDC",
        "method": "kanon",
        "period_start": START.isoformat(),
        "period_end": END.isoformat(),
        "border": "all",
        "published": ["gender", "ageBroad", "citizenship", "typeOfExploitConcatenated"],
        "quasi_identifiers": ["gender", "ageBroad", "citizenship"],
        "k": "11",
    } | extra
    return client.post("/publish/new/", data)


def test_prepare_approve_and_download_as_two_coordinators(
    register_3000, coordinators, client, login, django_capture_on_commit_callbacks
):
    first, second = coordinators
    login(first)
    response = _post(client)
    assert response.status_code == 302
    release = Release.objects.get()
    jobs.execute(release.job_id)
    page = client.get(f"/publish/{release.pk}/").content.decode()
    assert "Disclosure report" in page and "Approve the release" not in page
    login(second)
    assert "Approve the release" in client.get(f"/publish/{release.pk}/").content.decode()
    client.post(f"/publish/{release.pk}/approve/")
    release.refresh_from_db()
    assert release.state == Release.State.APPROVED and release.approved_by == second
    pdf = release.files.get(kind="report_pdf", language="ru")
    response = client.get(f"/publish/{release.pk}/files/{pdf.pk}/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", object_type="publish.release").exists()


def test_identifying_field_is_refused_and_the_form_keeps_what_was_typed(
    register_3000, coordinators, client, login
):
    login(coordinators[0])
    with translation.override("en"):
        response = _post(client, k="3", title="Typed title 2026")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Typed title 2026" in page
    assert not Release.objects.exists()


def test_analyst_sees_approved_releases_only_and_caseworkers_nothing(
    register_3000, coordinators, make_user, make_org, client, login
):
    from himoya.publish import actions

    release = actions.do_prepare_release(
        title="t",
        method="kanon",
        period_start=START,
        period_end=END,
        statuses=[],
        border="all",
        fields=["gender", "ageBroad"],
        acting_user=coordinators[0],
    )
    jobs.execute(release.job_id)
    analyst = make_user(coordinators[0].memberships.first().organisation, Role.ANALYST)
    login(analyst)
    assert client.get(f"/publish/{release.pk}/").status_code == 404
    actions.do_approve_release(release, acting_user=coordinators[1])
    assert client.get(f"/publish/{release.pk}/").status_code == 200
    caseworker = make_user(make_org("ngo-z"), Role.CASEWORKER)
    login(caseworker)
    assert client.get(f"/publish/{release.pk}/").status_code == 404
    assert client.get("/publish/new/").status_code == 403


def test_form_offers_the_ctdc_defaults_ticked(coordinators, client, login):
    import re

    login(coordinators[0])
    page = client.get("/publish/new/").content.decode()
    ticked = set(re.findall(r'name="published" value="(\w+)"[^>]*checked', page))
    assert {"gender", "ageBroad", "citizenship", "typeOfExploitConcatenated"} <= ticked
