import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from himoya.access.roles import Role
from himoya.audit.actions import Action, record

pytestmark = pytest.mark.django_db


def test_auditor_home_counts_last_weeks_events_of_their_scope(
    client, login, org, other_org, make_user
):
    for _ in range(3):
        record(Action.FAILED_LOGIN, organisation=org, detail="someone")
    record(Action.FAILED_LOGIN, organisation=other_org, detail="elsewhere")
    record(Action.EXPORT, organisation=org, object_type="stats.table", object_id=1)
    login(make_user(org, Role.AUDITOR))
    response = client.get(reverse("home"))
    (section,) = [s for s in response.context["home_sections"] if s["template"].startswith("audit")]
    counts = {item["action"]: item["count"] for item in section["items"]}
    assert counts == {"failed_login": 3, "permission_denied": 0, "view_identity": 0, "export": 1}
    since = (timezone.localdate() - datetime.timedelta(days=6)).isoformat()
    assert f"action=failed_login&amp;date_from={since}" in response.content.decode()


def test_caseworker_home_has_no_audit_section(client, login, org, make_user):
    login(make_user(org, Role.CASEWORKER))
    response = client.get(reverse("home"))
    assert not [s for s in response.context["home_sections"] if s["template"].startswith("audit")]
