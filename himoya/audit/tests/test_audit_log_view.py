import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from himoya.access.roles import Role
from himoya.audit.actions import Action, record
from himoya.audit.models import AuditEvent
from himoya.organisations.models import Organisation

pytestmark = pytest.mark.django_db
URL = reverse("audit_log")


@pytest.fixture
def national(make_org):
    return make_org("commission", kind=Organisation.Kind.MINISTRY, is_national=True)


@pytest.fixture
def logged(org, other_org):
    """One export in each organisation, with object ids that name their organisation."""
    record(Action.EXPORT, organisation=org, object_type="stats.table", object_id="own-1")
    record(Action.EXPORT, organisation=other_org, object_type="stats.table", object_id="alien-1")


def rows(response) -> str:
    return response.content.decode()


def test_auditor_sees_own_organisations_events_only(client, login, org, make_user, logged):
    login(make_user(org, Role.AUDITOR))
    response = client.get(URL)
    assert response.status_code == 200
    assert "own-1" in rows(response) and "alien-1" not in rows(response)


def test_auditor_cannot_reach_another_organisation_by_filter(
    client, login, org, other_org, make_user, logged
):
    login(make_user(org, Role.AUDITOR))
    response = client.get(URL, {"organisation": other_org.pk})
    assert 'name="organisation"' not in rows(response)
    assert "alien-1" not in rows(response) and "own-1" in rows(response)


def test_admin_of_other_org_sees_only_their_own_organisations_events(
    client, login, other_org, make_user, logged
):
    login(make_user(other_org, Role.ORG_ADMIN))
    html = rows(client.get(URL))
    assert "alien-1" in html and "own-1" not in html


def test_national_auditor_sees_every_organisation_and_filters_by_one(
    client, login, org, other_org, national, make_user, logged
):
    login(make_user(national, Role.AUDITOR))
    response = client.get(URL)
    assert "own-1" in rows(response) and "alien-1" in rows(response)
    response = client.get(URL, {"organisation": other_org.pk})
    assert "alien-1" in rows(response) and "own-1" not in rows(response)


def test_national_bodys_other_roles_do_not_see_everything(
    client, login, national, make_user, logged
):
    login(make_user(national, Role.NATIONAL_COORDINATOR))
    assert client.get(URL).status_code == 403


def test_filters_by_action_user_object_type_and_period(client, login, org, make_user):
    auditor = make_user(org, Role.AUDITOR)
    worker = make_user(org, Role.CASEWORKER, username="nigora")
    record(Action.UPDATE, actor=worker, organisation=org, object_type="cases.case", object_id=1)
    record(Action.EXPORT, actor=worker, organisation=org, object_type="stats.table", object_id=2)
    record(Action.UPDATE, organisation=org, object_type="cases.case", object_id=3)
    login(auditor)

    def shown(**query):
        page = client.get(URL, query).context["page"]
        return sorted(e.object_id for e in page if e.object_id in {"1", "2", "3"})

    assert shown(action="update") == ["1", "3"]
    assert shown(user="NIGORA") == ["1", "2"]
    assert shown(object_type="case") == ["1", "3"]
    today = timezone.localdate()
    assert shown(date_from=today.isoformat(), date_to=today.isoformat()) == ["1", "2", "3"]
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert shown(date_to=yesterday) == []


def test_end_before_start_shows_the_message_and_keeps_the_input(client, login, org, make_user):
    login(make_user(org, Role.AUDITOR))
    response = client.get(URL, {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    html = rows(response)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["date_to"]
    assert message in html
    assert 'value="2026-03-10"' in html and 'value="2026-03-01"' in html
    assert len(response.context["page"].object_list) == 0


def test_pagination_keeps_the_filters(client, login, org, make_user):
    for n in range(55):
        record(Action.EXPORT, organisation=org, object_type="stats.table", object_id=n)
    record(Action.UPDATE, organisation=org, object_type="cases.case", object_id=99)
    login(make_user(org, Role.AUDITOR))
    first = client.get(URL, {"action": "export"})
    assert len(first.context["page"]) == 50
    assert "action=export&amp;page=2" in rows(first)
    second = client.get(URL, {"action": "export", "page": 2})
    assert [e.action for e in second.context["page"]] == ["export"] * 5
    assert "action=export&amp;page=1" in rows(second)


def test_caseworker_gets_403_and_the_denial_is_audited(client, login, org, make_user):
    worker = make_user(org, Role.CASEWORKER)
    login(worker)
    assert client.get(URL).status_code == 403
    denial = AuditEvent.objects.get(action=Action.PERMISSION_DENIED)
    assert (denial.actor, denial.detail, denial.object_id) == (worker, "view_audit", URL)


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_query_count_does_not_grow_with_the_events(
    client, login, org, other_org, national, make_user, django_assert_max_num_queries
):
    for n in range(60):
        record(Action.EXPORT, organisation=org if n % 2 else other_org, object_id=n)
    login(make_user(national, Role.AUDITOR))
    with django_assert_max_num_queries(7):
        response = client.get(URL, {"action": "export", "page": 2})
    assert len(response.context["page"]) == 10


def test_page_speaks_tajik_by_default_and_russian_on_request(client, login, org, make_user):
    for n in range(5):
        record(Action.EXPORT, organisation=org, object_type="stats.table", object_id=n)
    auditor = make_user(org, Role.AUDITOR)
    login(auditor)
    assert "Маҷаллаи аудит" in rows(client.get(URL, {"action": "export"}))
    auditor.language = "ru"
    auditor.save(update_fields=["language"])
    html = rows(client.get(URL, {"action": "export"}))
    assert "Журнал аудита" in html and "5 событий" in html
