import pytest

from himoya.access.roles import Role


@pytest.fixture
def importer(org, make_user):
    return make_user(org, Role.CASEWORKER)
