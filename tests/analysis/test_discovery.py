"""Scenario discovery: PRIM recovers a planted box; the outcome expressions mean what they say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.discovery import DiscoveryError, choose, discover, outcome_mask, quasi_p

STEP = 0.05
GRID = np.round(np.arange(0.0, 1.0 + 1e-9, STEP), 10)
THRESHOLDS = {"actors.A.risk_tolerance": 0.6, "red_lines.line.credibility": 0.3}


def planted(n: int = 2000, seed: int = 3) -> pd.DataFrame:
    """An ensemble whose outcome is true exactly when two parameters exceed their thresholds;
    two more parameters are noise. Every parameter is sampled on a grid of step 0.05."""
    rng = np.random.default_rng(seed)
    names = [*THRESHOLDS, "actors.B.precision", "fronts.east.fire_elasticity"]
    df = pd.DataFrame({"run": np.arange(n)})
    for p in names:
        df[f"param.{p}"] = rng.choice(GRID, n)
    hit = np.ones(n, dtype=bool)
    for p, t in THRESHOLDS.items():
        hit &= df[f"param.{p}"].to_numpy() > t
    df["red_line.line.crossed"] = hit
    return df


@pytest.mark.parametrize("seed", [3, 4])
def test_prim_recovers_a_planted_box(seed):
    found = discover(planted(seed=seed), "red_line.line.crossed", seed=1)
    box = found.box.set_index("parameter")
    assert set(box.index) == set(THRESHOLDS)  # the noise parameters are left free
    for p, t in THRESHOLDS.items():
        assert abs(box.loc[p, "low"] - t) <= STEP, (p, box.loc[p, "low"])
        assert box.loc[p, "high"] == pytest.approx(1.0)
    assert found.chosen["density"] >= 0.9
    assert (quasi_p(found.box) < 0.05).all()  # both restrictions are far from chance
    assert found.chosen["coverage"] >= 0.9
    assert set(found.scores["parameter"].head(2)) == set(THRESHOLDS)


def test_the_trajectory_peels_towards_density():
    found = discover(planted(), "red_line.line.crossed")
    t = found.trajectory
    assert t["coverage"].iloc[0] == 1.0 and t["mass"].iloc[0] == 1.0
    assert t["density"].iloc[-1] > t["density"].iloc[0]
    assert t["chosen"].sum() == 1


def test_choose_balances_coverage_and_density_unless_a_density_is_asked():
    t = pd.DataFrame({"coverage": [1.0, 0.9, 0.5], "density": [0.2, 0.8, 1.0]})
    assert choose(t) == 1
    assert choose(t, min_density=0.95) == 2
    assert choose(t, min_density=2.0) == 2  # none reaches it: the densest


def test_outcome_expressions():
    df = pd.DataFrame(
        {
            "run": [0, 1, 2, 3],
            "front.east.territory": [100.0, 6000.0, 5000.0, np.nan],
            "red_line.x.crossed": [True, False, True, False],
            "param.a": [0.1, 0.2, 0.3, 0.4],
        }
    )
    assert outcome_mask(df, "front.east.territory > 5000").tolist() == [False, True, False, False]
    assert outcome_mask(df, "front.east.territory>=5_000").tolist() == [False, True, True, False]
    assert outcome_mask(df, "front.east.territory != 100").tolist() == [False, True, True, False]
    assert outcome_mask(df, "red_line.x.crossed").tolist() == [True, False, True, False]
    assert outcome_mask(df, "not red_line.x.crossed").tolist() == [False, True, False, True]


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("front.east.teritory > 5", "did you mean 'front.east.territory'"),
        ("front.east.territory", "is a number, not true or false"),
        ("front.east.territory > lots", "'lots' is not a number"),
        ("front.east.territory >", "expected COLUMN"),
        ("param.a > 0.2", "no outcome 'param.a'"),
    ],
)
def test_bad_expressions_say_what_is_wrong(expr, message):
    df = pd.DataFrame({"run": [0, 1], "front.east.territory": [1.0, 2.0], "param.a": [0.1, 0.2]})
    with pytest.raises(DiscoveryError) as exc:
        outcome_mask(df, expr)
    assert message in str(exc.value)


def test_an_outcome_that_never_varies_has_nothing_to_discover():
    df = planted(200)
    df["red_line.line.crossed"] = False
    with pytest.raises(DiscoveryError, match="false in all 200 runs"):
        discover(df, "red_line.line.crossed")


def test_an_ensemble_without_sampled_parameters_has_nothing_to_discover():
    df = planted(200).drop(columns=[c for c in planted(200).columns if c.startswith("param.")])
    with pytest.raises(DiscoveryError, match="sampled no uncertain parameter"):
        discover(df, "red_line.line.crossed")
