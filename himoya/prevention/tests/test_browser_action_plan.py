"""The coordinator plans, two organisations report a quarter, one report goes back and is
corrected, and the coordinator downloads the quarter's progress report in Russian."""

import datetime
import io

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from conftest import browser_sign_in, totp_now
from himoya.access.roles import Role
from himoya.cases import actions as case_actions
from himoya.cases import codes
from himoya.organisations.models import Organisation
from himoya.prevention.models import ProgressReport
from himoya.stats.tests.factories import register
from himoya.vocab import registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date.today()
YEAR, Q = TODAY.year, (TODAY.month - 1) // 3 + 1


def sign_in(page, live_server, user):
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="phone", confirmed=True)
    browser_sign_in(page, live_server, user.username)
    if "/accounts/2fa/" in page.url:
        page.fill("#id_token", totp_now(device))
        page.click("main button[type=submit]")
        page.wait_for_load_state()


def submit(page):
    page.click("main form.card button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def people(make_org, make_user):
    secretariat = make_org("commission", kind=Organisation.Kind.MINISTRY, is_national=True)
    ngo = make_org("madad", requires_status_approval=False)
    police = make_org("mia", kind=Organisation.Kind.LAW_ENFORCEMENT)
    coordinator = make_user(secretariat, Role.NATIONAL_COORDINATOR, username="sino")
    ngo_user = make_user(ngo, Role.SUPERVISOR, username="dilshod")
    police_user = make_user(police, Role.SUPERVISOR, username="firdavs")
    for user, lang in ((coordinator, "ru"), (ngo_user, "tg"), (police_user, "en")):
        user.language = lang
        user.save(update_fields=["language"])
    decider = registry.choices(codes.DECIDING_ORG)[0][0]
    first_day = datetime.date(YEAR, 3 * (Q - 1) + 1, 1)
    for _ in range(2):
        case = register(ngo, ngo_user, on=first_day)
        case_actions.do_identify_victim(
            case, decided_by=decider, decided_on=first_day, acting_user=ngo_user
        )
    return {
        "ngo": ngo,
        "police": police,
        "coordinator": coordinator,
        "ngo_user": ngo_user,
        "police_user": police_user,
    }


def test_plan_reported_returned_corrected_and_downloaded_in_russian(
    live_server, browser_context, people
):
    base = live_server.url
    coord = browser_context().new_page()
    sign_in(coord, live_server, people["coordinator"])

    coord.goto(f"{base}/prevention/plans/new/")
    coord.fill("#id_title", "Национальный план действий")
    coord.fill("#id_first_year", str(YEAR))
    coord.fill("#id_last_year", str(YEAR + 1))
    submit(coord)
    plan_url = coord.url
    coord.goto(plan_url + "add/goal/")
    coord.fill("#id_title", "Защита жертв")
    submit(coord)
    coord.goto(plan_url + "add/objective/")
    coord.fill("#id_title", "Выявление")
    submit(coord)
    for title, org in (("Identify victims", people["ngo"]), ("Train cadets", people["police"])):
        coord.goto(plan_url + "add/activity/")
        coord.fill("#id_title", title)
        coord.select_option("#id_responsible", str(org.pk))
        coord.fill("#id_starts_on", f"{YEAR}-01-01")
        coord.fill("#id_due_on", f"{YEAR + 1}-12-31")
        submit(coord)
        assert coord.url == plan_url, coord.locator("main").inner_text()
    coord.goto(plan_url + "add/indicator/")
    coord.select_option("#id_activity", label="Identify victims")
    coord.fill("#id_name", "Victims identified")
    coord.select_option("#id_unit", "persons")
    coord.select_option("#id_engine_key", "victims_identified")
    submit(coord)
    coord.goto(plan_url + "add/indicator/")
    coord.select_option("#id_activity", label="Train cadets")
    coord.fill("#id_name", "Cadets trained")
    coord.select_option("#id_unit", "persons")
    coord.fill(f"#id_target_{YEAR}", "80")
    submit(coord)
    coord.click("form[action$='/adopt/'] button")
    coord.wait_for_load_state()
    assert coord.locator("main .badge").first.inner_text() == "Принят"

    ngo = browser_context(phone=True).new_page()
    sign_in(ngo, live_server, people["ngo_user"])
    ngo.goto(f"{plan_url}?year={YEAR}&quarter={Q}")
    ngo.click("tr:has-text('Identify victims') a.button")
    ngo.check("input[name=progress][value=on_track]")
    ngo.fill("#id_done", "Screened 40 returning migrants")
    submit(ngo)

    police = browser_context(phone=True).new_page()
    sign_in(police, live_server, people["police_user"])
    police.goto(f"{plan_url}?year={YEAR}&quarter={Q}")
    police.click("tr:has-text('Train cadets') a.button")
    police.check("input[name=progress][value=delayed]")
    police.locator("input[name^=indicator_]").fill("-80")  # refused, what was typed is kept
    submit(police)
    assert police.locator(".has-error").count() == 1
    assert (
        police.locator("#id_done").input_value() == ""
        and police.locator("input[name=progress][value=delayed]").is_checked()
    )
    police.locator("input[name^=indicator_]").fill("80")
    submit(police)

    coord.goto(f"{plan_url}?year={YEAR}&quarter={Q}")
    row = coord.locator("tr:has-text('Train cadets')")
    row.locator("input[name=because]").fill("Укажите, сколько женщин")
    row.locator("form[action$='/return/'] button").click()
    coord.wait_for_load_state()
    assert ProgressReport.objects.get(activity__title="Train cadets").state == "returned"

    police.goto(f"{plan_url}?year={YEAR}&quarter={Q}")
    police.click("tr:has-text('Train cadets') a.button")
    assert "Укажите, сколько женщин" in police.locator(".errors").inner_text()
    police.fill("#id_done", "80 cadets, 18 of them women")
    police.check("input[name=progress][value=done]")
    submit(police)
    report = ProgressReport.objects.get(activity__title="Train cadets")
    assert (report.state, report.progress) == ("submitted", "done")

    coord.goto(f"{plan_url}?year={YEAR}&quarter={Q}")
    with coord.expect_download() as info:
        coord.click(f"a[href*='progress.xlsx'][href$='quarter={Q}']")
    sheet = load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Identify victims" in cells and "Train cadets" in cells
    assert "Выполнено" in cells and "Идёт по плану" in cells  # statuses in Russian
    assert 2 in cells and 80 in cells  # counted by Himoya, and typed
    assert "Статистика Химоя" in cells
