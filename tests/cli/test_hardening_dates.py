"""Issue 10, defects 1–2: dates never wrap round and never hang; the span is refused at
validation with the longest horizon that fits."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.layout import step_dates
from sim.scenario.dates import FIRST, LAST, check_span, max_horizon, step_date

ROOT = Path(__file__).parent.parent.parent
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"


def test_a_yearly_horizon_past_2262_is_refused_not_wrapped(wargame):
    code, _, err = wargame(
        "run", FLAGSHIP, "--set", "time.step=year", "--horizon", 300, "--runs", 2, "--out", "o"
    )
    assert code == 2, err
    assert "end after 2262-01-01" in err and "the longest horizon from this start is" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("start", ["2300-06", "9999-06", "1600-01"])
def test_a_start_outside_the_table_dates_is_refused_quickly(wargame, start):
    t0 = time.monotonic()
    code, _, err = wargame("validate", FLAGSHIP, "--set", f'time.start="{start}"')
    assert code == 2 and "outside the dates a results table holds" in err
    assert time.monotonic() - t0 < 20


def test_a_horizon_of_100000_steps_is_refused_not_hung(wargame):
    t0 = time.monotonic()
    code, _, err = wargame("run", FLAGSHIP, "--horizon", 100000, "--runs", 2, "--out", "o")
    assert code == 2 and "end after" in err
    assert time.monotonic() - t0 < 20


def test_months_and_years_are_calendar_arithmetic():
    d = step_dates("2024-01-31", "month", 3).astype("datetime64[D]").astype(str).tolist()
    assert d == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"]
    y = step_dates("2024-02-29", "year", 4).astype("datetime64[D]").astype(str).tolist()
    assert y == ["2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]


@settings(max_examples=60, deadline=2000)
@given(
    start=st.dates(min_value=dt.date(1600, 1, 1), max_value=dt.date(9999, 12, 31)),
    unit=st.sampled_from(["day", "week", "month", "year"]),
    horizon=st.integers(1, 200_000),
)
def test_any_span_is_either_refused_or_every_date_is_in_range_and_increasing(start, unit, horizon):
    text = start.isoformat()
    why = check_span(text, unit, horizon)
    if why is not None:
        assert FIRST > start or horizon > max_horizon(text, unit)
        return
    assert horizon <= max_horizon(text, unit)
    assert step_date(start, unit, horizon) <= LAST
    if horizon <= 3000:
        dates = step_dates(text, unit, horizon)
        assert dates.dtype == np.dtype("datetime64[ns]")
        assert (np.diff(dates.astype("int64")) > 0).all()
        assert dates[0] == np.datetime64(start)
