"""Estimands: Wilson intervals, bands, paired differences and the summary."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.estimands import band, paired_difference, summarize, wilson


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # 95 % Wilson intervals to 4 decimals, as usually tabulated (0 of 10: [0, 0.2775]).
        (5, 10, 0.2366, 0.7634),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (1, 100, 0.0018, 0.0545),
    ],
)
def test_wilson_interval_matches_the_closed_form(k, n, low, high):
    p, lo, hi = wilson(k, n)
    assert p == k / n
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)


def test_wilson_is_vectorised_and_stays_in_the_unit_interval():
    k = np.array([0, 3, 50])
    p, lo, hi = wilson(k, 50)
    assert p.shape == lo.shape == (3,)
    assert np.all((0 <= lo) & (lo <= p) & (p <= hi) & (hi <= 1))


def test_wilson_covers_the_true_proportion_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    n, p = 40, 0.1
    k = rng.binomial(n, p, size=20_000)
    _, lo, hi = wilson(k, n)
    coverage = np.mean((lo <= p) & (p <= hi))
    assert 0.93 < coverage < 0.97


def test_paired_difference_mean_se_and_interval():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([0.0, 1.0, 1.0, 3.0])
    d = paired_difference(a, b)
    diffs = a - b
    assert d.mean == pytest.approx(diffs.mean())
    assert d.se == pytest.approx(diffs.std(ddof=1) / 2)
    assert d.low == pytest.approx(d.mean - 1.959964 * d.se, abs=1e-6)
    assert d.n == 4


def test_paired_difference_leaves_out_undefined_pairs():
    d = paired_difference([1.0, np.nan, 3.0], [0.0, 5.0, 1.0])
    assert d.n == 2 and d.mean == pytest.approx(1.5)


def test_band_is_median_and_5th_to_95th_percentile():
    med, lo, hi = band(np.arange(101.0))
    assert (med, lo, hi) == pytest.approx((50.0, 5.0, 95.0))
    assert all(math.isnan(x) for x in band([np.nan]))


def test_summary_of_an_outcomes_table():
    outcomes = pd.DataFrame(
        {
            "run": range(4),
            "red_line.x.crossed": [True, False, False, True],
            "red_line.x.step": [3.0, np.nan, np.nan, 5.0],
            "escalation.A-B.max": [1.0, 2.0, 3.0, 4.0],
            "escalation.A-C.max": [9.0, 9.0, 9.0, 9.0],
            "front.f.territory": [-10.0, 0.0, 10.0, 20.0],
        }
    )
    s = summarize({"outcomes": outcomes})
    frame = s.to_frame()
    red = frame[frame["kind"] == "red_line"].iloc[0]
    assert red["estimate"] == 0.5 and red["n"] == 4
    assert "median step of crossing 4" in red["note"]
    # Dyads by median peak escalation, highest first.
    assert frame[frame["kind"] == "escalation"]["name"].tolist() == ["A-C", "A-B"]
    text = s.render()
    assert "50.0%" in text and "A-C" in text and "f" in text


# --- the classic scenarios: their summary states the closed-form answers ---------------------

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _summary_rows(name: str, runs: int = 4) -> pd.DataFrame:
    import sim

    results = sim.run(sim.load_scenario(SCENARIOS / name), runs=runs, seed=3)
    return results.summary().to_frame().set_index(["kind", "name"])


def test_summary_of_the_prisoners_dilemma_gives_the_exact_scores():
    rows = _summary_rows("prisoners_dilemma.yaml")
    assert rows.loc[("payoff", "A"), "estimate"] == 9.0  # tit-for-tat, 10 rounds
    assert rows.loc[("payoff", "B"), "estimate"] == 14.0  # always-defect


def test_summary_of_lanchester_gives_the_square_law_survivors():
    rows = _summary_rows("lanchester_battle.yaml")
    assert rows.loc[("front", "field A"), "estimate"] == pytest.approx(60.0, rel=1e-6)
    assert rows.loc[("front", "field B"), "estimate"] == pytest.approx(0.0, abs=1e-9)


def test_summary_of_richardson_gives_the_levels_near_the_closed_form():
    rows = _summary_rows("richardson_arms_race.yaml")
    x10 = 2 * (1 - math.exp(-5))  # model.md §9: 1.986524; Euler with dt = 0.01 stays within 1e-3
    for name in ("BLUE.arms", "RED.arms"):
        assert rows.loc[("level", name), "estimate"] == pytest.approx(x10, abs=1e-3)
