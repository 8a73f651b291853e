"""A national analyst tries to get small figures back from everything published to them.

"Recovered" is meant precisely: the analyst knows the published rule (protection.py:
possible_true_counts gives every true count a published figure can come from) and
which published cells contain which others (female ⊇ women; January–September ⊇
January–August; the national total ⊇ each organisation's). From every relation
"X = A − B₁ − … − Bₙ" that the published tables allow (Bᵢ disjoint parts of A) and
from X's own published figure, the true values of X still possible form a set; a
figure whose true value is 1 to 4 is recovered when that set holds that single value.
The tests collect the figures of every pair of breakdowns, several overlapping periods
and every organisation filter, then search every such relation among them (the record
sets are known to the test, not to the analyst). With a hard ±2 bound on the change
this search pinned 4 of 1,421 small figures exactly; the rule's rare tails stop it.
"""

import csv
import io
import itertools
import random
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from himoya.access.roles import Role
from himoya.stats import engine, exports, periods, protection, reports
from himoya.stats.indicators import INDICATORS
from himoya.stats.tests.factories import register

UNITS = ("cases", "persons")
PERIODS = {
    "year": periods.year(2026),
    "jan_aug": periods.january_to(2026, 8),
    "jan_sep": periods.january_to(2026, 9),
    "q3": periods.custom(date(2026, 7, 1), date(2026, 9, 30)),
}
SKIP = {"district_of_origin", "case_status", "means_of_control"}


def preimage(published: int) -> range:
    """True counts that the published rule can turn into `published`."""
    return protection.possible_true_counts(published)


@pytest.fixture
def world(make_org, make_user):
    """Three organisations, 61 cases in 2026 and some in 2025, three persons with two
    cases; many cells of 1–4 (girls, September, the small organisation, rare countries)."""
    small, big, mid = make_org("small"), make_org("big"), make_org("mid")
    workers = {o: make_user(o, Role.CASEWORKER) for o in (small, big, mid)}
    countries = ["RU", "RU", "RU", "KZ", "AE", "TR", "RU", "KZ"]
    kinds = [("ForcedLabour",), ("SexualExploitation",), ("ForcedLabour", "SexualExploitation")]
    regions = ["TJ-KT", "TJ-SU", "TJ-DU", "TJ-GB", "TJ-RA"]
    n = 0
    repeated = []
    for org, count in [(small, 4), (big, 30), (mid, 27)]:
        for _ in range(count):
            case = register(
                org,
                workers[org],
                on=date(2026, 9 if n % 11 == 3 else 1 + n % 8, 1 + n % 27),
                sex="female" if n % 3 else "male",
                age=12 if n % 13 in (1, 5) else 30,
                country=countries[n % len(countries)],
                exploitation=kinds[n % 3],
                region=regions[n % len(regions)],
            )
            if n % 17 == 4:
                repeated.append((org, workers[org], case.person))
            n += 1
    for i, (org, worker, person) in enumerate(repeated):
        register(org, worker, on=date(2026, 9 - i, 9), person=person, exploitation=kinds[i % 3])
    for i in range(9):
        register(big, workers[big], on=date(2025, 1 + i, 4), sex="female")
    national = make_org("commission", is_national=True)
    return {
        "orgs": {"small": small, "big": big, "mid": mid},
        "analyst": make_user(national, Role.ANALYST),
        "coordinator": make_user(national, Role.NATIONAL_COORDINATOR),
    }


def breakdowns(source) -> list[tuple[str, ...]]:
    dims = [d.key for d in source.dimensions if d.key not in SKIP]
    pairs = [
        pair
        for pair in itertools.combinations(dims, 2)
        if sum(bool(source.dimension(k).multi) for k in pair) < 2
    ]
    return [(), *[(d,) for d in dims], *pairs]


