"""One coordinator prepares a release in Tajik on a phone, another approves it in Russian;
the files and the report download, and both steps are in the audit log."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import browser_sign_in, totp_now
from himoya.audit.models import AuditEvent
from himoya.publish.models import Release
from himoya.publish.tests.conftest import generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="phone", confirmed=True)
    browser_sign_in(page, live_server, user.username)
    if "/accounts/2fa/" in page.url:
        page.fill("#id_token", totp_now(device))
        page.click("main button[type=submit]")
        page.wait_for_load_state()


def test_prepare_and_approve_a_release(live_server, browser_context, coordinators):
    generate(1500)
    first, second = coordinators
    for user, lang in ((first, "tg"), (second, "ru")):
        user.language = lang
        user.save(update_fields=["language"])
    base = live_server.url

    page = browser_context(phone=True).new_page()
    sign_in(page, live_server, first)
    page.goto(f"{base}/publish/new/")
    page.fill("#id_title", "Саҳм ба CTDC 2026")
    page.fill("#id_period_start", "2000-01-01")
    page.fill("#id_period_end", "2030-12-31")
    page.fill("#id_k", "3")  # below 5: refused, what was typed stays
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#id_title").input_value() == "Саҳм ба CTDC 2026"
    assert page.locator(".has-error").count() >= 1
    page.fill("#id_k", "11")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    release = Release.objects.get()
    page.reload()
    assert release.files.exists()
    assert page.locator("text=Тасдиқ кардани нашр").count() == 0  # not by the preparer

    other = browser_context().new_page()
    sign_in(other, live_server, second)
    other.goto(f"{base}/publish/{release.pk}/")
    assert "Отчёт о раскрытии" in other.locator("main").inner_text()
    other.click("form[action$='/approve/'] button")
    other.wait_for_load_state()
    release.refresh_from_db()
    assert release.state == Release.State.APPROVED
    for kind in ("csv", "report_pdf"):
        link = other.locator(f"a[href$='/files/{release.files.filter(kind=kind).first().pk}/']")
        with other.expect_download() as info:
            link.click()
        assert info.value.path().stat().st_size > 100
    events = AuditEvent.objects.filter(object_type="publish.release", object_id=str(release.pk))
    assert events.filter(action="create", actor=first).exists()
    assert events.filter(action="status_change", actor=second).exists()
