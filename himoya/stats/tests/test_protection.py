"""The cell-key protection, played by a national analyst who wants a small number back."""

from datetime import date

import pytest

from himoya.access.roles import Role
from himoya.stats import engine, exports, periods, protection
from himoya.stats.indicators import INDICATORS
from himoya.stats.tests.factories import register

CASES = INDICATORS["cases"]


@pytest.fixture
def world(make_org, make_user):
    """Three organisations (4, 12 and 9 cases in 2026): 16 women and girls, 2 girls;
    22 cases January–August and 2 in September; plus one person registered twice."""
    small, big, mid = make_org("small"), make_org("big"), make_org("mid")
    workers = {o: make_user(o, Role.CASEWORKER) for o in (small, big, mid)}
    plan = [(small, 4), (big, 12), (mid, 9)]
    n = 0
    for org, count in plan:
        for _ in range(count):
            sex = "female" if n < 16 else "male"
            age = 12 if n < 2 else 30
            month = 9 if n in (3, 20) else 1 + n % 8
            register(org, workers[org], on=date(2026, month, 3), sex=sex, age=age)
            n += 1
    national = make_org("commission", is_national=True)
    return {
        "small": small,
        "big": big,
        "mid": mid,
        "analyst": make_user(national, Role.ANALYST),
        "coordinator": make_user(national, Role.NATIONAL_COORDINATOR),
        "owner": workers[small],
    }


def cells(table) -> dict:
    return {c.key: c.current for c in table.cells}


def feasible(published: int) -> set[int]:
    """True counts that could have produced a published figure."""
    return set(protection.possible_true_counts(published))


@pytest.mark.django_db
def test_owner_and_granted_secretariat_see_exact_figures_and_the_analyst_does_not(world):
    year = periods.year(2026)
    own = engine.compute(CASES, year, engine.scope_for(world["owner"]))
    exact = engine.compute(CASES, year, engine.scope_for(world["coordinator"]))
    seen = engine.compute(CASES, year, engine.scope_for(world["analyst"]))
    assert own.total.current == 4 and exact.total.current == 25
    assert seen.scope.protected and not exact.scope.protected
    # the national total is shown, never hidden
    assert abs(seen.total.current - 25) <= protection.LARGEST
    assert seen.total.shown_current.isdigit()


@pytest.mark.django_db
def test_subtraction_never_recovers_a_small_figure_with_certainty(world):
    scope = engine.scope_for(world["analyst"])
    year = periods.year(2026)
    by_sex = cells(engine.compute(CASES, year, scope, ("sex",)))
    by_sex_age = cells(engine.compute(CASES, year, scope, ("sex_age",)))
    # girls = female − women
    girls_guess = by_sex[("female",)] - by_sex_age.get(("woman",), 0)
    candidates = {g for g in range(0, 10) if abs(g - girls_guess) <= 4} & feasible(
        by_sex_age.get(("girl",), 0)
    )
    assert len(candidates) > 1 and by_sex_age.get(("girl",), 0) not in (1, 2)
    # September = January–September − January–August
    jan_sep = engine.compute(CASES, periods.january_to(2026, 9), scope).total.current
    jan_aug = engine.compute(CASES, periods.january_to(2026, 8), scope).total.current
    september = {s for s in range(0, 10) if abs(s - (jan_sep - jan_aug)) <= 4}
    assert len(september) > 1
    # a small organisation = national − the others, by ?org= totals and by organisation
    national = engine.compute(CASES, year, scope).total.current
    others = sum(
        engine.compute(CASES, year, engine.scope_for(world["analyst"], world[o])).total.current
        for o in ("big", "mid")
    )
    assert len({s for s in range(0, 12) if abs(s - (national - others)) <= 6}) > 1
    by_org = cells(engine.compute(CASES, year, scope, ("organisation",)))
    assert by_org.get((world["small"].pk,), 0) not in (1, 2)


@pytest.mark.django_db
def test_the_same_records_give_the_same_figure_in_every_table_and_format(world):
    scope = engine.scope_for(world["analyst"])
    year = periods.year(2026)
    alone = cells(engine.compute(CASES, year, scope, ("sex",)))
    with_year = cells(engine.compute(CASES, year, scope, ("sex", "year")))
    assert {(k[0],): v for k, v in with_year.items()} == alone
    by_org = cells(engine.compute(CASES, year, scope, ("organisation",)))
    for name in ("small", "big", "mid"):
        filtered = engine.compute(CASES, year, engine.scope_for(world["analyst"], world[name]))
        assert filtered.total.current == by_org.get((world[name].pk,), 0)
    table = engine.compute(CASES, year, scope, ("sex",))
    csv_rows = {row[0]: row[1] for row in list(exports.table_rows(table))[: len(table.cells)]}
    assert {c.labels[0]: c.shown_current for c in table.cells} == csv_rows
    again = engine.compute(CASES, year, scope, ("sex",))
    assert cells(again) == alone  # no fresh noise on a second request


@pytest.mark.django_db
def test_forced_labour_by_sector_counts_only_forced_labour_victims(org, make_user):
    from himoya.stats import reports

    worker = make_user(org, Role.CASEWORKER)
    register(org, worker, on=date(2026, 3, 1), exploitation=("SexualExploitation",))
    register(org, worker, on=date(2026, 3, 1), exploitation=("SexualExploitation",))
    register(
        org,
        worker,
        on=date(2026, 3, 1),
        exploitation=("ForcedLabour", "SexualExploitation"),
        sectors=("A_AgricultureForestryAndFishing",),
    )
    register(org, worker, on=date(2026, 3, 1), exploitation=("ForcedLabour",))
    report = reports.reports()["unodc"]
    result = reports.build(report, periods.year(2026), engine.Scope(None, False))
    table = next(t for spec, t in result.tables if spec.by == ("labour_sector",))
    assert table.total.current == 2
    assert sum(c.current for c in table.cells) == 2


@pytest.mark.django_db
def test_the_exact_grant_is_audited_when_given_and_when_used(world, client, login, make_user):
    from himoya.audit.models import AuditEvent
    from himoya.organisations.actions import do_add_member

    admin = make_user(world["small"], Role.ORG_ADMIN)
    national = world["coordinator"].memberships.first().organisation
    membership = do_add_member(
        national, username="secretariat", role=Role.NATIONAL_COORDINATOR, acting_user=admin
    )
    given = AuditEvent.objects.get(
        object_type="organisations.membership", object_id=str(membership.pk)
    )
    assert "role" in given.fields and given.actor_id == admin.pk
    exact_uses = AuditEvent.objects.filter(object_type="stats.exact_figures")
    for who in ("analyst", "owner"):
        login(world[who])
        assert client.get("/stats/?period=year&year=2026").status_code == 200
    assert not exact_uses.exists()  # protected or own figures: nothing to write down
    login(world["coordinator"])
    assert client.get("/stats/?period=year&year=2026").status_code == 200
    assert client.get("/stats/api/cases/?period=year&year=2026").status_code == 200
    uses = list(exact_uses.filter(actor=world["coordinator"]))
    assert sorted(u.object_id for u in uses) == ["api cases", "dashboard"]
