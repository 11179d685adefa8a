"""``calibrate`` on the flagship: synthetic truth, reproducibility, resume, calibrated scenarios.

The synthetic truth is one run of the model at known parameter values; its front and polls
become the history. ``calibrate`` must put the true values inside the 90 % posterior interval
of the identifiable parameters *and* narrow that interval well below the prior's (otherwise
returning the prior would pass).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter

from sim.experiments import run
from sim.history import calibrate, settings_for
from sim.model import simulate
from sim.scenario import ScenarioError, load_scenario, load_scenario_text
from sim.scenario.history import Observation

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"
TRUTH = {
    "fronts.ukraine.sides.RUS.lethality": 0.00122,
    "fronts.ukraine.territory.per_unit": 450.0,
    "actors.ROK.approval.baseline": 0.30,
}
IDENTIFIABLE = {"actors.ROK.approval.baseline": 0.5, "fronts.ukraine.sides.RUS.lethality": 0.2}
"""Parameter → the least shrinkage of its 90 % interval. ``per_unit`` (km² per unit of force
balance) is not identifiable from the territory alone while the other front parameters keep
their priors: it only has to keep the truth inside its interval."""


def synthetic_scenario():
    """The flagship whose history is one run of the model at ``TRUTH``."""
    spec = load_scenario(FLAGSHIP)
    tables = simulate(spec, 1, 99, param_values=TRUTH)
    fronts = tables["fronts"]
    terr = fronts[fronts["side"].astype(str) == "RUS"].set_index("step")["territory"]
    actors = tables["actors"]
    approval = actors[actors["actor"].astype(str) == "ROK"].set_index("step")["approval"]
    adapter = TypeAdapter(Observation)
    raw = [{"front": "ukraine", "territory": float(terr[s]), "at": s} for s in range(2, 25, 2)]
    raw += [{"actor": "ROK", "approval": float(approval[s]), "at": s} for s in (3, 9, 15, 21)]
    history = [adapter.validate_python({**r, "source": "synthetic truth"}) for r in raw]
    return spec.model_copy(update={"history": history, "calibration": None})


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    spec = synthetic_scenario()
    settings = settings_for(spec, params=list(TRUTH), particles=300, generations=6, seed=5)
    out = tmp_path_factory.mktemp("cal") / "synthetic"
    return spec, settings, calibrate(spec, settings=settings, out=out), out


def test_synthetic_truth_is_recovered(synthetic) -> None:
    _, _, cal, _ = synthetic
    s = cal.summary().set_index("parameter")
    for p, truth in TRUTH.items():
        row = s.loc[p]
        assert row["posterior_q05"] <= truth <= row["posterior_q95"], (p, row.to_dict())
    for p, least in IDENTIFIABLE.items():
        assert s.loc[p, "shrinkage"] > least, (p, s.loc[p].to_dict())
    assert cal.diagnostics["epsilon"].is_monotonic_decreasing


def test_calibration_folder_and_calibrated_scenario(synthetic) -> None:
    spec, _, cal, out = synthetic
    for name in (
        "posterior.parquet",
        "particles.parquet",
        "diagnostics.parquet",
        "parameters.parquet",
        "prior_posterior.png",
        "calibrated.yaml",
        "gen-00",
    ):
        assert (out / name).exists(), name
    calibrated = load_scenario(cal.scenario_file)
    assert calibrated.posterior is not None and set(calibrated.posterior.paths) == set(TRUTH)
    res = run(calibrated, runs=60, seed=2)
    params = res.params
    for p in TRUTH:
        drawn = params.loc[params["parameter"] == p, "value"].to_numpy()
        assert np.isin(drawn, cal.posterior[p].to_numpy()).all(), p
    # The prior's draws of an unfitted parameter are untouched by the posterior.
    other = "actors.ROK.weights.domestic"
    base = run(spec.model_copy(update={"history": []}), runs=60, seed=2).params
    a = params.loc[params["parameter"] == other, "value"].to_numpy()
    b = base.loc[base["parameter"] == other, "value"].to_numpy()
    assert np.array_equal(a, b)


def test_same_seed_same_posterior_and_resume(synthetic, tmp_path) -> None:
    spec, settings, cal, out = synthetic
    # An interrupted calibration: its last generation and final tables gone.
    copy = tmp_path / "resumed"
    shutil.copytree(out, copy)
    last = max(p for p in copy.iterdir() if p.name.startswith("gen-"))
    shutil.rmtree(last)
    for name in ("posterior.parquet", "calibrated.yaml"):
        (copy / name).unlink()
    again = calibrate(spec, settings=settings, out=copy, resume=True)
    pd.testing.assert_frame_equal(again.posterior, cal.posterior)
    with pytest.raises(Exception, match="already exists"):
        calibrate(spec, settings=settings, out=copy)


def test_workers_do_not_change_the_posterior() -> None:
    """Chunks (with the seed) fix the answer; how many processes run them does not."""
    spec = synthetic_scenario()
    settings = settings_for(
        spec, params=list(TRUTH), particles=60, generations=2, seed=8, chunk_size=25
    )
    one = calibrate(spec, settings=settings, workers=1)
    two = calibrate(spec, settings=settings, workers=2)
    pd.testing.assert_frame_equal(one.posterior, two.posterior)


def test_a_posterior_file_is_checked(tmp_path) -> None:
    text = FLAGSHIP.read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text + "\nposterior:\n  file: missing.parquet\n")
    with pytest.raises(ScenarioError, match=r"bad\.yaml:\d+:\d+: posterior\.file: no posterior"):
        load_scenario(bad)
    pd.DataFrame({"not.a.parameter": [1.0], "weight": [1.0]}).to_parquet(tmp_path / "p.parquet")
    with pytest.raises(ScenarioError, match="not a parameter given as a distribution"):
        load_scenario_text(text + "\nposterior:\n  file: p.parquet\n", "x.yaml", base_dir=tmp_path)


def test_a_changed_posterior_is_refused(synthetic, tmp_path) -> None:
    *_, out = synthetic
    copy = tmp_path / "changed"
    shutil.copytree(out, copy)
    post = pd.read_parquet(copy / "posterior.parquet")
    post.iloc[0, 0] = post.iloc[0, 0] * 1.01
    post.to_parquet(copy / "posterior.parquet")
    with pytest.raises(ScenarioError, match="changed since this scenario was written"):
        load_scenario(copy / "calibrated.yaml")
