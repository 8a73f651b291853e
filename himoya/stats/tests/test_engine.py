from datetime import date

import pytest

from himoya.access.roles import Role
from himoya.stats import cache, engine, periods
from himoya.stats.indicators import INDICATORS
from himoya.stats.tests.factories import register

NATIONAL = engine.Scope(None, 0)


@pytest.fixture
def caseworker(org, make_user):
    return make_user(org, Role.CASEWORKER)


@pytest.mark.django_db
def test_january_to_september_states_41_and_21_more_than_a_year_before(org, caseworker):
    for i in range(20):
        register(org, caseworker, on=date(2025, 1 + i % 9, 3))
    for i in range(41):
        register(org, caseworker, on=date(2026, 1 + i % 9, 5))
    register(org, caseworker, on=date(2026, 10, 1))  # after September: not counted
    register(org, caseworker, on=date(2024, 12, 31))  # before: not counted

    table = engine.compute(INDICATORS["cases"], periods.january_to(2026, 9), NATIONAL)

    assert (table.total.current, table.total.previous) == (41, 20)
    assert table.total.change == 21
    assert table.total.percent == 105


@pytest.mark.django_db
def test_a_person_with_two_cases_counts_once_as_a_person(org, caseworker):
    first = register(org, caseworker, on=date(2026, 2, 1))
    register(org, caseworker, on=date(2026, 3, 1), person=first.person)
    register(org, caseworker, on=date(2026, 3, 2))
    year = periods.year(2026)

    assert engine.compute(INDICATORS["cases"], year, NATIONAL).total.current == 3
    assert engine.compute(INDICATORS["persons"], year, NATIONAL).total.current == 2
    by_sex = engine.compute(INDICATORS["persons"], year, NATIONAL, ("sex",))
    assert [(c.key, c.current) for c in by_sex.cells] == [(("male",), 2)]
    by_type = engine.compute(INDICATORS["persons"], year, NATIONAL, ("exploitation_type",))
    assert [(c.key, c.current) for c in by_type.cells] == [(("ForcedLabour",), 2)]
    by_month = engine.compute(INDICATORS["persons"], year, NATIONAL, ("month",))
    assert [(c.key, c.current) for c in by_month.cells] == [(("2026-02",), 1), (("2026-03",), 2)]


@pytest.mark.django_db
def test_breakdowns_counted_together_equal_breakdowns_counted_alone(org, caseworker):
    register(
        org,
        caseworker,
        on=date(2026, 1, 9),
        sex="female",
        age=15,
        country="AE",
        exploitation=("SexualExploitation",),
    )
    register(
        org,
        caseworker,
        on=date(2026, 2, 9),
        sex="male",
        age=35,
        country="RU",
        exploitation=("ForcedLabour", "Servitude"),
    )
    register(
        org,
        caseworker,
        on=date(2026, 2, 19),
        sex="male",
        age=40,
        country="TJ",
        exploitation=("ForcedLabour",),
    )
    year = periods.year(2026)
    wanted = [
        ("sex",),
        ("sex_age",),
        ("month",),
        ("exploitation_type", "sex"),
        ("cross_border",),
        ("exploitation_country",),
    ]

    together = engine.compute_many(INDICATORS["cases"], year, NATIONAL, wanted)

    for by in wanted:
        alone = engine.compute(INDICATORS["cases"], year, NATIONAL, by)
        assert [(c.key, c.current) for c in together[by].cells] == [
            (c.key, c.current) for c in alone.cells
        ]
    sex_age = {c.key[0]: c.current for c in together[("sex_age",)].cells}
    assert sex_age == {"girl": 1, "man": 2}
    forms = {c.key: c.current for c in together[("exploitation_type", "sex")].cells}
    assert forms == {
        ("ForcedLabour", "male"): 2,
        ("Servitude", "male"): 1,
        ("SexualExploitation", "female"): 1,
    }
    crossing = {c.key[0]: c.current for c in together[("cross_border",)].cells}
    assert crossing == {True: 2, False: 1}


@pytest.mark.django_db
def test_an_organisation_sees_only_its_own_figures(org, other_org, caseworker, make_user):
    register(org, caseworker, on=date(2026, 5, 1))
    other = make_user(other_org, Role.CASEWORKER)
    register(other_org, other, on=date(2026, 5, 1))
    register(other_org, other, on=date(2026, 5, 2))

    table = engine.compute(INDICATORS["cases"], periods.year(2026), engine.scope_for(other))

    assert table.total.current == 2


