"""The one indicator engine: every figure on a page, in a report, an export or the API.

An indicator is declared once (indicators.py): what it counts, from which facts, on which
date. `compute()` counts it for a period and the same period a year earlier, broken down
by any of the declared dimensions, inside the caller's scope, with every figure protected
by the cell-key method (protection.py) for viewers not allowed exact figures. On
PostgreSQL all breakdowns of a request are counted in ONE scan with GROUPING SETS; other
databases run one GROUP BY per breakdown over the same fact query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet

from himoya.stats import labels, protection
from himoya.stats.cache import shared_cache
from himoya.stats.periods import Period
from himoya.vocab import registry


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
    """Where facts come from: a model's rows, with the columns the engine may ask for.

    `base(multi)` returns the queryset, joined (LEFT, via FilteredRelation) to the child
    table of `multi` when a breakdown needs it. `columns` maps the engine's aliases to
    field paths or expressions; every source has `d` (the date counted on), `unit_id`
    (what is counted), `person_id` (whom it concerns) and `org_id` (the owner). Only the
    columns a request needs are selected, so unused joins cost nothing.
    `person_is_unit`: each unit is its own person (a screening, a call).
    `unique_rows`: each row is a different unit (per child-table code).
    `also_owned_by`: further organisation columns; a fact belongs to an organisation's
    figures when any owner column names it (a referral is the sender's and the receiver's).
    """

    key: str
    base: Callable[[str | None], QuerySet]
    columns: dict
    dimensions: tuple[Dimension, ...]
    person_is_unit: bool = False
    unique_rows: bool = True
    also_owned_by: tuple[str, ...] = ()
    # All rows of the model, unfiltered: where repeated units and persons are looked up
    # (a superset of any filtered facts, so it is shared and can use a plain index).
    everything: Callable[[], QuerySet] | None = None
    # A filter that keeps every row of the persons who may have more than one (a superset
    # is exact), when the model marks them; otherwise they are found by grouping
    # `everything`.
    repeated_persons: Q | None = None
    # SQL over the facts `f` for whom a row concerns, when it is not simply `f.person_id`:
    # cases count a person linked across organisations by the national identity.
    person_sql: str = ""
    person_sql_columns: tuple[str, ...] = ()

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
    # A fact column to add up instead of counting rows (people reached by an event):
    # each row is its own unit, so no person correction applies.
    measure: str = ""


@dataclass(frozen=True)
class Scope:
    """Which organisations' records count, and whether figures are protected."""

    org_ids: frozenset[int] | None  # None: every organisation
    protected: bool = False  # True: every figure through the cell-key method


@dataclass
class Cell:
    key: tuple
    labels: tuple[str, ...]
    current: int
    previous: int
    persons: int
    persons_previous: int = 0
    # What is displayed instead of a number too small to show ("<5"), or of a number
    # hidden so that a small one cannot be worked out from the total ("…").
    hidden_current: str = ""
    hidden_previous: str = ""

    @property
    def suppressed(self) -> bool:
        return bool(self.hidden_current or self.hidden_previous)

    @property
    def shown_current(self) -> str:
        return self.hidden_current or str(self.current)

    @property
    def shown_previous(self) -> str:
        return self.hidden_previous or str(self.previous)

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
    def protected(self) -> bool:
        return self.scope.protected


