"""The one indicator engine: every figure on a page, in a report, an export or the API.

An indicator is declared once (indicators.py): what it counts, from which facts, on which
date. `compute()` counts it for a period and the same period a year earlier, broken down
by any of the declared dimensions, inside the caller's scope, with small cells
suppressed for viewers outside the owning organisation. On PostgreSQL all breakdowns of a
request are counted in ONE scan with GROUPING SETS; other databases run one GROUP BY per
breakdown over the same fact query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from himoya.stats.periods import Period


@dataclass(frozen=True)
class Dimension:
    """A way to break a count down: a column of the facts, and how to label its values."""

    key: str
    label: object  # lazy translated text
    column: str = ""  # fact column; empty for derived dimensions (month, year, sex_age)
    codelist: str | None = None  # vocabulary list that labels the values
    multi: str | None = None  # the CaseCode field when values come from a child table
    labeller: Callable[[object], str] | None = None


@dataclass(frozen=True)
class Source:
    """Where facts come from: a function returning `.values()` rows with fixed aliases.

    Every fact row has `d` (the date counted on), `unit_id` (what is counted), `person_id`
    (for person counts and suppression; may equal unit_id) and `org_id` (the owner), plus
    one column per dimension. `facts(multi)` joins the child-table codes of `multi`.
    """

    key: str
    facts: Callable[[str | None], QuerySet]
    dimensions: tuple[Dimension, ...]

    def dimension(self, key: str) -> Dimension:
        for d in self.dimensions:
            if d.key == key:
                return d
        raise KeyError(key)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object
    unit: str  # "cases", "persons", "screenings", "referrals", "services", ...
    source: Source
    count: str = "unit_id"  # or "person_id": a person with two cases counts once
    where: dict = field(default_factory=dict)  # extra filters on the fact queryset
    data_source: object = ""  # where the figures come from, for report footers


@dataclass(frozen=True)
class Scope:
    """Which organisations' records count, and whether small cells are hidden."""

    org_ids: frozenset[int] | None  # None: every organisation
    suppress_below: int = 0  # 0: show every number
    label: str = ""


