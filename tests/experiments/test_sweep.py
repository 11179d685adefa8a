"""Parameter sweeps: grid points on common random numbers, the paired intervals, the table."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from sim.experiments import ExperimentError
from sim.experiments.sweep import Axis, grid_range, sweep

DETERRENCE = Path(__file__).parent / "data" / "deterrence.yaml"
CRED = "red_lines.line.credibility"
CROSSED = "red_line.line.crossed"


@pytest.fixture(scope="module")
def credibility_sweep():
    """A red line's credibility from 0 to 1: a more credible line is crossed less."""
    return sweep(DETERRENCE, [Axis(CRED, grid_range(0.0, 1.0, 5))], runs=400, seed=11)


def test_a_red_lines_credibility_gives_a_monotone_curve(credibility_sweep):
    rows = credibility_sweep.sweep
    assert list(rows[CRED]) == [0.0, 0.25, 0.5, 0.75, 1.0]
    p = rows["estimate"].to_numpy()
    assert np.all(np.diff(p) <= 0), p  # crossed less often as the line grows credible
    assert p[0] - p[-1] > 0.05, p
    d = rows["difference"].to_numpy()
    assert np.all(np.diff(d) <= 0), d
    assert rows["diff_high"].iloc[-1] < 0  # the paired interval excludes no effect


def test_the_intervals_of_the_differences_are_the_paired_ones(credibility_sweep):
    """Recomputed here from the runs: run r of a point minus run r of the first point."""
    out = credibility_sweep.outcomes
    arms = list(dict.fromkeys(credibility_sweep.sweep["point"]))
    first = out[out["arm"] == arms[0]].sort_values("run")[CROSSED].to_numpy(float)
    for arm, row in zip(arms[1:], credibility_sweep.sweep.iloc[1:].itertuples(), strict=True):
        mine = out[out["arm"] == arm].sort_values("run")[CROSSED].to_numpy(float)
        d = mine - first
        se = d.std(ddof=1) / math.sqrt(d.size)
        assert row.difference == pytest.approx(d.mean())
        assert row.diff_se == pytest.approx(se)
        z = norm.ppf(0.975)
        assert (row.diff_low, row.diff_high) == pytest.approx(
            (d.mean() - z * se, d.mean() + z * se)
        )
    assert credibility_sweep.sweep["difference"].iloc[0] == 0.0


def test_common_random_numbers_make_the_paired_interval_narrower(credibility_sweep):
    """Two points where the line is sometimes crossed: pairing removes their shared noise."""
    out = credibility_sweep.outcomes
    a, b = (
        out[out["arm"] == arm].sort_values("run")[CROSSED].to_numpy(float) for arm in ("g03", "g04")
    )
    assert 0 < a.mean() < 1 and 0 < b.mean() < 1
    paired = (a - b).std(ddof=1) / math.sqrt(a.size)
    unpaired = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert paired < 0.8 * unpaired


def test_every_point_runs_the_same_sampled_parameters_but_the_swept_one(credibility_sweep):
    out = credibility_sweep.outcomes
    by_arm = {a: g.sort_values("run") for a, g in out.groupby("arm", observed=True)}
    a, b = by_arm["g00"], by_arm["g04"]
    other = [c for c in out.columns if c.startswith("param.") and c != f"param.{CRED}"]
    assert other, "the scenario samples other parameters"
    for c in other:
        np.testing.assert_array_equal(a[c].to_numpy(), b[c].to_numpy())
    assert set(a[f"param.{CRED}"]) == {0.0} and set(b[f"param.{CRED}"]) == {1.0}


def test_a_two_parameter_grid_is_their_product_and_saved(tmp_path):
    axes = [Axis(CRED, (0.0, 1.0)), Axis("actors.A.weights.economy", (0.2, 0.5, 0.8))]
    res = sweep(DETERRENCE, axes, [CROSSED, "escalation.A-B.max"], runs=40, out=tmp_path / "s")
    t = res.sweep
    assert len(t) == 2 * 6
    rows = t[t["outcome"] == CROSSED]
    pairs = list(zip(rows[CRED], rows["actors.A.weights.economy"], strict=True))
    assert pairs == [(0.0, 0.2), (0.0, 0.5), (0.0, 0.8), (1.0, 0.2), (1.0, 0.5), (1.0, 0.8)]
    assert (tmp_path / "s" / "sweep.parquet").is_file()
    assert (tmp_path / "s" / "figures" / "sweep.png").stat().st_size > 0
    assert res.manifest["kind"] == "sweep"
    again = type(res).from_folder(tmp_path / "s")
    assert again.sweep.equals(t)


@pytest.mark.parametrize(
    ("axes", "message"),
    [
        ([Axis("red_lines.line.credibilty", (0, 1))], "did you mean 'credibility'"),
        ([Axis(CRED, (0.0, 1.5))], "--param red_lines.line.credibility=1.5: must be"),
        ([Axis("red_lines.line.window", (1, 2))], "not a number the model reads"),
        ([Axis(CRED, (0.5,))], "at least 2 values"),
        ([Axis(CRED, (0, 1)), Axis(CRED, (0, 1))], "given twice"),
    ],
)
def test_bad_parameters_are_refused_before_anything_runs(tmp_path, axes, message):
    with pytest.raises(ExperimentError) as exc:
        sweep(DETERRENCE, axes, runs=5, out=tmp_path / "s")
    assert message in str(exc.value)
    assert not (tmp_path / "s").exists()


def test_the_table_is_the_same_whatever_the_workers(tmp_path):
    axes = [Axis(CRED, (0.0, 0.5, 1.0))]
    one = sweep(DETERRENCE, axes, runs=60, chunk_size=20, workers=1, out=tmp_path / "a")
    two = sweep(DETERRENCE, axes, runs=60, chunk_size=20, workers=2, out=tmp_path / "b")
    pd.testing.assert_frame_equal(one.sweep, two.sweep)
