"""Synthetic truth: histories drawn from runs of the model itself, scored by the ensemble.

Each truth is one run of an independent seed, so it is a draw from the same prior predictive
distribution as the ensemble: by propriety of the scores, the ensemble must beat any other
forecast in expectation — here persistence — and its 90 % bands must cover the truths about
90 % of the time. One truth is a noisy judge (a slow front favours persistence), so the
scores are pooled over ``TRUTHS`` independent truths, each scored as its own history.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter

from sim.history import score
from sim.model import simulate
from sim.scenario import load_scenario
from sim.scenario.history import Observation

FLAGSHIP = Path(__file__).resolve().parents[2] / "scenarios" / "seoul_arms_ukraine.yaml"
RUNS, SEED, TRUTH_SEED, TRUTHS = 200, 11, 424242, 24


def truth_histories(spec, tables) -> list[list]:
    """One history per run of ``tables``: territory, gains and approval, red lines."""
    fronts = tables["fronts"]
    terr = fronts[fronts["side"].astype(str) == "RUS"].pivot(
        index="run", columns="step", values="territory"
    )
    actors = tables["actors"]
    approval = actors[actors["actor"].astype(str) == "ROK"].pivot(
        index="run", columns="step", values="approval"
    )
    outcomes = tables["outcomes"].set_index("run")
    adapter = TypeAdapter(Observation)
    histories = []
    for run in terr.index:
        raw: list[dict] = []
        for step in (6, 12, 18, 24):
            raw.append({"front": "ukraine", "territory": float(terr.loc[run, step]), "at": step})
            raw.append({"actor": "ROK", "approval": float(approval.loc[run, step]), "at": step})
        for step in (3, 9, 15, 21):
            gain = float(terr.loc[run, step] - terr.loc[run, step - 1])
            raw.append({"front": "ukraine", "gained": gain, "in": step})
        for rid in spec.red_lines:
            crossed = bool(outcomes.loc[run, f"red_line.{rid}.crossed"])
            raw.append({"red_line": rid, "crossed": crossed, "by": 24})
        histories.append([adapter.validate_python({**r, "source": "truth"}) for r in raw])
    return histories


@pytest.fixture(scope="module")
def tables() -> pd.DataFrame:
    spec = load_scenario(FLAGSHIP)
    ensemble = simulate(spec, RUNS, SEED)
    truths = simulate(spec, TRUTHS, TRUTH_SEED)
    out = []
    for k, history in enumerate(truth_histories(spec, truths)):
        table = score(spec.model_copy(update={"history": history}), ensemble)
        out.append(table.assign(truth=k))
    return pd.concat(out, ignore_index=True)


def test_ensemble_beats_persistence_on_its_own_truths(tables: pd.DataFrame) -> None:
    rows = tables[tables["kind"] != "aggregate"]
    # pooled per observation (same unit across truths), then skill of the pooled means
    pooled = rows.groupby(["observation", "rule"])[["model", "persistence"]].mean()
    skill = 1 - pooled["model"] / pooled["persistence"]
    crps = skill.xs("crps", level="rule")
    assert (crps > 0).mean() >= 0.75, crps
    ratio = (pooled["model"] / pooled["persistence"]).xs("crps", level="rule")
    assert ((ratio > 0) & np.isfinite(ratio)).all(), ratio
    assert np.exp(np.log(ratio).mean()) < 0.8, ratio
    events = pooled.xs("brier", level="rule")
    assert events["model"].sum() < events["persistence"].sum()
    assert events["model"].mean() < 0.25  # better than a coin on the red lines


def test_truths_inside_the_bands_about_as_often_as_they_say(tables: pd.DataFrame) -> None:
    q = tables[(tables["rule"] == "crps") & (tables["kind"] != "aggregate")]
    assert len(q) == 12 * TRUTHS
    in90 = q["in90"].astype(bool).mean()
    in50 = q["in50"].astype(bool).mean()
    assert 0.8 <= in90 <= 0.98, in90
    assert 0.35 <= in50 <= 0.65, in50


def test_scores_are_finite_and_probabilities_in_range(tables: pd.DataFrame) -> None:
    rows = tables[tables["kind"] != "aggregate"]
    assert np.isfinite(rows["model"]).all()
    events = rows[rows["rule"] == "brier"]
    assert ((events["forecast"] >= 0) & (events["forecast"] <= 1)).all()