def record_sets(indicator, period, by, org_ids) -> dict[tuple, frozenset]:
    """The ids counted in each cell (what the analyst does not know)."""
    source = indicator.source
    multis = {source.dimension(k).multi for k in by} - {None}
    scope = engine.Scope(org_ids, False)
    columns = engine._needed_columns(source, by)
    qs = engine.fact_queryset(indicator, scope, next(iter(multis), None), {}, period, None, columns)
    sql, params = qs.query.sql_with_params()
    who = engine._column_sql(source, indicator.count)
    dims = [engine._dim_expr(source, k) for k in by]
    select = ", ".join([*dims, f"array_agg(DISTINCT {who})"])
    group = f" GROUP BY {', '.join(dims)}" if dims else ""
    with connection.cursor() as cur:
        cur.execute(f"SELECT {select} FROM ({sql}) f{group}", params)
        return {tuple(row[:-1]): frozenset(row[-1]) for row in cur.fetchall() if row[-1]}


def publish_everything(world):
    """{unit: {record set: {published figures}}} over every table the analyst can ask for."""
    published: dict[str, dict[frozenset, set[int]]] = {u: {} for u in UNITS}
    families: dict[str, set[tuple[frozenset, ...]]] = {u: set() for u in UNITS}
    analyst = world["analyst"]
    scopes = [(None, engine.scope_for(analyst))] + [
        (frozenset({o.pk}), engine.scope_for(analyst, o)) for o in world["orgs"].values()
    ]
    for unit in UNITS:
        indicator = INDICATORS[unit]
        bys = breakdowns(indicator.source)
        for period in PERIODS.values():
            for org_ids, scope in scopes:
                tables = engine.compute_many(indicator, period, scope, bys, compare=False)
                for by in bys:
                    shown = {c.key: c.current for c in tables[by].cells}
                    truth = record_sets(indicator, period, by, org_ids)
                    for key, ids in truth.items():
                        value = tables[by].total.current if not by else shown.get(key, 0)
                        published[unit].setdefault(ids, set()).add(value)
                    families[unit].add(tuple(truth.values()))
        # The organisation totals (?org=) are one more family: parts of the national total.
        year = PERIODS["year"]
        families[unit].add(
            tuple(
                s
                for o in world["orgs"].values()
                for s in record_sets(indicator, year, (), frozenset({o.pk})).values()
            )
        )
    return published, families


def relations(published, families):
    """Yield (X, low, high): X = A − ΣBᵢ, with its true value between low and high."""
    sets = list(published)
    for a in sets:
        (pa,) = published[a]
        pre_a = preimage(pa)
        for b in sets:
            if b < a:
                (pb,) = published[b]
                pre_b = preimage(pb)
                yield a - b, pre_a[0] - pre_b[-1], pre_a[-1] - pre_b[0]
        for family in families:
            parts = [b for b in family if b < a]
            union = frozenset().union(*parts) if parts else frozenset()
            if len(parts) < 2 or len(union) != sum(len(p) for p in parts) or union == a:
                continue
            pres = [preimage(next(iter(published[b]))) for b in parts]
            low = pre_a[0] - sum(p[-1] for p in pres)
            yield a - union, low, pre_a[-1] - sum(p[0] for p in pres)


@pytest.mark.django_db
def test_no_differencing_of_published_figures_recovers_a_figure_of_1_to_4(world):
    published, families = publish_everything(world)
    for unit in UNITS:
        # The same records give the same figure in every table, period and filter.
        inconsistent = {ids: v for ids, v in published[unit].items() if len(v) > 1}
        assert not inconsistent, unit
        possible: dict[frozenset, set[int]] = {}
        for ids, (value,) in published[unit].items():
            possible[ids] = set(preimage(value))
        found = 0
        for x, low, high in relations(published[unit], families[unit]):
            if len(x) > 4:
                continue
            found += 1
            before = possible.get(x, set(range(0, 60)))
            possible[x] = before & set(range(max(low, 0), high + 1))
        assert found > 100, "the analyst should have many subtractions to try"
        small = {x: p for x, p in possible.items() if 1 <= len(x) <= 4}
        assert len(small) > 20
        for x, values in small.items():
            assert len(x) in values, (unit, len(x), values)  # the test's own arithmetic
            assert len(values) > 1, f"{unit}: a figure of {len(x)} recovered exactly"


