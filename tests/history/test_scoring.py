"""Oracle tests of the scoring rules: each against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.history import scoring


def test_brier_is_the_squared_miss() -> None:
    assert scoring.brier(0.7) == pytest.approx(0.09)  # (1 − 0.7)²
    assert scoring.brier(0.7, outcome=0) == pytest.approx(0.49)  # (0 − 0.7)²
    assert scoring.brier(1.0) == 0.0


def test_log_score_is_minus_log_of_the_probability_of_what_happened() -> None:
    assert scoring.log_score(0.7) == pytest.approx(-math.log(0.7))  # 0.35667
    assert scoring.log_score(0.7, outcome=0) == pytest.approx(-math.log(0.3))  # 1.20397
    assert scoring.log_score(0.5) == pytest.approx(math.log(2))


def test_log_score_is_clipped_for_an_ensemble_of_n_runs() -> None:
    # ε = 1 / (2 · (200 + 1)) = 1/402: an outcome no run produced costs log 402 ≈ 6.0
    assert scoring.clip_eps(200) == pytest.approx(1 / 402)
    assert scoring.log_score(0.0, n=200) == pytest.approx(math.log(402))
    assert scoring.log_score(1.0, n=200) == pytest.approx(-math.log(1 - 1 / 402))
    assert scoring.log_score(0.0) == math.inf  # unclipped without n


def test_crps_of_an_ensemble_by_hand() -> None:
    # E|X − y| − ½ E|X − X'| over the empirical distribution
    # {−1, 1} at 0: 1 − ½ · (0 + 2 + 2 + 0)/4 = 0.5
    assert scoring.crps(np.array([-1.0, 1.0]), 0.0) == pytest.approx(0.5)
    # {0, 1, 2} at 0.5: (0.5 + 0.5 + 1.5)/3 − ½ · 8/9 = 5/6 − 4/9 = 7/18
    assert scoring.crps(np.array([0.0, 1.0, 2.0]), 0.5) == pytest.approx(7 / 18)
    # a point forecast scores its absolute error
    assert scoring.crps(np.full(10, 3.0), 5.0) == pytest.approx(2.0)
    # missing values are left out; nothing left is NaN
    assert scoring.crps(np.array([np.nan, 3.0]), 5.0) == pytest.approx(2.0)
    assert math.isnan(scoring.crps(np.array([np.nan]), 5.0))


def test_crps_prefers_the_sharper_calibrated_forecast() -> None:
    rng = np.random.default_rng(0)
    sharp = rng.normal(10, 1, 2000)
    wide = rng.normal(10, 5, 2000)
    assert scoring.crps(sharp, 10.0) < scoring.crps(wide, 10.0)
    # closed form for a normal at its mean: σ (√2 − 1)/√π
    assert scoring.crps(sharp, 10.0) == pytest.approx((math.sqrt(2) - 1) / math.sqrt(math.pi), 0.05)


def test_bands_and_coverage() -> None:
    x = np.arange(101, dtype=float)  # 0..100: quantiles are the percentiles
    b = scoring.bands(x)
    assert (b["q05"], b["q25"], b["q50"], b["q75"], b["q95"]) == (5, 25, 50, 75, 95)
    assert scoring.covered(x, 30.0, 0.5) and not scoring.covered(x, 20.0, 0.5)
    assert scoring.covered(x, 94.0, 0.9) and not scoring.covered(x, 96.0, 0.9)


def test_skill_score() -> None:
    assert scoring.skill(0.1, 0.4) == pytest.approx(0.75)
    assert scoring.skill(0.4, 0.4) == 0.0
    assert scoring.skill(0.8, 0.4) == pytest.approx(-1.0)
    assert math.isnan(scoring.skill(0.1, 0.0))
    assert math.isnan(scoring.skill(float("nan"), 1.0))
