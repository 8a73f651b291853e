"""Action plans: drafted, adopted and frozen, reported on each quarter, returned, counted."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from openpyxl import load_workbook

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases import actions as case_actions
from himoya.cases import codes
from himoya.organisations.models import Organisation
from himoya.prevention import plans
from himoya.prevention.models import ActionPlan, ProgressReport
from himoya.stats.tests.factories import register
from himoya.vocab import registry

TODAY = timezone.localdate()
YEAR = TODAY.year
Q = (TODAY.month - 1) // 3 + 1


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def secretariat(make_org):
    return make_org("secretariat", kind=Organisation.Kind.MINISTRY, is_national=True)


@pytest.fixture
def coordinator(make_user, secretariat):
    return make_user(secretariat, Role.NATIONAL_COORDINATOR)


@pytest.fixture
def ngo(make_org):
    return make_org("madad", requires_status_approval=False)


@pytest.fixture
def police(make_org):
    return make_org("mvd", kind=Organisation.Kind.LAW_ENFORCEMENT)


@pytest.fixture
def plan(secretariat, coordinator, ngo, police):
    """An adopted plan with two activities: one NGO, one police; one counted indicator."""
    p = plans.do_create_plan(
        secretariat,
        title="National Action Plan",
        kind=ActionPlan.Kind.NATIONAL,
        first_year=YEAR - 1,
        last_year=YEAR + 1,
        acting_user=coordinator,
    )
    goal = plans.do_add_goal(p, title="Protect victims", acting_user=coordinator)
    objective = plans.do_add_objective(goal, title="Identify victims", acting_user=coordinator)
    a1 = plans.do_add_activity(
        objective,
        title="Identify and assist victims",
        responsible=ngo,
        partners=[police],
        starts_on=datetime.date(YEAR - 1, 1, 1),
        due_on=datetime.date(YEAR + 1, 12, 31),
        budget=Decimal("50000"),
        currency="TJS",
        acting_user=coordinator,
    )
    plans.do_add_indicator(
        a1,
        name="Victims identified",
        unit="persons",
        baseline=Decimal(10),
        targets={YEAR: Decimal(40)},
        engine_key="victims_identified",
        acting_user=coordinator,
    )
    a2 = plans.do_add_activity(
        objective,
        title="Train police officers",
        responsible=police,
        starts_on=datetime.date(YEAR - 1, 1, 1),
        due_on=datetime.date(YEAR + 1, 12, 31),
        acting_user=coordinator,
    )
    plans.do_add_indicator(a2, name="Officers trained", unit="persons", acting_user=coordinator)
    plans.do_adopt(p, adopted_on=TODAY, acting_user=coordinator)
    p.refresh_from_db()
    return p


def _activity(plan, title):
    return plans.Activity.objects.get(objective__goal__plan=plan, title=title)


def test_adopted_plan_is_frozen_and_amended_as_a_new_version(plan, coordinator):
    goal = plan.goals.get()
    with pytest.raises(ValidationError):
        plans.do_add_goal(plan, title="Late idea", acting_user=coordinator)
    new = plans.do_amend(plan, acting_user=coordinator)
    assert (new.version, new.amends, new.status) == (2, plan, ActionPlan.Status.DRAFT)
    assert plans.Activity.objects.filter(objective__goal__plan=new).count() == 2
    plans.do_add_goal(new, title="Prevent", acting_user=coordinator)
    assert plan.goals.count() == 1 and goal.objectives.count() == 1


def test_engine_indicator_fills_itself_with_the_organisations_count(plan, ngo, make_user):
    worker = make_user(ngo, Role.SUPERVISOR)
    start = plans.quarter_start(YEAR, Q)
    decider = registry.choices(codes.DECIDING_ORG)[0][0]
    for _ in range(3):
        case = register(ngo, worker, on=start)
        case_actions.do_identify_victim(
            case, decided_by=decider, decided_on=start, acting_user=worker
        )
    register(ngo, worker, on=start)  # presumed only: not counted
    report = plans.do_submit_report(
        _activity(plan, "Identify and assist victims"),
        organisation=ngo,
        year=YEAR,
        quarter=Q,
        progress="on_track",
        done="Shelter open",
        spent=Decimal("1200"),
        values={},
        acting_user=worker,
    )
    value = report.values.get()
    assert (value.value, value.from_statistics) == (Decimal(3), True)


@pytest.mark.parametrize(
    "unit,value",
    [("persons", Decimal("2.5")), ("percent", Decimal(150)), ("events", Decimal(-1))],
)
def test_indicator_value_in_the_wrong_unit_is_refused(
    plan, coordinator, police, make_user, unit, value
):
    activity = _activity(plan, "Train police officers")
    indicator = activity.indicators.get()
    indicator.unit = unit
    indicator.save()
    with pytest.raises(ValidationError):
        plans.do_submit_report(
            activity,
            organisation=police,
            year=YEAR,
            quarter=Q,
            progress="on_track",
            done="",
            spent=None,
            values={indicator.pk: value},
            acting_user=make_user(police, Role.SUPERVISOR),
        )
    assert not ProgressReport.objects.exists()


def test_closed_quarter_and_other_organisation_are_refused(
    plan, coordinator, ngo, police, make_user
):
    activity = _activity(plan, "Train police officers")
    kwargs = dict(progress="done", done="", spent=None, values={})
    with pytest.raises(ValidationError, match="responsible"):
        plans.do_submit_report(
            activity, organisation=ngo, year=YEAR, quarter=Q, acting_user=coordinator, **kwargs
        )
    plans.do_close_quarter(plan, YEAR, Q, acting_user=coordinator)
    with pytest.raises(ValidationError, match="closed"):
        plans.do_submit_report(
            activity, organisation=police, year=YEAR, quarter=Q, acting_user=coordinator, **kwargs
        )
    with pytest.raises(ValidationError, match="not begun"):
        plans.do_submit_report(
            activity,
            organisation=police,
            year=YEAR + 1,
            quarter=4,
            acting_user=coordinator,
            **kwargs,
        )


def test_due_before_start_and_unknown_currency_are_refused(secretariat, coordinator, ngo):
    p = plans.do_create_plan(
        secretariat,
        title="P",
        kind="national",
        first_year=YEAR,
        last_year=YEAR,
        acting_user=coordinator,
    )
    objective = plans.do_add_objective(
        plans.do_add_goal(p, title="G", acting_user=coordinator), title="O", acting_user=coordinator
    )
    with pytest.raises(ValidationError) as exc:
        plans.do_add_activity(
            objective,
            title="A",
            responsible=ngo,
            starts_on=datetime.date(YEAR, 6, 1),
            due_on=datetime.date(YEAR, 5, 1),
            budget=Decimal(10),
            currency="XYZ",
            acting_user=coordinator,
        )
    assert set(exc.value.message_dict) == {"due_on", "currency"}
    with pytest.raises(ValidationError, match="at least one activity"):
        plans.do_adopt(p, adopted_on=TODAY, acting_user=coordinator)


def test_report_returned_and_corrected_through_the_pages(
    plan, client, login, police, coordinator, make_user
):
    activity = _activity(plan, "Train police officers")
    indicator = activity.indicators.get()
    officer = make_user(police, Role.SUPERVISOR)
    url = f"/prevention/plans/activities/{activity.pk}/report/{YEAR}/{Q}/"
    login(officer)
    bad = client.post(
        url, {"progress": "on_track", "done": "Course held", f"indicator_{indicator.pk}": "2.5"}
    )
    assert bad.status_code == 200
    assert "Course held" in bad.content.decode()  # what was typed is kept
    assert not ProgressReport.objects.exists()
    ok = client.post(
        url, {"progress": "on_track", "done": "Course held", f"indicator_{indicator.pk}": "80"}
    )
    assert ok.status_code == 302
    report = ProgressReport.objects.get()
    login(coordinator)
    client.post(f"/prevention/plans/reports/{report.pk}/return/", {"because": "Say how many women"})
    report.refresh_from_db()
    assert report.state == ProgressReport.State.RETURNED
    login(officer)
    page = client.get(url).content.decode()
    assert "Say how many women" in page
    client.post(
        url, {"progress": "done", "done": "80 cadets, 12 women", f"indicator_{indicator.pk}": "80"}
    )
    report.refresh_from_db()
    assert (report.state, report.progress) == (ProgressReport.State.SUBMITTED, "done")
    assert AuditEvent.objects.filter(object_type="prevention.progressreport").count() >= 3


def test_other_organisation_cannot_report_and_drafts_stay_inside(
    plan, client, login, ngo, police, make_user, secretariat, coordinator
):
    activity = _activity(plan, "Train police officers")
    login(make_user(ngo, Role.SUPERVISOR))
    url = f"/prevention/plans/activities/{activity.pk}/report/{YEAR}/{Q}/"
    assert client.post(url, {"progress": "done"}).status_code == 403
    draft = plans.do_create_plan(
        secretariat,
        title="Next plan",
        kind="national",
        first_year=YEAR + 2,
        last_year=YEAR + 4,
        acting_user=coordinator,
    )
    stranger = make_user(police, Role.CASEWORKER)
    login(stranger)
    assert client.get(f"/prevention/plans/{draft.pk}/").status_code == 404
    assert client.get(f"/prevention/plans/{plan.pk}/").status_code == 200
    login(make_user(ngo, Role.ORG_ADMIN))
    response = client.post(f"/prevention/plans/{draft.pk}/comment/", {"text": "Add shelters"})
    assert response.status_code == 302
    assert draft.comments.get().organisation == ngo


def test_coordinator_sees_missing_reports_and_downloads_progress_in_russian(
    plan, client, login, coordinator, police, make_user
):
    plans.do_submit_report(
        _activity(plan, "Train police officers"),
        organisation=police,
        year=YEAR,
        quarter=Q,
        progress="delayed",
        done="",
        spent=None,
        values={_activity(plan, "Train police officers").indicators.get().pk: Decimal(80)},
        acting_user=make_user(police, Role.SUPERVISOR),
    )
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    login(coordinator)
    page = client.get(f"/prevention/plans/{plan.pk}/?year={YEAR}&quarter={Q}").content.decode()
    missing = page.split("Not reported yet")[1].split("</div>")[0]
    assert "Identify and assist victims" in missing and "Train police officers" not in missing
    coordinator.language = "ru"
    coordinator.save(update_fields=["language"])
    response = client.get(f"/prevention/plans/{plan.pk}/progress.xlsx?year={YEAR}&quarter={Q}")
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in cells for v in row if v is not None]
    assert "Train police officers" in flat and "Identify and assist victims" in flat
    assert 80 in flat
    assert "Мероприятие" in flat and "Задерживается" in flat  # in Russian
    assert AuditEvent.objects.filter(action="export", object_type="prevention.actionplan").exists()


@pytest.mark.parametrize(
    "lang,word", [("ru", "Мероприятие"), ("tg", "Чорабинӣ"), ("en", "Activity")]
)
def test_progress_pdf_of_the_year_fits_the_page_in_every_language(
    plan, client, login, coordinator, police, make_user, lang, word
):
    from pypdf import PdfReader

    activity = _activity(plan, "Train police officers")
    plans.do_submit_report(
        activity,
        organisation=police,
        year=YEAR,
        quarter=Q,
        progress="done",
        done="Eighty cadets of the Academy completed the identification course",
        spent=Decimal("2500.50"),
        values={activity.indicators.get().pk: Decimal(80)},
        acting_user=make_user(police, Role.SUPERVISOR),
    )
    coordinator.language = lang
    coordinator.save(update_fields=["language"])
    login(coordinator)
    response = client.get(f"/prevention/plans/{plan.pk}/progress.pdf?year={YEAR}&quarter=year")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert word in text
    assert "Train police officers" in text and "Identify and assist victims" in text
    assert "2500.50" in text and "80" in text
    width = float(reader.pages[0].mediabox.width)
    assert width > float(reader.pages[0].mediabox.height)  # landscape: the table fits


def test_reminder_and_returned_report_on_the_reporters_home(
    plan, client, login, coordinator, ngo, police, make_user
):
    officer = make_user(police, Role.SUPERVISOR)
    officer.language = "en"
    officer.save(update_fields=["language"])
    activity = _activity(plan, "Train police officers")
    report = plans.do_submit_report(
        activity,
        organisation=police,
        year=YEAR,
        quarter=Q,
        progress="on_track",
        done="",
        spent=None,
        values={},
        acting_user=officer,
    )
    login(coordinator)
    response = client.post(f"/prevention/plans/{plan.pk}/remind/?year={YEAR}&quarter={Q}")
    assert response.status_code == 302
    assert [r.organisation for r in plan.reminders.all()] == [ngo]  # the police reported
    plans.do_return_report(report, because="Add the number of women", acting_user=coordinator)
    ngo_admin = make_user(ngo, Role.ORG_ADMIN)
    ngo_admin.language = "en"
    ngo_admin.save(update_fields=["language"])
    login(ngo_admin)
    home = client.get("/").content.decode()
    assert "Progress reports due" in home and "1 activity without a report" in home
    login(officer)
    home = client.get("/").content.decode()
    assert "Add the number of women" in home


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_evidence_is_checked_by_content_stored_encrypted_and_shown_audited(
    plan, client, login, police, coordinator, make_user, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from himoya.prevention.models import Evidence

    activity = _activity(plan, "Train police officers")
    officer = make_user(police, Role.SUPERVISOR)
    url = f"/prevention/plans/activities/{activity.pk}/report/{YEAR}/{Q}/"
    login(officer)
    exe = SimpleUploadedFile("photo.png", b"MZ\x90\x00" + b"\x00" * 200)
    bad = client.post(url, {"progress": "done", "done": "Course held", "evidence": exe})
    assert bad.status_code == 200 and "Course held" in bad.content.decode()
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    photo = SimpleUploadedFile("IMG_0042", _png())
    ok = client.post(url, {"progress": "done", "done": "Course held", "evidence": photo})
    assert ok.status_code == 302
    evidence = Evidence.objects.get()
    raw = (settings.HIMOYA_PRIVATE_ROOT / evidence.file.name).read_bytes()
    assert not raw.startswith(b"\x89PNG")  # encrypted at rest
    login(coordinator)
    shown = client.get(f"/prevention/plans/evidence/{evidence.pk}/")
    assert shown.status_code == 200 and b"".join(shown.streaming_content).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(object_type="prevention.evidence", action="export").exists()
    login(make_user(_activity(plan, "Identify and assist victims").responsible, Role.ORG_ADMIN))
    assert client.get(f"/prevention/plans/evidence/{evidence.pk}/").status_code == 404
