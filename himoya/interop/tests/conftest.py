import pytest

from himoya.access.roles import Role


@pytest.fixture
def importer(org, make_user):
    return make_user(org, Role.CASEWORKER)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads and export files of the tests go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
