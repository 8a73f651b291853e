from datetime import date

import pytest
from django.http import QueryDict

from himoya.stats import periods

TODAY = date(2026, 11, 23)


def params(text):
    return QueryDict(text)


def test_january_to_september_and_the_same_window_a_year_earlier():
    p = periods.from_params(params("period=ytd&year=2026&month=9"), TODAY)
    assert (p.start, p.end) == (date(2026, 1, 1), date(2026, 9, 30))
    prev = p.previous_year()
    assert (prev.start, prev.end) == (date(2025, 1, 1), date(2025, 9, 30))


def test_reporting_year_runs_april_to_march():
    p = periods.from_params(params("period=reporting&year=2025"), TODAY)
    assert (p.start, p.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert p.data_year == 2026


def test_quarter_month_and_leap_day():
    assert periods.quarter(2024, 1).end == date(2024, 3, 31)
    feb = periods.month(2024, 2)
    assert feb.end == date(2024, 2, 29)
    assert feb.previous_year().end == date(2023, 2, 28)


def test_default_is_january_to_this_month():
    p = periods.from_params(params(""), TODAY)
    assert (p.kind, p.start, p.end) == ("ytd", date(2026, 1, 1), date(2026, 11, 30))


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&start=2026-05-01&end=2026-04-01",  # end before start
        "period=year&year=2031",  # a future year
        "period=quarter&year=2025&quarter=5",
        "period=month&year=2025&month=13",
        "period=year&year=abc",
        "period=custom&start=yesterday&end=2026-01-01",
        "period=decade",
    ],
)
def test_impossible_periods_are_refused_with_a_message(query):
    with pytest.raises(periods.PeriodError) as error:
        periods.from_params(params(query), TODAY)
    assert str(error.value)


def test_round_trip_through_url_parameters():
    for p in [
        periods.year(2025),
        periods.quarter(2025, 3),
        periods.month(2025, 7),
        periods.january_to(2026, 9),
        periods.reporting_year(2024),
        periods.custom(date(2025, 2, 3), date(2025, 6, 1)),
    ]:
        assert periods.from_params(QueryDict(mutable=True) | p.as_params(), TODAY) == p
