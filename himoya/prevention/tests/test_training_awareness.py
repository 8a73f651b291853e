"""Training and awareness: 80 cadets trained, a campaign's reach, counted by the engine."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from himoya.access.roles import Role
from himoya.organisations.models import Organisation
from himoya.prevention import training
from himoya.prevention.models import AwarenessEvent, Participant
from himoya.stats import figures

TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def academy(make_org):
    return make_org("academy", kind=Organisation.Kind.LAW_ENFORCEMENT)


@pytest.fixture
def trainer(make_user, academy):
    user = make_user(academy, Role.SUPERVISOR)
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def cadets(academy, trainer):
    course = training.do_create_course(
        academy,
        title="Identification and investigation of trafficking",
        topic="identification",
        acting_user=trainer,
    )
    session = training.do_record_session(
        course, organisation=academy, starts_on=START, ends_on=START, acting_user=trainer
    )
    training.do_add_participants(
        session,
        count=50,
        role="cadet",
        sex="male",
        age_group="under_25",
        agency=academy,
        pre_score=40,
        post_score=85,
        acting_user=trainer,
    )
    training.do_add_participants(
        session,
        count=30,
        role="cadet",
        sex="female",
        age_group="under_25",
        agency=academy,
        acting_user=trainer,
    )
    training.do_add_participants(
        session,
        count=2,
        role="cadet",
        sex="male",
        age_group="under_25",
        completed=False,
        acting_user=trainer,
    )
    return session


def test_eighty_cadets_completed_the_course_by_sex_and_year(cadets, academy):
    by_sex = figures.counts("trained", ("sex",), START, TODAY)
    assert by_sex == {("male",): 50, ("female",): 30}
    assert figures.counts("trained", ("topic",), START, TODAY) == {("identification",): 80}
    by_year = figures.counts("trained", ("year",), START, TODAY)
    assert sum(by_year.values()) == 80


def test_training_page_shows_the_figures_and_hides_other_organisations(
    cadets, client, login, trainer, make_org, make_user
):
    login(trainer)
    page = client.get(f"/prevention/training/?year={START.year}").content.decode()
    assert "People trained in" in page and ": 80" in page
    assert "Identification of victims" in page
    other = make_user(make_org("ngo-x"), Role.ORG_ADMIN)
    login(other)
    assert client.get(f"/prevention/training/sessions/{cadets.pk}/").status_code == 404


def test_participant_names_are_kept_encrypted(cadets, trainer):
    training.do_add_participants(
        cadets,
        count=1,
        role="police",
        sex="female",
        age_group="25_39",
        names=["Малика Раҳимова"],
        acting_user=trainer,
    )
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM prevention_participant WHERE name <> ''")
        (raw,) = cur.fetchone()
    assert "Малика" not in raw
    assert [p.name for p in Participant.objects.all() if p.name] == ["Малика Раҳимова"]


@pytest.mark.parametrize(
    "kwargs",
    [{"count": 0}, {"pre_score": 120}, {"names": ["one", "two"]}, {"sex": "x"}],
)
def test_bad_participants_are_refused(cadets, trainer, kwargs):
    values = dict(count=1, role="cadet", sex="male", age_group="under_25") | kwargs
    before = Participant.objects.count()
    with pytest.raises(ValidationError):
        training.do_add_participants(cadets, acting_user=trainer, **values)
    assert Participant.objects.count() == before


def test_awareness_campaign_reach_by_sex_and_age_counted_or_estimated(
    client, login, academy, trainer
):
    base = dict(
        campaign="Safe migration",
        region="",
        materials_produced=0,
        materials_distributed=0,
        note="",
        reached_girls=0,
        reached_boys=0,
    )
    training.do_record_awareness_event(
        academy,
        kind="forum",
        held_on=START,
        target_groups=["labour_migrants"],
        reached_women=40,
        reached_men=60,
        basis="counted",
        acting_user=trainer,
        **base,
    )
    training.do_record_awareness_event(
        academy,
        kind="radio",
        held_on=START,
        target_groups=["public"],
        reached_women=5000,
        reached_men=5000,
        basis="estimated",
        acting_user=trainer,
        **base,
    )
    reached = training.people_reached(AwarenessEvent.objects.all())
    assert (reached["total"], reached["estimated"], reached["reached_women"]) == (
        10100,
        10000,
        5040,
    )
    assert figures.counts("awareness_events", ("event_kind",), START, TODAY) == {
        ("forum",): 1,
        ("radio",): 1,
    }
    login(trainer)
    page = client.get(f"/prevention/awareness/?year={START.year}").content.decode()
    assert "10100" in page.replace("\u00a0", "").replace(",", "")


def test_awareness_event_without_target_group_or_in_the_future_keeps_the_form(
    client, login, trainer
):
    login(trainer)
    response = client.post(
        "/prevention/awareness/new/",
        {
            "campaign": "Posters by art students",
            "kind": "poster",
            "held_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "materials_produced": "500",
            "materials_distributed": "200",
            "reached_women": "0",
            "reached_men": "0",
            "reached_girls": "0",
            "reached_boys": "0",
            "basis": "estimated",
        },
    )
    assert response.status_code == 200
    assert "Posters by art students" in response.content.decode()
    assert not AwarenessEvent.objects.exists()


def test_osce_summary_and_dashboard_show_training_and_awareness_by_sex_and_year(
    cadets, academy, trainer, client, login, make_org, make_user
):
    from himoya.stats import engine, periods, reports

    training.do_record_awareness_event(
        academy,
        campaign="Safe migration",
        kind="forum",
        held_on=START,
        region="",
        target_groups=["labour_migrants"],
        materials_produced=0,
        materials_distributed=0,
        reached_women=40,
        reached_men=60,
        reached_girls=5,
        reached_boys=0,
        basis="counted",
        note="",
        acting_user=trainer,
    )
    year = periods.year(START.year)
    osce = reports.build(reports.reports()["osce"], year, engine.Scope(None, False))
    tables = {spec.by + (spec.indicator,): t for spec, t in osce.tables}
    trained = tables[("sex", "trained")]
    assert {c.key[0]: c.current for c in trained.cells} == {"male": 50, "female": 30}
    reached = tables[("reach_group", "people_reached")]
    assert {c.key[0]: c.current for c in reached.cells} == {"man": 60, "woman": 40, "girl": 5}
    assert reached.total.current == 105
    coordinator = make_user(make_org("commission", is_national=True), Role.NATIONAL_COORDINATOR)
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    login(coordinator)
    page = client.get(f"/stats/?period=year&year={START.year}").content.decode()
    assert "People trained, by sex" in page and "People reached by awareness work" in page


def test_each_cadet_who_completed_gets_a_numbered_certificate(cadets):
    numbers = list(
        Participant.objects.filter(session=cadets, completed=True).values_list(
            "certificate", flat=True
        )
    )
    assert len(numbers) == len(set(numbers)) == 80 and all(numbers)
    assert not Participant.objects.filter(completed=False).exclude(certificate="").exists()
