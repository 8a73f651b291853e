"""Personal access tokens: scope, expiry, revocation, audit, and the one access policy."""

import datetime

import pytest
from django.utils import timezone, translation

from himoya.access.roles import Role
from himoya.api.errors import NOT_FOUND
from himoya.api.models import ApiToken
from himoya.audit.models import AuditEvent
from himoya.cases.tests.factories import register_case
from himoya.organisations.models import Membership

pytestmark = pytest.mark.django_db


def test_caseworker_token_lists_only_own_organisations_cases(
    org, other_org, make_user, issue_token, api
):
    mine = register_case(org, make_user(org))
    theirs = register_case(other_org, make_user(other_org))
    token = issue_token(org, make_user(org))
    response = api("get", "/api/v1/cases/", token)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [mine.pk]
    assert api("get", f"/api/v1/cases/{mine.pk}/", token).json()["reference"] == mine.reference
    assert api("get", f"/api/v1/cases/{theirs.pk}/", token).status_code == 404
    assert api("get", f"/api/v1/persons/{theirs.person_id}/", token).status_code == 404


def test_token_of_member_of_two_organisations_sees_only_its_own(
    org, other_org, make_user, issue_token, api
):
    both = make_user(org)
    Membership.objects.create(user=both, organisation=other_org, role=Role.CASEWORKER)
    register_case(org, both)
    theirs = register_case(other_org, both)
    token = issue_token(org, both)
    ids = [c["id"] for c in api("get", "/api/v1/cases/", token).json()["results"]]
    assert theirs.pk not in ids and len(ids) == 1
    assert api("get", f"/api/v1/cases/{theirs.pk}/", token).status_code == 404


def test_system_token_acts_with_the_role_it_was_given(org, make_user, issue_token, api):
    case = register_case(org, make_user(org))
    token = issue_token(org, role=Role.RESPONDER)  # sees only what it registered itself
    assert api("get", "/api/v1/cases/", token).json()["results"] == []
    assert api("get", f"/api/v1/cases/{case.pk}/", token).status_code == 404
    system = ApiToken.objects.get().user
    assert not system.has_usable_password()


def test_read_only_token_cannot_write(org, other_org, make_user, issue_token, api):
    token = issue_token(org, make_user(org), access="read")
    response = api("post", "/api/v1/referrals/", token, {"case": 1})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_token_reaches_only_the_parts_it_names(org, make_user, issue_token, api):
    token = issue_token(org, make_user(org), parts=["referrals"])
    assert api("get", "/api/v1/referrals/", token).status_code == 200
    assert api("get", "/api/v1/cases/", token).status_code == 403
    assert api("get", "/api/v1/indicators/", token).status_code == 403


def test_revoked_expired_and_unknown_tokens_are_refused(org, make_user, issue_token, api):
    from himoya.api.actions import do_revoke_token

    user = make_user(org)
    token = issue_token(org, user)
    assert api("get", "/api/v1/cases/", token).status_code == 200
    row = ApiToken.objects.get()
    do_revoke_token(row, acting_user=make_user(org, Role.ORG_ADMIN))
    response = api("get", "/api/v1/cases/", token)
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"status", "code", "message", "fields"}
    other = issue_token(org, user)
    ApiToken.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert api("get", "/api/v1/cases/", other).status_code == 401
    assert api("get", "/api/v1/cases/", "hmy_" + "x" * 43).status_code == 401
    assert api("get", "/api/v1/cases/", "nonsense").status_code == 401
    assert ApiToken.objects.filter(token_hash__contains=token[4:]).count() == 0


def test_deactivated_member_token_sees_nothing(org, make_user, issue_token, api):
    user = make_user(org)
    register_case(org, user)
    token = issue_token(org, user)
    Membership.objects.filter(user=user).update(is_active=False)
    response = api("get", "/api/v1/cases/", token)
    assert response.status_code == 200 and response.json()["results"] == []


def test_issue_revoke_and_every_use_are_audited(org, make_user, issue_token, api):
    from himoya.api.actions import do_revoke_token

    token = issue_token(org, make_user(org))
    row = ApiToken.objects.get()
    events = AuditEvent.objects.filter(object_type="api.apitoken", object_id=str(row.pk))
    assert events.filter(action=AuditEvent.Action.CREATE).count() == 1
    api("get", "/api/v1/cases/", token)
    api("get", "/api/v1/referrals/", token)
    uses = events.filter(action=AuditEvent.Action.LOGIN).order_by("pk")
    assert [e.detail for e in uses] == ["api GET /api/v1/cases/", "api GET /api/v1/referrals/"]
    assert uses[0].actor_id == row.user_id
    do_revoke_token(row, acting_user=make_user(org, Role.ORG_ADMIN))
    assert events.filter(action=AuditEvent.Action.STATUS_CHANGE).count() == 1


def test_identity_needs_the_right_and_is_audited(org, make_user, issue_token, api):
    case = register_case(org, make_user(org))
    worker_token = issue_token(org, make_user(org))
    admin_token = issue_token(org, make_user(org, Role.ORG_ADMIN))  # no right to identities
    plain = api("get", f"/api/v1/persons/{case.person_id}/", worker_token).json()
    assert "family_name" not in plain
    reveal = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_IDENTITY)
    assert api("get", f"/api/v1/persons/{case.person_id}/identity/", admin_token).status_code == 403
    assert reveal.count() == 0
    response = api("get", f"/api/v1/persons/{case.person_id}/identity/", worker_token)
    assert response.status_code == 200
    assert response.json()["family_name"] == "Раҳимов"
    assert reveal.filter(object_id=str(case.person_id)).count() == 1