@pytest.mark.django_db
def test_the_analyst_sees_the_same_figures_in_json_csv_xlsx_and_on_the_dashboard(
    world, client, login
):
    from openpyxl import load_workbook

    login(world["analyst"])
    query = "period=ytd&year=2026&month=9"
    page = client.get(f"{reverse('stats_dashboard')}?{query}")
    assert page.status_code == 200
    charts = {c["id"]: c for c in page.context["charts"]}
    on_page = {r["labels"][0]: r["current"] for r in charts["sex_age"]["view"]}
    scope = engine.scope_for(world["analyst"])
    table = engine.compute(INDICATORS["persons"], PERIODS["jan_sep"], scope, ("sex_age",))
    assert on_page == {c.labels[0]: str(c.current) for c in table.cells}
    headline = page.context["headlines"][1]["cell"].current
    assert headline == table.total.current  # never hidden
    as_json = client.get(
        reverse("stats_indicator_json", args=["persons"]) + f"?{query}&by=sex_age"
    ).json()
    assert {c["labels"][0]: str(c["current"]) for c in as_json["cells"]} == on_page
    assert as_json["total"]["current"] == table.total.current
    assert as_json["protection"] == str(protection.METHOD)
    # ?org= totals are the by-organisation cells.
    by_org = {
        c["key"][0]: c["current"]
        for c in client.get(
            reverse("stats_indicator_json", args=["cases"]) + f"?{query}&by=organisation"
        ).json()["cells"]
    }
    for org in world["orgs"].values():
        url = reverse("stats_indicator_json", args=["cases"])
        alone = client.get(f"{url}?{query}&org={org.slug}")
        assert alone.json()["total"]["current"] == by_org.get(org.pk, 0)
    # The report's CSV and XLSX carry the engine's protected figures.
    result = reports.build(reports.reports()["unodc"], PERIODS["jan_sep"], scope)
    response = client.get(reverse("stats_report", args=["unodc"]) + f"?{query}&format=csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    xlsx = load_workbook(io.BytesIO(exports.to_xlsx(result)))
    xlsx_rows = [
        [str(v) if v is not None else "" for v in row]
        for ws in xlsx.worksheets
        for row in ws.iter_rows(values_only=True)
    ]
    assert sum(not t.empty for _s, t in result.tables) >= 3
    for _spec, t in result.tables:
        if t.empty:
            continue
        for row in exports.table_rows(t):
            assert row in rows
            assert [str(v) for v in row[: len(row) - 2]] in [r[: len(row) - 2] for r in xlsx_rows]
    assert any(str(protection.METHOD) in " ".join(r) for r in rows)


@pytest.mark.django_db
def test_stated_accuracy_holds_over_thousands_of_real_cells(make_org, make_user):
    """98 in 100 figures within ±2, none further than LARGEST, never 1 or 2, 0 stays 0."""
    orgs = [make_org(f"o{i}") for i in range(4)]
    workers = [make_user(o, Role.CASEWORKER) for o in orgs]
    rng = random.Random(5)  # varied records, so that cells hold many different sets
    kinds = [("ForcedLabour",), ("SexualExploitation",), ("ForcedLabour", "SexualExploitation")]
    for i in range(300):
        register(
            orgs[i % 4],
            workers[i % 4],
            on=date(2026, rng.randint(1, 12), rng.randint(1, 28)),
            sex=rng.choice(["female", "male"]),
            age=rng.choice([12, 16, 30, 45]),
            country=rng.choice(["RU", "KZ", "AE", "TR", "CN", "TJ"]),
            region=rng.choice(["TJ-KT", "TJ-SU", "TJ-DU", "TJ-GB", "TJ-RA"]),
            exploitation=rng.choice(kinds),
        )
    protected = engine.scope_for(make_user(make_org("commission", is_national=True), Role.ANALYST))
    bys = breakdowns(INDICATORS["cases"].source)
    # One error per distinct set of records: the same records give the same figure in
    # every table and period, so repeating them would not be new evidence.
    errors: dict[frozenset, tuple[int, int]] = {}
    for month in range(1, 13):
        period = periods.custom(date(2026, month, 1), date(2026, 12, 31))
        shown = engine.compute_many(INDICATORS["cases"], period, protected, bys, compare=False)
        for by in bys:
            s = {c.key: c.current for c in shown[by].cells}
            if not by:
                s = {(): shown[by].total.current}
            truth = record_sets(INDICATORS["cases"], period, by, None)
            assert set(s) <= set(truth)  # 0 stays 0
            for key, ids in truth.items():
                published = s.get(key, 0)
                assert abs(published - len(ids)) <= protection.LARGEST
                assert published not in (1, 2)
                errors[ids] = (len(ids), published - len(ids))
    cells = list(errors.values())
    assert len(cells) > 1000
    within = sum(1 for _v, e in cells if abs(e) <= protection.SPREAD) / len(cells)
    assert within >= protection.WITHIN_SPREAD / 100 - 0.015  # sampling leeway
    large = [e for v, e in cells if v >= 5]
    assert abs(sum(large) / len(large)) < 0.2  # unbiased where no floor applies
    assert 0.3 < sum(1 for e in large if e == 0) / len(large) < 0.5


def test_stated_accuracy_of_the_rule_itself_over_a_million_keys():
    rng = random.Random(11)
    changes = [protection.change(rng.randrange(protection.MODULUS)) for _ in range(1_000_000)]
    within = sum(1 for c in changes if abs(c) <= protection.SPREAD) / len(changes)
    assert abs(within - protection.WITHIN_SPREAD / 100) < 0.002
    assert max(map(abs, changes)) <= protection.LARGEST
    assert abs(sum(changes) / len(changes)) < 0.01
    for true in range(0, 30):
        for _ in range(2000):
            shown = protection.perturb(true, rng.randrange(protection.MODULUS))
            assert true in protection.possible_true_counts(shown)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["tg", "ru", "en"])