@dataclass
class Cell:
    key: tuple
    labels: tuple[str, ...]
    current: int
    previous: int
    persons: int
    suppressed: bool = False

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def percent(self) -> int | None:
        """Change against a year earlier in whole percent (None when there was nothing)."""
        if not self.previous:
            return None
        pct = Decimal(self.change * 100) / Decimal(self.previous)
        return int(pct.quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    def shown(self, value: int, threshold: int) -> str:
        """Return the number as displayed: '<5' when the cell is suppressed."""
        if self.suppressed and 0 < value < threshold:
            return f"<{threshold}"
        return str(value)


@dataclass
class Table:
    indicator: Indicator
    period: Period
    previous_period: Period
    by: tuple[str, ...]
    cells: list[Cell]
    total: Cell
    scope: Scope

    @property
    def empty(self) -> bool:
        return self.total.current == 0 and self.total.previous == 0

    @property
    def threshold(self) -> int:
        return self.scope.suppress_below


def _count_sql(expr: str, cond: str) -> str:
    return f"COUNT(DISTINCT CASE WHEN {cond} THEN {expr} END)"


def _month_expr(col: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({col}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {col})"


def _year_expr(col: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({col}, 'YYYY')"
    return f"strftime('%%Y', {col})"


def _dim_expr(source: Source, key: str) -> str:
    if key == "month":
        return _month_expr("f.d")
    if key == "year":
        return _year_expr("f.d")
    if key in ("sex_age", "majority"):
        from himoya.stats.indicators import child_age_groups

        child = "f.age_group IN (" + ", ".join(f"'{c}'" for c in child_age_groups()) + ")"
        if key == "majority":
            return f"CASE WHEN {child} THEN 'child' WHEN f.age_group <> '' THEN 'adult' END"
        return (
            f"CASE WHEN f.sex = 'male' AND {child} THEN 'boy' "
            f"WHEN f.sex = 'female' AND {child} THEN 'girl' "
            "WHEN f.sex = 'male' AND f.age_group <> '' THEN 'man' "
            "WHEN f.sex = 'female' AND f.age_group <> '' THEN 'woman' "
            "ELSE 'unknown' END"
        )
    dim = source.dimension(key)
    return f"f.{dim.column or dim.key}"


def _labels_for(source: Source, by: Sequence[str], key: tuple) -> tuple[str, ...]:
    from himoya.stats import labels

    return tuple(labels.label(source, dim, value) for dim, value in zip(by, key, strict=True))


def compute_many(
    indicator: Indicator,
    period: Period,
    scope: Scope,
    breakdowns: Iterable[Sequence[str]],
    filters: dict | None = None,
) -> dict[tuple[str, ...], Table]:
    """Count an indicator for several breakdowns at once (one scan per child-table join)."""
    breakdowns = [tuple(b) for b in breakdowns]
    groups: dict[str | None, list[tuple[str, ...]]] = {}
    for by in breakdowns:
        multis = {
            indicator.source.dimension(k).multi for k in by if indicator.source.dimension(k).multi
        }
        if len(multis) > 1:
            raise ValueError("one child-table dimension per breakdown")
        groups.setdefault(next(iter(multis), None), []).append(by)
    result: dict[tuple[str, ...], Table] = {}
    for multi, bys in groups.items():
        result.update(_compute_group(indicator, period, scope, multi, bys, filters or {}))
    return result


def compute(indicator, period, scope, by: Sequence[str] = (), filters=None) -> Table:
    return compute_many(indicator, period, scope, [tuple(by)], filters)[tuple(by)]


def fact_queryset(indicator: Indicator, scope: Scope, multi: str | None, filters: dict):
    qs = indicator.source.facts(multi).filter(**indicator.where)
    if filters:
        qs = qs.filter(**filters)
    if scope.org_ids is not None:
        qs = qs.filter(org_id__in=list(scope.org_ids))
    return qs


def _compute_group(indicator, period, scope, multi, bys, filters) -> dict:
    prev = period.previous_year()
    qs = fact_queryset(indicator, scope, multi, filters)
    fact_sql, fact_params = qs.query.sql_with_params()
    cur_cond = "f.d BETWEEN %s AND %s"
    prev_cond = "f.d BETWEEN %s AND %s"
    count_col = f"f.{indicator.count}"
    measures = [
        _count_sql(count_col, cur_cond),
        _count_sql(count_col, prev_cond),
        _count_sql("f.person_id", cur_cond),
    ]
    measure_params = [period.start, period.end, prev.start, prev.end, period.start, period.end]
    where = f"WHERE ({cur_cond}) OR ({prev_cond})"
    where_params = [period.start, period.end, prev.start, prev.end]
    all_dims: list[str] = []
    for by in bys:
        for k in by:
            if k not in all_dims:
                all_dims.append(k)
    exprs = {k: _dim_expr(indicator.source, k) for k in all_dims}
    tables: dict = {}
    rows_by: dict[tuple[str, ...], list] = {by: [] for by in bys}
    totals: dict[tuple[str, ...], tuple] = {}
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and (len(bys) > 1 or any(bys)):
            select_dims = ", ".join(f"{exprs[k]} AS dim_{i}" for i, k in enumerate(all_dims))
            grouping = ", ".join(f"{exprs[k]}" for k in all_dims)
            sets = ", ".join("(" + ", ".join(exprs[k] for k in by) + ")" for by in [(), *bys])
            sql = (
                f"SELECT {select_dims}, GROUPING({grouping}) AS g, {', '.join(measures)} "
                f"FROM ({fact_sql}) f {where} GROUP BY GROUPING SETS ({sets})"
            )
            cur.execute(sql, [*measure_params, *fact_params, *where_params])
            width = len(all_dims)
            for row in cur.fetchall():
                g = row[width]
                present = tuple(all_dims[i] for i in range(width) if not (g >> (width - 1 - i)) & 1)
                values = {all_dims[i]: row[i] for i in range(width)}
                measures_row = row[width + 1 :]
                if not present:
                    totals[()] = measures_row
                    continue
                for by in bys:
                    if set(by) == set(present) and len(by) == len(present):
                        rows_by[by].append((tuple(values[k] for k in by), measures_row))
        else:
            for by in [(), *bys]:
                dims_sql = ", ".join(exprs[k] for k in by)
                sql = (
                    f"SELECT {dims_sql + ', ' if by else ''}{', '.join(measures)} "
                    f"FROM ({fact_sql}) f {where}" + (f" GROUP BY {dims_sql}" if by else "")
                )
                cur.execute(sql, [*measure_params, *fact_params, *where_params])
                for row in cur.fetchall():
                    if not by:
                        totals[()] = row
                    else:
                        rows_by[by].append((tuple(row[: len(by)]), row[len(by) :]))
    total_row = totals.get((), (0, 0, 0))
    threshold = scope.suppress_below
    for by in bys:
        cells = []
        for key, (c, p, persons) in rows_by[by]:
            if not c and not p:
                continue
            cells.append(
                Cell(
                    key=key,
                    labels=_labels_for(indicator.source, by, key),
                    current=c,
                    previous=p,
                    persons=persons,
                    suppressed=bool(threshold) and 0 < persons < threshold,
                )
            )
        cells.sort(key=lambda cell: (-cell.current, -cell.previous, [str(x) for x in cell.labels]))
        if by and by[0] in ("month", "year"):
            cells.sort(key=lambda cell: tuple("" if v is None else str(v) for v in cell.key))
        total = Cell((), (), total_row[0], total_row[1], total_row[2])
        total.suppressed = bool(threshold) and 0 < total.persons < threshold
        tables[by] = Table(indicator, period, prev, by, cells, total, scope)
    return tables


def scope_for(user, organisation=None) -> Scope:
    """Decide whose records a user's figures cover, and whether small cells are hidden."""
    from himoya.access import policy, roles

    threshold = settings.HIMOYA_SMALL_CELL
    own = policy.org_ids_with(user, roles.VIEW_STATS_ORG)
    if organisation is not None:
        org_id = getattr(organisation, "pk", organisation)
        if org_id in own:
            return Scope(frozenset({org_id}), 0)
        if policy.has_perm(user, roles.VIEW_STATS_NATIONAL):
            return Scope(frozenset({org_id}), threshold)
        return Scope(frozenset(), 0)
    if policy.has_perm(user, roles.VIEW_STATS_NATIONAL):
        return Scope(None, threshold)
    return Scope(frozenset(own), 0)
