"""Plain counts from the indicator engine, for the apps' own figure functions.

The apps' `queries.py` modules keep their signatures (optional `start`/`end` dates,
optional organisation ids) and read every count from here, so a figure on an app's page
is the same number the dashboard and the reports show.
"""

import datetime

from himoya.stats import engine, periods

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)


def period(start=None, end=None) -> periods.Period:
    """Return the period from `start` to `end` (inclusive); an open end means no limit."""
    return periods.custom(start or EARLIEST, end or LATEST)


def scope(organisation_ids=None, protected: bool = False) -> engine.Scope:
    """Return the scope of the given organisations (None: all), with no small-cell hiding.

    Organisations may be given as ids or as Organisation objects.
    """
    if organisation_ids is None:
        return engine.Scope(None, protected)
    return engine.Scope(frozenset(getattr(o, "pk", o) for o in organisation_ids), protected)


def _indicator(key: str) -> engine.Indicator:
    from himoya.stats.indicators import INDICATORS

    return INDICATORS[key]


def counts(
    key, by, start=None, end=None, organisation_ids=None, filters=None, protected=False
) -> dict:
    """Return {value tuple: count} of indicator `key` broken down by the dimensions `by`."""
    table = engine.compute(
        _indicator(key),
        period(start, end),
        scope(organisation_ids, protected),
        by,
        filters,
        compare=False,
    )
    return {cell.key: cell.current for cell in table.cells}


def total(key, start=None, end=None, organisation_ids=None, filters=None, protected=False) -> int:
    """Return the count of indicator `key` in the period."""
    table = engine.compute(
        _indicator(key),
        period(start, end),
        scope(organisation_ids, protected),
        (),
        filters,
        compare=False,
    )
    return table.total.current


def protected_for(user, organisation_ids) -> bool:
    """Whether figures over these organisations (None: all) are protected for the user.

    National figures are, unless the user holds the exact-figures grant; an
    organisation's own figures are exact for its members.
    """
    from himoya.access import policy, roles

    return organisation_ids is None and not policy.has_perm(user, roles.VIEW_STATS_EXACT)
