import datetime

import pytest
from django.utils import timezone

from himoya.access.roles import Role
from himoya.api.models import Part

ALL_PARTS = [p.value for p in Part]


@pytest.fixture
def issue_token(make_user):
    """Issue a token through the action: for `user`, or for a system with `role`."""

    def issue(org, user=None, *, role=Role.CASEWORKER, access="write", parts=ALL_PARTS, days=30):
        from himoya.api.actions import do_issue_token

        admin = make_user(org, Role.ORG_ADMIN)
        _token, raw = do_issue_token(
            org,
            name="partner system",
            access=access,
            parts=parts,
            expires_on=timezone.localdate() + datetime.timedelta(days=days),
            member=user,
            system_role="" if user is not None else role,
            acting_user=admin,
        )
        return raw

    return issue


@pytest.fixture
def api(client):
    """Call the API with a token: api("get", "/api/v1/cases/", token, data=…)."""

    def call(method, path, token, data=None, **headers):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}", **headers}
        if method == "get":
            return client.get(path, data or {}, **kwargs)
        return getattr(client, method)(path, data or {}, content_type="application/json", **kwargs)

    return call