def _month_expr(col: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({col}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {col})"


def _year_expr(col: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({col}, 'YYYY')"
    return f"strftime('%%Y', {col})"


def _dim_expr(source: Source, key: str, additive: bool = False) -> str:
    """The SQL of a dimension over the facts `f`.

    `additive`: for counts that add up (rows), PostgreSQL groups months and years by the
    day itself, which hashes far faster than text; `_calendar_key` turns days into
    "YYYY-MM" or "YYYY" and the counts of one month or year are summed.
    """
    if key == "month":
        return "f.d" if additive and connection.vendor == "postgresql" else _month_expr("f.d")
    if key == "year":
        return "f.d" if additive and connection.vendor == "postgresql" else _year_expr("f.d")
    if key in ("sex_age", "majority"):
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


def child_age_groups() -> list[str]:
    """Age-group codes that mean a child (under 18)."""
    codes = ["child"]
    if "age_group" in registry.names():
        codes += [c.code for c in registry.children("age_group", "child")]
    return codes


def _labels_for(source: Source, by: Sequence[str], key: tuple) -> tuple[str, ...]:
    return tuple(labels.label(source, dim, value) for dim, value in zip(by, key, strict=True))


def compute_many(
    indicator: Indicator,
    period: Period,
    scope: Scope,
    breakdowns: Iterable[Sequence[str]],
    filters: dict | None = None,
    compare: bool = True,
) -> dict[tuple[str, ...], Table]:
    """Count an indicator for several breakdowns at once (one scan per child-table join).

    With `compare=False` the year before is not counted (its figures read 0).
    """
    bys_wanted = [tuple(b) for b in breakdowns]
    groups: dict[str | None, list[tuple[str, ...]]] = {None: [()]}
    for by in bys_wanted:
        multis = {indicator.source.dimension(k).multi for k in by} - {None}
        if len(multis) > 1:
            raise ValueError("one child-table dimension per breakdown")
        bys = groups.setdefault(next(iter(multis), None), [])
        if by not in bys:
            bys.append(by)
    cells: dict[tuple[str, ...], list[Cell]] = {}
    prev = period.previous_year() if compare else None
    with _fast_aggregates():
        repeated = _repeated(indicator.source)
        for multi, bys in groups.items():
            cells.update(
                _compute_group(indicator, period, prev, scope, multi, bys, filters or {}, repeated)
            )
    total_cells = cells[()]
    total = total_cells[0] if total_cells else Cell((), (), 0, 0, 0)
    return {
        by: Table(
            indicator,
            period,
            prev or period.previous_year(),
            by,
            cells[by] if by else [],
            total,
            scope,
        )
        for by in dict.fromkeys([*bys_wanted])
    }


def compute(indicator, period, scope, by: Sequence[str] = (), filters=None, compare=True):
    """Count one indicator for one breakdown; see compute_many."""
    return compute_many(indicator, period, scope, [tuple(by)], filters, compare)[tuple(by)]


DERIVED = {
    "month": ("d",),
    "year": ("d",),
    "sex_age": ("sex", "age_group"),
    "majority": ("age_group",),
}


def _needed_columns(source: Source, dims) -> list[str]:
    cols = ["d", "unit_id", "person_id", *source.person_sql_columns]
    for k in dims:
        if k in DERIVED:
            cols += DERIVED[k]
        else:
            dim = source.dimension(k)
            cols.append(dim.column or dim.key)
    return list(dict.fromkeys(cols))


def _window(path: str, period, prev) -> Q:
    q = Q(**{f"{path}__range": (period.start, period.end)})
    if prev is not None:
        # The enclosing range first: one index range scan, then the two windows.
        enclosing = Q(**{f"{path}__range": (min(prev.start, period.start), period.end)})
        q = enclosing & (q | Q(**{f"{path}__range": (prev.start, prev.end)}))
    return q


def fact_queryset(indicator, scope, multi, filters, period, prev, columns):
    """Return the fact rows of the period (and the year before, if given), inside the scope."""
    source = indicator.source
    date_path = source.columns["d"]
    qs = source.base(multi).filter(**indicator.where)
    if filters:
        qs = qs.filter(**filters)
    if scope.org_ids is not None:
        ids = sorted(scope.org_ids)
        owned = Q(**{f"{source.columns['org_id']}__in": ids})
        for path in source.also_owned_by:
            owned |= Q(**{f"{path}__in": ids})
        qs = qs.filter(owned)
    if isinstance(date_path, str):
        qs = qs.filter(_window(date_path, period, prev))
    positional, named = [], {}
    for alias in columns:
        spec = source.columns[alias]
        if spec == alias:
            positional.append(alias)
        else:
            named[alias] = F(spec) if isinstance(spec, str) else spec
    qs = qs.values(*positional, **named)
    if not isinstance(date_path, str):  # an expression: filter on its alias
        qs = qs.filter(_window("d", period, prev))
    return qs


def _repeated(source: Source) -> dict[str, list | Q]:
    """Find the units and persons that have more than one fact row at all.

    Only their rows can be counted twice in a cell; usually there are few, often none,
    so the exact distinct count costs one grouped index scan instead of a DISTINCT per
    cell. The look-up ignores the period, the scope and the indicator's filters (a
    superset is still exact), so every figure of a page over the same facts shares it.
    """
    cache = shared_cache()
    key = source.key if source.everything is None else source.everything().model._meta.label
    if cache is not None and key in cache:
        return cache[key]
    found = _find_repeated(source)
    if cache is not None:
        cache[key] = found
    return found


def _find_repeated(source: Source) -> dict[str, list | Q]:
    found: dict[str, list | Q] = {}
    wanted = []
    if not source.unique_rows:
        wanted.append("unit_id")
    if not source.person_is_unit:
        wanted.append("person_id")
    rows = source.everything or (lambda: source.base(None))
    for column in wanted:
        if column == "person_id" and source.repeated_persons is not None:
            found[column] = source.repeated_persons
            continue
        qs = rows().values(**{"_who": F(source.columns[column])})
        if column == "person_id" and not source.unique_rows:
            qs = qs.annotate(_n=Count(source.columns["unit_id"], distinct=True))
        else:
            qs = qs.annotate(_n=Count("*"))
        found[column] = list(qs.filter(_n__gt=1).order_by().values_list("_who", flat=True))
    return found


@contextmanager
def _fast_aggregates():
    """On PostgreSQL: enough memory to hash the groups, and no JIT start-up cost."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute("SET LOCAL jit = off")
        yield


def _run_grouped(sql_body, params, bys, all_dims, exprs, measures, measure_params):
    """Run `SELECT dims, measures FROM … GROUP BY` for every breakdown; yield (by, key, values)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and all_dims:
            width = len(all_dims)
            select_dims = ", ".join(f"{exprs[k]} AS dim_{i}" for i, k in enumerate(all_dims))
            grouping = ", ".join(exprs[k] for k in all_dims)
            sets = ", ".join("(" + ", ".join(exprs[k] for k in by) + ")" for by in bys)
            sql = (
                f"SELECT {select_dims}, GROUPING({grouping}) AS g, "
                f"{', '.join(measures)} {sql_body} GROUP BY GROUPING SETS ({sets})"
            )
            cur.execute(sql, [*measure_params, *params])
            for row in cur.fetchall():
                g = row[width]
                present = {all_dims[i] for i in range(width) if not (g >> (width - 1 - i)) & 1}
                values = {all_dims[i]: row[i] for i in range(width)}
                for by in bys:
                    if set(by) == present and len(by) == len(present):
                        yield by, tuple(values[k] for k in by), row[width + 1 :]
                        break
        else:
            for by in bys:
                dims_sql = ", ".join(exprs[k] for k in by)
                sql = f"SELECT {dims_sql + ', ' if by else ''}{', '.join(measures)} {sql_body}" + (
                    f" GROUP BY {dims_sql}" if by else ""
                )
                cur.execute(sql, [*measure_params, *params])
                for row in cur.fetchall():
                    yield by, tuple(row[: len(by)]), row[len(by) :]


def _column_sql(source: Source, column: str) -> str:
    if column == "person_id" and source.person_sql:
        return source.person_sql
    return f"f.{column}"


def _compute_group(indicator, period, prev, scope, multi, bys, filters, repeated) -> dict:
    source = indicator.source
    all_dims: list[str] = list(dict.fromkeys(k for by in bys for k in by))
    columns = _needed_columns(source, all_dims)
    if indicator.measure:
        columns.append(indicator.measure)
    qs = fact_queryset(indicator, scope, multi, filters, period, prev, columns)
    fact_sql, fact_params = qs.query.sql_with_params()
    exprs = {k: _dim_expr(source, k) for k in all_dims}
    additive = {k: _dim_expr(source, k, additive=True) for k in all_dims}
    if "month" in additive and "year" in additive:
        additive["year"] = _dim_expr(source, "year")
    # Without a child-table join, the total number of rows is the sum over any one
    # breakdown: the rows query then needs no empty grouping set, and with one
    # breakdown left it is a plain GROUP BY, which PostgreSQL runs in parallel.
    row_bys = bys
    if multi is None and () in bys and len(bys) > 1 and connection.vendor == "postgresql":
        row_bys = [by for by in bys if by]
    # The windows counted: the period and the year before; without a comparison the
    # facts hold the period only, and its aggregates need no condition at all.
    windows = [(period.start, period.end), (prev.start, prev.end)] if prev else [None]
    protect = scope.protected
    # 1. Rows per cell: with unique rows, the number of units.
    # With the protection on, the cell key is the sum of the keys of the records counted
    # in the cell; a count and a sum of ids go into ONE sum per window (id·2²⁴ + 1), so
    # the protected page costs about what the exact one does.
    packed = protect and not indicator.measure
    who = _column_sql(source, indicator.count)
    kinds: list[tuple[str, str | tuple[str, ...]]]
    if packed:
        kinds = [("COALESCE(SUM({}), 0)", f"COALESCE({who}, 0) * {_PACK} + 1")]
    elif indicator.measure:
        kinds = [("COALESCE(SUM({}), 0)", f"f.{indicator.measure}")]
    else:
        kinds = [("COUNT({})", "1")]
    if protect and not packed:
        kinds.append(("COALESCE(SUM({}), 0)", who))
    rows_measures, measure_params = _windowed(kinds, windows)
    counts: dict = {by: {} for by in bys}
    for by, key, values in _run_grouped(
        f"FROM ({fact_sql}) f",
        fact_params,
        row_bys,
        all_dims,
        additive,
        rows_measures,
        measure_params,
    ):
        key = _calendar_key(by, key)
        found = counts[by].setdefault(key, {"rows": (0, 0), "ck": (0, 0)})
        sums = [_pair(values, i, len(windows)) for i in range(len(kinds))]
        if packed:
            (c, p) = sums[0]
            sums = [(c % _PACK, p % _PACK), (c // _PACK, p // _PACK)]
        for name, (c, p) in zip(["rows", "ck"], sums, strict=False):
            found[name] = (found[name][0] + c, found[name][1] + p)
    if row_bys is not bys:
        summed = list(counts[row_bys[0]].values())
        counts[()][()] = {
            name: (sum(f[name][0] for f in summed), sum(f[name][1] for f in summed))
            for name in ("rows", "ck")
        }
    # 2. Corrections where one unit or person has several rows in a cell: only the rows
    #    of units/persons that occur more than once in the window are looked at.
    for column, ids in repeated.items():
        if not ids:
            continue
        who = _column_sql(source, column)
        kinds = [("COUNT({}) - COUNT(DISTINCT {})", ("1", who))]
        keyed = protect and column == indicator.count
        if keyed:
            # The cell key adds each counted unit or person once, however many rows.
            kinds.append(("COALESCE(SUM({}), 0) - COALESCE(SUM(DISTINCT {}), 0)", (who, who)))
        measures, window_params = _windowed(kinds, windows)
        if isinstance(ids, Q):  # the rows are marked: filter the facts on the mark
            marked_sql, marked_params = qs.filter(ids).query.sql_with_params()
            body, params = f"FROM ({marked_sql}) f", list(marked_params)
        elif connection.vendor == "postgresql":
            body = f"FROM ({fact_sql}) f WHERE f.{column} = ANY(%s)"
            params = [*fact_params, list(ids)]
        else:
            marks = ", ".join(["%s"] * len(ids))
            body = f"FROM ({fact_sql}) f WHERE f.{column} IN ({marks})"
            params = [*fact_params, *ids]
        for by, key, values in _run_grouped(
            body, params, bys, all_dims, exprs, measures, window_params
        ):
            found = counts[by].setdefault(key, {"rows": (0, 0), "ck": (0, 0)})
            found[column] = _pair(values, 0, len(windows))
            if keyed:
                found["ck_repeated"] = _pair(values, 1, len(windows))
    if prev is not None and prev.end < period.start:
        for by in bys:
            counts[by] = _align_calendar(by, counts[by], period)
    tables = {}
    for by in bys:
        cells = []
        for key, found in counts[by].items():
            rows_c, rows_p = found["rows"]
            units = _minus((rows_c, rows_p), found.get("unit_id"))
            persons = (
                units if source.person_is_unit else _minus((rows_c, rows_p), found.get("person_id"))
            )
            current, previous = persons if indicator.count == "person_id" else units
            if protect:
                ids_c, ids_p = _minus(found.get("ck", (0, 0)), found.get("ck_repeated"))
                current = protection.perturb(current, protection.cell_key(ids_c, current))
                previous = protection.perturb(previous, protection.cell_key(ids_p, previous))
            if not current and not previous and by:
                continue  # a protected cell of 0 is not shown: its row would tell it exists
            cells.append(
                Cell(
                    key=key,
                    labels=_labels_for(source, by, key) if by else (),
                    current=current,
                    previous=previous,
                    persons=persons[0],
                    persons_previous=persons[1],
                )
            )
        if by:
            cells.sort(key=lambda c: (-c.current, -c.previous, [str(x) for x in c.labels]))
            if by[0] in ("month", "year"):
                cells.sort(key=lambda c: tuple("" if v is None else str(v) for v in c.key))
        tables[by] = cells
    return tables


# Rows and the sum of their ids in one number: a cell holds fewer than 2^24 rows.
_PACK = 1 << 24


def _windowed(kinds, windows) -> tuple[list[str], list]:
    """SQL aggregates of each kind for each window, kind by kind, and their parameters.

    A kind is (template, values): the template's {} take the values, each counted only
    on rows of the window; a window of None is every row.
    """
    measures, params = [], []
    for template, values in kinds:
        values = (values,) if isinstance(values, str) else values
        for window in windows:
            if window is None:
                measures.append(template.format(*values))
                continue
            cond = "f.d BETWEEN %s AND %s"
            measures.append(template.format(*(f"CASE WHEN {cond} THEN {v} END" for v in values)))
            params += [*window] * len(values)
    return measures, params


def _pair(values, kind: int, windows: int) -> tuple[int, int]:
    """(current, previous) of one kind of aggregate; 0 for the year before if not counted."""
    current = int(values[kind * windows] or 0)
    return current, int(values[kind * windows + 1] or 0) if windows == 2 else 0


def _calendar_key(by, key: tuple) -> tuple:
    """Months and years as "YYYY-MM" and "YYYY", whatever the query grouped them by."""
    if "month" not in by and "year" not in by:
        return key
    out = list(key)
    for i, dim in enumerate(by):
        value = out[i]
        if value is None or isinstance(value, str):
            continue
        if dim == "month":
            out[i] = f"{value.year:04d}-{value.month:02d}"
        elif dim == "year":
            out[i] = f"{getattr(value, 'year', value):04d}"
    return tuple(out)


def _shift_year(value, dim: str):
    if value is None:
        return value
    text = str(value)
    return f"{int(text[:4]) + 1}{text[4:]}"


def _align_calendar(by, found: dict, period) -> dict:
    """Put a month (or year) of the year before beside the same month of the period.

    Rows of the earlier window carry only `previous` counts; keyed by their own month
    they would show as separate rows ("2024-03" beside "2025-03").
    """
    calendar_dims = [i for i, k in enumerate(by) if k in ("month", "year")]
    if not calendar_dims:
        return found
    first = period.start.strftime("%Y-%m")
    merged: dict = {}
    for key, values in found.items():
        key = list(key)
        for i in calendar_dims:
            if key[i] is not None and str(key[i]) < first[: len(str(key[i]))]:
                key[i] = _shift_year(key[i], by[i])
        into = merged.setdefault(tuple(key), {})
        for name, (c, p) in values.items():
            old = into.get(name, (0, 0))
            into[name] = (old[0] + c, old[1] + p)
    return merged


def _minus(rows: tuple[int, int], correction) -> tuple[int, int]:
    if not correction:
        return rows
    return rows[0] - correction[0], rows[1] - correction[1]


def scope_for(user, organisation=None) -> Scope:
    """Decide whose records a user's figures cover, and whether they are protected.

    Exact figures: an organisation's own, and everything for a role granted exact
    national figures (the national coordination secretariat). Everyone else sees every
    figure through the cell-key method, national totals included.
    """
    from himoya.access import policy, roles

    exact = policy.has_perm(user, roles.VIEW_STATS_EXACT)
    own = policy.org_ids_with(user, roles.VIEW_STATS_ORG)
    if organisation is not None:
        org_id = getattr(organisation, "pk", organisation)
        if org_id in own:
            return Scope(frozenset({org_id}), False)
        if policy.has_perm(user, roles.VIEW_STATS_NATIONAL):
            return Scope(frozenset({org_id}), not exact)
        return Scope(frozenset(), False)
    if policy.has_perm(user, roles.VIEW_STATS_NATIONAL):
        return Scope(None, not exact)
    return Scope(frozenset(own), False)
