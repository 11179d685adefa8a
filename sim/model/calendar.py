"""The calendar of a run: the date of each step, and its short label for event sentences."""

from __future__ import annotations

import numpy as np

from sim.scenario.dates import parse_start, step_date

from .errors import ModelError

DAYS_PER_STEP = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}
"""Length of a step in days (a month is a twelfth of a Julian year)."""


def step_dates(start: str, unit: str, horizon: int) -> np.ndarray:
    """Calendar date of each step 0..horizon as ``datetime64[ns]``.

    Calendar arithmetic (:mod:`sim.scenario.dates`): months and years keep the day of the
    month, clamped to the month's length. A span outside what ``datetime64[ns]`` holds is
    refused at validation; here it raises :class:`ModelError` rather than wrap round.
    """
    base = parse_start(start)
    try:
        out = [step_date(base, unit, s) for s in range(horizon + 1)]
    except ValueError as exc:
        raise ModelError(f"time: {exc}") from None
    return np.array(out, dtype="datetime64[D]").astype("datetime64[ns]")


def date_labels(dates: np.ndarray, unit: str) -> list[str]:
    """Short labels for event sentences: ``2025-03`` for months, ``2025`` for years."""
    days = dates.astype("datetime64[D]").astype(str)
    if unit == "month":
        return [s[:7] for s in days]
    if unit == "year":
        return [s[:4] for s in days]
    return list(days)