def test_errors_are_in_the_users_language_in_one_shape(org, make_user, issue_token, api):
    user = make_user(org)
    token = issue_token(org, user)
    tajik = api("get", "/api/v1/cases/999999/", token).json()["error"]
    user.language = "ru"
    user.save(update_fields=["language"])
    russian = api("get", "/api/v1/cases/999999/", token).json()["error"]
    assert tajik["status"] == russian["status"] == 404
    assert tajik["code"] == russian["code"] == "not_found"
    with translation.override("ru"):
        assert russian["message"] == str(NOT_FOUND)
    assert tajik["message"] != russian["message"]


def test_validation_errors_name_the_fields(org, make_user, issue_token, api):
    token = issue_token(org, make_user(org))
    error = api("post", "/api/v1/referrals/", token, {"case": "x"}).json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert {"case", "to_organisation", "services", "shared_parts"} <= set(error["fields"])


def test_case_filters_match_the_case_list(org, make_user, issue_token, api):
    user = make_user(org)
    old = register_case(org, user, registered_on=datetime.date(2025, 1, 5))
    new = register_case(
        org, user, registered_on=datetime.date(2026, 5, 1), situation={"exploitation_country": "KZ"}
    )
    token = issue_token(org, user)

    def ids(**params):
        return [c["id"] for c in api("get", "/api/v1/cases/", token, params).json()["results"]]

    assert ids() == [new.pk, old.pk]  # newest first, as on the page
    assert ids(registered_from="2026-01-01") == [new.pk]
    assert ids(country="KZ") == [new.pk]
    assert ids(reference=old.reference.lower()) == [old.pk]
    assert ids(open="closed") == []
    assert api("get", "/api/v1/cases/", token, {"open": "maybe"}).status_code == 400


def test_cursor_pages_walk_every_case_once(org, make_user, issue_token, api):
    user = make_user(org)
    made = {
        register_case(org, user, registered_on=datetime.date(2026, 1, 1 + i % 3)).pk
        for i in range(7)
    }
    token = issue_token(org, user)
    seen, url = [], "/api/v1/cases/?page_size=3"
    while url:
        page = api("get", url, token).json()
        seen += [c["id"] for c in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(made) and len(seen) == 7


def test_case_list_query_count_does_not_grow_with_rows(
    org, make_user, issue_token, api, django_assert_max_num_queries
):
    user = make_user(org)
    for _ in range(5):
        register_case(org, user)
    token = issue_token(org, user)
    # token, memberships, audit of the use (lock, head, insert, update, last_used), page
    with django_assert_max_num_queries(12):
        assert len(api("get", "/api/v1/cases/", token).json()["results"]) == 5


def test_throttling_answers_429_in_the_error_shape(org, make_user, issue_token, api, settings):
    from django.core.cache import cache

    from himoya.api.throttling import PerToken

    cache.clear()
    token = issue_token(org, make_user(org))
    PerToken.THROTTLE_RATES = {"token": "2/min"}
    try:
        codes = [api("get", "/api/v1/cases/", token).status_code for _ in range(3)]
    finally:
        PerToken.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        cache.clear()
    assert codes == [200, 200, 429]


def test_statistics_are_protected_as_on_the_pages(org, make_org, make_user, issue_token, api):
    user = make_user(org)
    for _ in range(3):
        register_case(org, user, registered_on=datetime.date(2026, 2, 1))
    own = issue_token(org, user)
    national = make_org("commission")
    analyst = issue_token(national, make_user(national, Role.ANALYST))
    params = {"period": "year", "year": "2026"}
    exact = api("get", "/api/v1/indicators/cases/", own, params).json()
    assert exact["total"]["current"] == 3 and exact["protection"] is None
    protected = api("get", "/api/v1/indicators/cases/", analyst, params).json()
    assert protected["protection"]
    assert api("get", "/api/v1/indicators/nope/", own, params).status_code == 404
    assert api("get", "/api/v1/indicators/cases/", own, {"by": "nope"}).status_code == 400
    responder = issue_token(org, make_user(org, Role.RESPONDER))
    assert api("get", "/api/v1/indicators/cases/", responder).status_code == 403


def test_schema_and_reference_page_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/referrals/{id}/accept/" in schema.json()["paths"]
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "//unpkg" not in html


def test_api_answers_are_never_cached(org, make_user, issue_token, api):
    token = issue_token(org, make_user(org))
    assert "no-store" in api("get", "/api/v1/cases/", token)["Cache-Control"]


def test_name_search_is_posted_needs_the_right_and_is_audited(org, make_user, issue_token, api):
    user = make_user(org)
    case = register_case(org, user)
    register_case(org, user, person={"given_name": "Нилуфар", "family_name": "Каримова"})
    token = issue_token(org, user, access="read")  # a search only reads
    reveal = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW_IDENTITY, detail="name search (api)"
    )
    found = api("post", "/api/v1/cases/search/", token, {"q": "Rahimov"}).json()
    assert [c["id"] for c in found["results"]] == [case.pk] and found["total"] == 1
    assert reveal.count() == 1
    by_reference = api("post", "/api/v1/cases/search/", token, {"q": case.reference}).json()
    assert [c["id"] for c in by_reference["results"]] == [case.pk] and reveal.count() == 1
    filtered = api("post", "/api/v1/cases/search/", token, {"q": "Rahimov", "country": "KZ"})
    assert filtered.json()["results"] == []
    admin_token = issue_token(org, make_user(org, Role.ORG_ADMIN))  # no right to identities
    refused = api("post", "/api/v1/cases/search/", admin_token, {"q": "Rahimov"})
    assert refused.status_code == 403 and reveal.count() == 2  # the two searches above
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED)
    assert denied.filter(detail="view_identity").count() == 1