@pytest.mark.django_db
def test_no_records_is_not_shown_as_zero(org):
    table = engine.compute(INDICATORS["cases"], periods.year(2020), NATIONAL)
    assert table.empty


@pytest.mark.django_db
def test_every_indicator_counts_on_an_empty_database_without_error():
    year = periods.year(2026)
    for indicator in INDICATORS.values():
        dims = [d.key for d in indicator.source.dimensions]
        tables = engine.compute_many(indicator, year, NATIONAL, [(), *[(d,) for d in dims]])
        assert all(t.empty for t in tables.values()), indicator.key


@pytest.mark.django_db
def test_a_month_sits_beside_the_same_month_a_year_earlier(org, caseworker):
    register(org, caseworker, on=date(2025, 3, 4))
    register(org, caseworker, on=date(2026, 3, 9))
    register(org, caseworker, on=date(2026, 3, 10))

    table = engine.compute(INDICATORS["cases"], periods.year(2026), NATIONAL, ("month",))

    assert [(c.key, c.current, c.previous) for c in table.cells] == [(("2026-03",), 2, 1)]


@pytest.mark.django_db
def test_person_counts_equal_a_count_of_the_records_themselves(monkeypatch):
    """Synthetic cases, many persons with several: every breakdown against plain Python."""
    from collections import defaultdict

    from himoya.cases import bulk, demo
    from himoya.cases.models import Case, CaseCode
    from himoya.organisations import demo as organisations_demo

    ctx = {"cases": 0, "seed": 5}
    organisations_demo.populate(ctx)
    monkeypatch.setattr(bulk, "LATER_EPISODES", 0.25)
    bulk.generate(900, demo.registrars(ctx["organisations"]), seed=5, batch_size=300)
    assert Case.objects.filter(shares_person=True).count() > 100
    indicator = INDICATORS["persons"]
    period, before = periods.year(2025), periods.year(2024)
    wanted = [(), ("month",), ("sex_age",), ("labour_sector",), ("exploitation_type", "sex")]

    tables = engine.compute_many(indicator, period, NATIONAL, wanted)

    sectors = defaultdict(list)
    for case_id, code in CaseCode.objects.filter(field="labour_sectors").values_list(
        "case_id", "code"
    ):
        sectors[case_id].append(code)
    counted = Case.objects.filter(**indicator.where)
    for by in wanted:
        expected: dict = defaultdict(lambda: (set(), set()))
        for case in counted.filter(registered_on__range=(before.start, period.end)):
            current = case.registered_on >= period.start
            keys = _keys(case, by, sectors)
            for key in keys:
                expected[key][0 if current else 1].add(case.person_id)
        got = {c.key: (c.current, c.previous) for c in (tables[by].cells or [tables[by].total])}
        assert got == {k: (len(c), len(p)) for k, (c, p) in expected.items()}, by


def _keys(case, by, sectors) -> list[tuple]:
    """The cells a case counts in, computed without the engine."""
    if by == ():
        return [()]
    if by == ("month",):
        return [(f"{case.registered_on.year + (case.registered_on.year < 2025)}-"
                 f"{case.registered_on.month:02d}",)]  # fmt: skip
    if by == ("sex_age",):
        child = case.age_group in ("child", "0-8", "9-17")
        word = {"male": ("boy", "man"), "female": ("girl", "woman")}.get(case.sex)
        return [(word[0] if child else word[1],) if word and case.age_group else ("unknown",)]
    if by == ("labour_sector",):
        return [(code,) for code in sectors.get(case.pk, [])] or [(None,)]
    return [(code, case.sex) for code in case.exploitation_types()] or [(None, case.sex)]


@pytest.mark.django_db
def test_organisation_labels_cost_one_query_whatever_the_number_of_organisations(
    make_org, make_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count: int) -> tuple[int, list[str]]:
        for _ in range(count):
            org = make_org()
            register(org, make_user(org, Role.CASEWORKER), on=date(2026, 5, 1))
        with cache.shared_scans(), CaptureQueriesContext(connection) as seen:
            table = engine.compute(
                INDICATORS["cases"], periods.year(2026), NATIONAL, ("organisation",)
            )
        return len(seen), [c.labels[0] for c in table.cells]

    few, names = queries_for(2)
    more, names_after = queries_for(3)

    assert more == few
    assert len(names_after) == 5 and set(names) < set(names_after)