def test_the_method_and_its_accuracy_are_stated_on_the_page_and_in_every_format(
    world, client, login, language
):
    from django.utils import translation
    from openpyxl import load_workbook
    from pypdf import PdfReader

    login(world["analyst"])
    client.cookies["himoya_language"] = language
    with translation.override(language):
        method = str(protection.METHOD)
    with translation.override("en"):
        assert (method == str(protection.METHOD)) == (language == "en")  # translated
    assert "98" in method and "20" in method
    query = "period=ytd&year=2026&month=9"
    page = client.get(f"{reverse('stats_dashboard')}?{query}").content.decode()
    assert method in page.replace("&#x27;", "'")
    report = reverse("stats_report", args=["unodc"])
    assert method in client.get(f"{report}?{query}").content.decode()
    assert method in client.get(f"{report}?{query}&format=csv").content.decode("utf-8-sig")
    pdf = PdfReader(io.BytesIO(client.get(f"{report}?{query}&format=pdf").content))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert " ".join(method.split())[:60] in text
    as_json = client.get(reverse("stats_indicator_json", args=["cases"]) + f"?{query}").json()
    assert as_json["protection"] == method
    with translation.override(language):
        scope = engine.scope_for(world["analyst"])
        result = reports.build(reports.reports()["unodc"], PERIODS["jan_sep"], scope)
        book = load_workbook(io.BytesIO(exports.to_xlsx(result)))
    cover = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert method in cover
