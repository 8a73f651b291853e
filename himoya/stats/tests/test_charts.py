"""A chart shows every category its table shows (issue 12, item 8)."""

from datetime import date

import pytest

from conftest import browser_sign_in
from himoya.access.roles import Role
from himoya.stats import dashboard, engine, periods
from himoya.stats.engine import Cell
from himoya.stats.indicators import INDICATORS
from himoya.stats.tests.factories import register

COUNTRIES = ["RU", "KZ", "AE", "TR", "CN", "KR", "PL", "DE", "LT", "UA", "BY", "GE", "AZ", "IR"]


@pytest.fixture
def many_countries(make_org, make_user):
    """Fourteen countries, most with small comparison-year figures."""
    org = make_org("ngo")
    worker = make_user(org, Role.CASEWORKER)
    for i, country in enumerate(COUNTRIES):
        for _ in range(5 + i % 4):
            register(org, worker, on=date(2026, 1 + i % 9, 3), country=country, sex="female")
        if i % 3 == 0:
            register(org, worker, on=date(2025, 2, 3), country=country)
    return make_user(make_org("commission", is_national=True), Role.ANALYST, username="nigina")


def test_a_figure_shown_as_text_keeps_its_category_in_the_chart():
    cells = [
        Cell(("presumed",), ("Presumed victim",), 49, 0, 49, hidden_previous="<5"),
        Cell(("vulnerable",), ("Vulnerable",), 12, 30, 12),
        Cell(("not",), ("Not a victim",), 36, 0, 36, hidden_previous="…"),
    ]

    class Period:
        label = "2026"

    fake = type("T", (), {"cells": cells, "period": Period, "previous_period": Period})
    data = dashboard.chart_data(fake, "bar")
    assert data["labels"] == ["Presumed victim", "Vulnerable", "Not a victim"]
    assert data["datasets"][0]["data"] == [49, 12, 36]
    assert data["datasets"][1]["data"] == [0, 30, 0]


@pytest.mark.django_db
def test_every_chart_of_the_protected_dashboard_has_its_tables_categories(
    many_countries, client, login
):
    login(many_countries)
    response = client.get("/stats/?period=ytd&year=2026&month=9")
    assert response.status_code == 200
    checked = 0
    for chart in response.context["charts"]:
        rows = [r["labels"] for r in chart["view"]]
        if chart["kind"] == "stacked":
            assert set(chart["data"]["labels"]) == {r[0] for r in rows}
        else:
            assert chart["data"]["labels"] == [r[0] for r in rows], chart["id"]
        checked += bool(rows)
    assert checked >= 4
    countries = next(c for c in response.context["charts"] if c["id"] == "country")
    assert len(countries["data"]["labels"]) == len(COUNTRIES) > 10


@pytest.mark.django_db
def test_protected_small_comparison_cells_keep_their_categories(many_countries):
    scope = engine.scope_for(many_countries)
    table = engine.compute(
        INDICATORS["persons"], periods.january_to(2026, 9), scope, ("exploitation_country",)
    )
    data = dashboard.chart_data(table, "bar")
    assert data["labels"] == [c.labels[0] for c in table.cells]
    assert len(data["datasets"][1]["data"]) == len(table.cells)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_drawn_chart_labels_every_category(live_server, browser_context, many_countries):
    page = browser_context().new_page()
    browser_sign_in(page, live_server, "nigina")
    page.goto(f"{live_server.url}/stats/?period=ytd&year=2026&month=9")
    drawn = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById('chart-country'));
          return {labels: chart.data.labels.length, ticks: chart.scales.y.ticks.length};
        }"""
    )
    rows = page.locator("#panel-country tbody tr").count()
    assert drawn["labels"] == rows == len(COUNTRIES)
    assert drawn["ticks"] == rows  # no label skipped on the axis
