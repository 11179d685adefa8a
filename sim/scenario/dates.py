"""The calendar of a scenario: the date of every step, and the dates a results table can hold.

A step is a day, a week, a month or a year. Days and weeks add days; months and years are
calendar arithmetic (the day of the month is kept, and moved back to the month's last day when
the month is shorter: 31 January + 1 month is 28 or 29 February), so a date never drifts.

The tables store dates as ``datetime64[ns]`` (what pandas, Arrow, Polars and R read as a
timestamp without loss), which holds 1677-09-21 to 2262-04-11. Every step of a scenario must lie
within :data:`FIRST` .. :data:`LAST`; :func:`check_span` refuses a start and horizon that leave
it at validation time, so that no date ever wraps round (a ``datetime64[ns]`` overflow is
silent) and no date is asked of Python's ``datetime.date`` past year 9999.
"""

from __future__ import annotations

import calendar
import datetime as dt

FIRST = dt.date(1678, 1, 1)
"""The earliest step date (whole years inside the ``datetime64[ns]`` range)."""
LAST = dt.date(2262, 1, 1)
"""The latest step date (whole years inside the ``datetime64[ns]`` range)."""

UNITS = ("day", "week", "month", "year")


def check_calendar_date(v: str) -> None:
    """Raise ValueError if a ``YYYY-MM[-DD]`` text (format already matched) is not a real day.

    One check for every date the language reads (``time.start``, history times).
    """
    parts = [int(p) for p in v.split("-")]
    try:
        dt.date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1)
    except ValueError as exc:
        raise ValueError(f"{v!r} is not a calendar date ({exc})") from None


def parse_start(start: str) -> dt.date:
    """``YYYY-MM`` or ``YYYY-MM-DD`` as a date (the first of the month for ``YYYY-MM``)."""
    parts = [int(p) for p in start.split("-")]
    return dt.date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1)


def months_to_date(base: dt.date, months: int) -> tuple[int, int, int]:
    """``(year, month, day)`` ``months`` calendar months after ``base``, the day clamped to
    the month's length; the year may lie outside what ``datetime.date`` holds."""
    total = base.year * 12 + (base.month - 1) + months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    if 1 <= year <= 9999:
        day = min(base.day, calendar.monthrange(year, month)[1])
    else:
        day = min(base.day, 28)
    return year, month, day


def step_ordinal(base: dt.date, unit: str, step: int) -> int:
    """The proleptic ordinal (``date.toordinal()``) of step ``step``; defined for any step,
    also where ``datetime.date`` cannot hold the date (then it is approximate but monotone,
    which is all :func:`check_span` needs)."""
    if unit == "day":
        return base.toordinal() + step
    if unit == "week":
        return base.toordinal() + 7 * step
    months = step if unit == "month" else 12 * step
    year, month, day = months_to_date(base, months)
    if 1 <= year <= 9999:
        return dt.date(year, month, day).toordinal()
    return round((year - 1) * 365.2425 + (month - 1) * 30.44 + day)


def step_date(base: dt.date, unit: str, step: int) -> dt.date:
    """The calendar date of step ``step`` (step 0 is ``base``).

    Raises:
        ValueError: when the date is outside :data:`FIRST` .. :data:`LAST`.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown step unit {unit!r}")
    ordinal = step_ordinal(base, unit, step)
    if not FIRST.toordinal() <= ordinal <= LAST.toordinal():
        raise ValueError(f"step {step} falls outside {FIRST} .. {LAST}")
    return dt.date.fromordinal(ordinal)


def max_horizon(start: str, unit: str) -> int:
    """The longest horizon whose last step is still on or before :data:`LAST`."""
    base = parse_start(start)
    per_step = {"day": 1.0, "week": 7.0, "month": 365.2425 / 12, "year": 365.2425}[unit]
    n = max(0, int((LAST.toordinal() - base.toordinal()) / per_step) + 2)
    while n > 0 and step_ordinal(base, unit, n) > LAST.toordinal():
        n -= 1
    return n


def check_span(start: str, unit: str, horizon: int) -> str | None:
    """Why ``horizon`` steps from ``start`` do not fit the dates a table holds, or ``None``."""
    base = parse_start(start)
    if not FIRST <= base <= LAST:
        return f"start {start} is outside the dates a results table holds ({FIRST} .. {LAST})"
    if step_ordinal(base, unit, horizon) > LAST.toordinal():
        return (
            f"{horizon} {unit}s from {start} end after {LAST}, the last date a results table"
            f" holds (datetime64[ns]); the longest horizon from this start is"
            f" {max_horizon(start, unit)} {unit}s"
        )
    return None
