import pytest

from conftest import browser_sign_in
from himoya.access.roles import Role


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_caseworker_signs_in_and_sees_home(live_server, page, org, make_user):
    make_user(org, Role.CASEWORKER, username="zarina")
    browser_sign_in(page, live_server, "zarina")
    assert page.url == f"{live_server.url}/"
    assert "zarina" in page.content()
