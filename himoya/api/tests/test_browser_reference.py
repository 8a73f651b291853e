"""The API's reference page works in a real browser under the Content-Security-Policy."""

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reference_page_lists_the_operations(live_server, browser_context):
    page = browser_context(locale="en-GB").new_page()
    page.goto(f"{live_server.url}/api/docs/")
    # The browser_context fixture fails the test on any CSP violation the page reports.
    page.get_by_text("/api/v1/referrals/{id}/accept/").first.wait_for()
