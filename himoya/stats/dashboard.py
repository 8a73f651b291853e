"""The dashboard's figures: which indicators, which breakdowns, shaped for charts."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from himoya.access import policy, roles
from himoya.stats import cache, engine, periods, protection
from himoya.stats.indicators import INDICATORS, UNITS

# What the national page shows: (chart id, title, indicator, breakdown, chart type).
PANELS = [
    ("trend_month", _("By month, compared with a year earlier"), "persons", ("month",), "line"),
    ("sex_age", _("Men, women, boys and girls"), "persons", ("sex_age",), "bar"),
    (
        "exploitation_sex",
        _("Forms of exploitation by sex"),
        "persons",
        ("exploitation_type", "sex"),
        "stacked",
    ),
    ("country", _("Top countries of exploitation"), "persons", ("exploitation_country",), "bar"),
    ("cross_border", _("Internal and cross-border"), "persons", ("cross_border",), "bar"),
    ("region", _("Region of origin"), "persons", ("region_of_origin",), "bar"),
    ("labour_sector", _("Forced labour by sector"), "persons", ("labour_sector",), "bar"),
]
OPTIONAL_PANELS = [
    ("referrals", _("Referrals by service"), "referrals", ("service",), "bar"),
    ("services", _("Services delivered by type"), "services", ("service",), "bar"),
    ("screenings", _("Screenings by outcome"), "screenings", ("outcome",), "bar"),
    ("hotline", _("Hotline contacts by topic"), "contacts", ("topic",), "bar"),
    ("proceedings", _("Proceedings by stage"), "proceedings", ("stage",), "bar"),
    ("trained", _("People trained, by sex"), "trained", ("sex",), "bar"),
    ("reached", _("People reached by awareness work"), "people_reached", ("reach_group",), "bar"),
]
HEADLINES = [
    "cases",
    "persons",
    "victims_identified",
    "persons_referred",
    "prevented",
    "proceedings",
]

# Case-list filters a figure's breakdown can be drilled into.
DRILL_PARAMS = {
    "sex": "sex",
    "age_group": "age_group",
    "exploitation_type": "exploitation",
    "exploitation_country": "country",
    "region_of_origin": "region",
    "organisation": "organisation",
    "trafficking_status": "status",
}


def build(period, scope, user) -> dict:
    """Compute every figure of the dashboard: one scan per indicator and child table."""
    panels = PANELS + [p for p in OPTIONAL_PANELS if p[2] in INDICATORS]
    wanted: dict[str, list[tuple]] = {}
    for _id, _t, key, by, _kind in panels:
        wanted.setdefault(key, []).append(by)
    for key in HEADLINES:
        if key in INDICATORS:
            wanted.setdefault(key, []).append(())
    tables: dict = {}
    with cache.shared_scans():
        return _build(period, scope, user, panels, wanted, tables)


def _build(period, scope, user, panels, wanted, tables) -> dict:
    for key, bys in wanted.items():
        computed = engine.compute_many(INDICATORS[key], period, scope, bys)
        for by, table in computed.items():
            tables[(key, by)] = table
    years = periods.custom(period.end.replace(year=period.end.year - 9, month=1, day=1), period.end)
    year_trend = engine.compute(INDICATORS["persons"], years, scope, ("year",), compare=False)
    headlines = [
        {
            "key": key,
            "label": INDICATORS[key].label,
            "unit": UNITS.get(INDICATORS[key].unit),
            "table": tables[(key, ())],
            "cell": tables[(key, ())].total,
        }
        for key in HEADLINES
        if key in INDICATORS
    ]
    charts = []
    for chart_id, title, key, by, kind in panels:
        table = tables[(key, by)]
        charts.append(
            {
                "id": chart_id,
                "title": title,
                "kind": kind,
                "table": table,
                "view": table_view(table, user),
                "data": chart_data(table, kind),
                "unit": UNITS.get(INDICATORS[key].unit),
            }
        )
    charts.insert(
        1,
        {
            "id": "trend_year",
            "title": _("By year, last ten years"),
            "kind": "bar",
            "table": year_trend,
            "view": table_view(year_trend, user),
            "data": chart_data(year_trend, "years"),
            "unit": UNITS["persons"],
        },
    )
    return {"headlines": headlines, "charts": charts, "scope": scope}


def chart_data(table, kind) -> dict:
    """Shape a table for Chart.js: every category of the table, in the table's order.

    A figure shown as text ("<5", "…") is drawn as 0 rather than dropping its category.
    """
    cells = table.cells
    if kind == "stacked":
        firsts = []
        for c in cells:
            if c.labels[0] not in firsts:
                firsts.append(c.labels[0])
        seconds = sorted({c.labels[1] for c in cells})
        values = {(c.labels[0], c.labels[1]): _drawn(c, "current") for c in cells}
        return {
            "labels": firsts,
            "datasets": [
                {"label": s, "data": [values.get((f, s), 0) for f in firsts]} for s in seconds
            ],
        }
    if kind == "line":
        return {
            "labels": [c.labels[0] for c in cells],
            "datasets": [
                {
                    "label": str(table.period.label),
                    "data": [_drawn(c, "current") for c in cells],
                },
            ],
            "previous": {
                "label": str(table.previous_period.label),
                "data": [_drawn(c, "previous") for c in cells],
            },
        }
    if kind == "years":
        return {
            "labels": [c.labels[0] for c in cells],
            "datasets": [{"label": "", "data": [_drawn(c, "current") for c in cells]}],
        }
    return {
        "labels": [c.labels[0] for c in cells],
        "datasets": [
            {
                "label": str(table.period.label),
                "data": [_drawn(c, "current") for c in cells],
            },
            {
                "label": str(table.previous_period.label),
                "data": [_drawn(c, "previous") for c in cells],
            },
        ],
    }


def _drawn(cell, which: str) -> int:
    """The height a chart draws for a figure: 0 when the figure is shown as text."""
    return 0 if getattr(cell, f"hidden_{which}") else getattr(cell, which)


def may_drill(user) -> bool:
    return policy.has_perm(user, roles.VIEW_CASE) or policy.has_perm(user, roles.VIEW_OWN_CASE)


def table_view(table, user) -> list[dict]:
    """Rows as displayed, with links to the records behind a figure for those allowed."""
    drill = (
        may_drill(user)
        and table.indicator.source.key == "cases_registered"
        and all(k in DRILL_PARAMS for k in table.by)
    )
    rows = []
    for cell in table.cells:
        link = ""
        if drill and not cell.suppressed:
            params = {
                "registered_from": table.period.start.isoformat(),
                "registered_to": table.period.end.isoformat(),
            }
            params.update(
                {
                    DRILL_PARAMS[k]: v
                    for k, v in zip(table.by, cell.key, strict=True)
                    if v not in (None, "")
                }
            )
            link = f"{reverse('case_list')}?{urlencode(params)}"
        rows.append(
            {
                "labels": cell.labels,
                "current": cell.shown_current,
                "previous": cell.shown_previous,
                "change": "" if cell.suppressed else cell.change,
                "percent": None if cell.suppressed else cell.percent,
                "link": link,
            }
        )
    return rows


def table_json(table) -> dict:
    return {
        "indicator": table.indicator.key,
        "label": str(table.indicator.label),
        "unit": table.indicator.unit,
        "period": {
            "start": table.period.start.isoformat(),
            "end": table.period.end.isoformat(),
            "label": table.period.label,
            "data_year": table.period.data_year,
        },
        "previous_period": {
            "start": table.previous_period.start.isoformat(),
            "end": table.previous_period.end.isoformat(),
        },
        "by": list(table.by),
        "no_records": table.empty,
        "protection": str(protection.METHOD) if table.protected else None,
        "total": _cell_json(table.total),
        "cells": [_cell_json(c) for c in table.cells],
    }


def _cell_json(cell) -> dict:
    return {
        "key": list(cell.key),
        "labels": list(cell.labels),
        "current": cell.hidden_current or cell.current,
        "previous": cell.hidden_previous or cell.previous,
        "change": None if cell.suppressed else cell.change,
        "percent": None if cell.suppressed or cell.percent is None else int(cell.percent),
    }
