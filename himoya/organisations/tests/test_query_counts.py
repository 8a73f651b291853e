import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from himoya.access.roles import Role


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["organisation_detail", "home"])
def test_query_count_does_not_grow_with_members(client, login, org, make_user, url_name):
    login(make_user(org, Role.ORG_ADMIN))
    url = reverse(url_name, args=[org.slug] if url_name == "organisation_detail" else [])
    for _ in range(2):
        make_user(org, Role.CASEWORKER)
    few = queries_for(client, url)
    for _ in range(20):
        make_user(org, Role.CASEWORKER)
    assert queries_for(client, url) == few


@pytest.mark.django_db
def test_member_list_query_count_is_pinned(client, login, org, make_user):
    login(make_user(org, Role.ORG_ADMIN))
    for _ in range(5):
        make_user(org, Role.CASEWORKER)
    assert queries_for(client, reverse("organisation_detail", args=[org.slug])) <= 7
