"""Reporting periods: calendar year, quarter, month, January–N, April–March, custom range.

Every figure is computed for one period and compared with the same period a year earlier.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {
    "year": gettext_lazy("Calendar year"),
    "quarter": gettext_lazy("Quarter"),
    "month": gettext_lazy("Month"),
    "ytd": gettext_lazy("January to month N"),
    "reporting": gettext_lazy("Reporting year April–March"),
    "custom": gettext_lazy("Custom range"),
}


class PeriodError(ValueError):
    """A period that cannot be reported on; the message is for the user."""


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def data_year(self) -> int:
        """The year the figures belong to: the year the period ends in."""
        return self.end.year

    def previous_year(self) -> "Period":
        """Return the same window one year earlier."""
        start = _shift_year(self.start, -1)
        end = _shift_year(self.end, -1)
        if self.end == _month_end(self.end.year, self.end.month):
            end = _month_end(end.year, end.month)
        return Period(self.kind, start, end)

    def months(self) -> list[date]:
        """Return the first day of each month the period touches."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(date(y, m, 1))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if self.kind == "year":
            return str(s.year)
        if self.kind == "quarter":
            return _("Q%(q)d %(year)d") % {"q": (s.month - 1) // 3 + 1, "year": s.year}
        if self.kind == "month":
            return date_format(s, "YEAR_MONTH_FORMAT")
        if self.kind == "ytd":
            return _("January–%(month)s %(year)d") % {
                "month": date_format(e, "F"),
                "year": e.year,
            }
        if self.kind == "reporting":
            return _("April %(start)d – March %(end)d") % {"start": s.year, "end": e.year}
        return f"{date_format(s, 'SHORT_DATE_FORMAT')} – {date_format(e, 'SHORT_DATE_FORMAT')}"

    def as_params(self) -> dict[str, str]:
        """Return the URL parameters that rebuild this period (for shareable links)."""
        if self.kind == "year":
            return {"period": "year", "year": str(self.start.year)}
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return {"period": "quarter", "year": str(self.start.year), "quarter": str(q)}
        if self.kind in ("month", "ytd"):
            return {"period": self.kind, "year": str(self.end.year), "month": str(self.end.month)}
        if self.kind == "reporting":
            return {"period": "reporting", "year": str(self.start.year)}
        return {"period": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}


def year(y: int) -> Period:
    return Period("year", date(y, 1, 1), date(y, 12, 31))


def quarter(y: int, q: int) -> Period:
    if q not in (1, 2, 3, 4):
        raise PeriodError(_("A quarter is 1, 2, 3 or 4."))
    first = 3 * (q - 1) + 1
    return Period("quarter", date(y, first, 1), _month_end(y, first + 2))


def month(y: int, m: int) -> Period:
    _check_month(m)
    return Period("month", date(y, m, 1), _month_end(y, m))


def january_to(y: int, m: int) -> Period:
    _check_month(m)
    return Period("ytd", date(y, 1, 1), _month_end(y, m))


def reporting_year(start_year: int) -> Period:
    """April of `start_year` to March of the next year (the US TIP report's window)."""
    return Period("reporting", date(start_year, 4, 1), date(start_year + 1, 3, 31))


def custom(start: date, end: date) -> Period:
    return Period("custom", start, end)


def _check_month(m: int) -> None:
    if not 1 <= m <= 12:
        raise PeriodError(_("A month is a number from 1 to 12."))


def validate(period: Period, today: date) -> Period:
    """Refuse impossible periods: end before start, or a period that has not begun."""
    if period.end < period.start:
        raise PeriodError(_("The end of the period is before its start."))
    if period.start > today:
        raise PeriodError(_("The period lies in the future; there are no records for it yet."))
    if period.start.year < 1990:
        raise PeriodError(_("Records start in 1990; choose a later period."))
    return period


# What to tell a person whose period lacks a number, or has something else in its place.
MISSING = {
    "year": gettext_lazy("Choose the year."),
    "quarter": gettext_lazy("Choose the quarter."),
    "month": gettext_lazy("Choose the month."),
}
NOT_A_NUMBER = {
    "year": gettext_lazy("A year is written in four digits, such as 2026."),
    "quarter": gettext_lazy("A quarter is 1, 2, 3 or 4."),
    "month": gettext_lazy("A month is a number from 1 to 12."),
}


def parse_int(params, name: str) -> int:
    """Read a year, quarter or month from URL parameters, or raise PeriodError."""
    raw = (params.get(name) or "").strip()
    if not raw:
        raise PeriodError(str(MISSING[name]))
    try:
        value = int(raw)
    except ValueError:
        raise PeriodError(str(NOT_A_NUMBER[name])) from None
    # A year the calendar (and PostgreSQL's dates) cannot hold gets the message the
    # period check gives for a year too early or too late, not a server error.
    if name == "year" and value < 1990:
        raise PeriodError(_("Records start in 1990; choose a later period."))
    if name == "year" and value > date.max.year - 1:
        raise PeriodError(_("The period lies in the future; there are no records for it yet."))
    return value


def from_params(params, today: date) -> Period:
    """Build a period from URL parameters; the default is January to the current month."""
    kind = params.get("period") or "ytd"
    if kind == "year":
        p = year(parse_int(params, "year"))
    elif kind == "quarter":
        p = quarter(parse_int(params, "year"), parse_int(params, "quarter"))
    elif kind == "month":
        p = month(parse_int(params, "year"), parse_int(params, "month"))
    elif kind == "ytd":
        y = parse_int(params, "year") if params.get("year") else today.year
        m = (
            parse_int(params, "month")
            if params.get("month")
            else (today.month if y == today.year else 12)
        )
        p = january_to(y, m)
    elif kind == "reporting":
        p = reporting_year(parse_int(params, "year"))
    elif kind == "custom":
        try:
            p = custom(
                date.fromisoformat(params.get("start", "")),
                date.fromisoformat(params.get("end", "")),
            )
        except ValueError:
            raise PeriodError(_("Give the start and end dates as YYYY-MM-DD.")) from None
    else:
        raise PeriodError(_("Unknown kind of period."))
    return validate(p, today)
