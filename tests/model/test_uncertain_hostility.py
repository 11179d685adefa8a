"""A rung's hostility e, an alliance trigger's min_e and a front's initial territory as
uncertain parameters: sampled once per run, overridable, and used per run everywhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
from model_helpers import FLAGSHIP, build

from sim.model import simulate
from sim.scenario import load_scenario

HOT = {"dist": "uniform", "low": 2, "high": 4}
CLEAR = {"lag": 0, "detect": 1.0, "misread": 0.0, "attribution": 1.0}


def _pair(hot_e, horizon=24, **extra):
    """A scripted at rung ``hot`` (e = ``hot_e``) toward B every step; B and C do nothing."""
    return build(
        {
            "time": {"start": "2024-01", "step": "month", "horizon": horizon},
            "ladders": {"L": {"rungs": [{"id": "calm", "e": 0.0}, {"id": "hot", "e": hot_e}]}},
            "defaults": {"observe": CLEAR},
            "actors": {
                "A": {
                    "policy": "scripted",
                    "channels": {"c": {"ladder": "L", "target": "B", "script": ["hot"] * horizon}},
                },
                "B": {"policy": "fixed"},
                "C": {"policy": "fixed"},
            },
            **extra,
        }
    )


def test_an_uncertain_rung_e_is_sampled_per_run_and_drives_the_escalation_index():
    tables = simulate(_pair(HOT), 40, 5)
    sampled = tables["params"].set_index("run")
    assert set(sampled["parameter"]) == {"ladders.L.rungs.1.e"}
    e = sampled["value"].sort_index().to_numpy()
    assert np.all((e >= 2) & (e <= 4)) and np.unique(e).size == 40
    out = tables["outcomes"].set_index("run").sort_index()
    np.testing.assert_array_equal(out["param.ladders.L.rungs.1.e"].to_numpy(), e)
    ch = tables["channels"]
    for step in (1, 12, 24):
        at = ch[ch.step == step].set_index("run").sort_index()
        np.testing.assert_array_equal(at["e"].to_numpy(), e)
    # E moves half-way to the step's hostility each step: after 24 steps it is e to 1e-6
    np.testing.assert_allclose(out["escalation.A-B.final"].to_numpy(), e, atol=1e-6)
    gold = tables["dyads"]
    g = gold[(gold.step == 24) & (gold.actor == "A") & (gold.target == "B")]
    np.testing.assert_array_equal(g.set_index("run").sort_index()["goldstein"].to_numpy(), -e)


def test_param_values_set_a_rung_e_even_where_it_is_a_plain_number():
    want = np.linspace(0.5, 9.0, 6)
    tables = simulate(_pair(3.0), 6, 1, param_values={"ladders.L.rungs.1.e": want})
    out = tables["outcomes"].set_index("run").sort_index()
    np.testing.assert_allclose(out["escalation.A-B.final"].to_numpy(), want, atol=1e-5)


def test_an_uncertain_trigger_threshold_fires_only_the_runs_it_is_below():
    alliance = {
        "bc": {
            "members": ["B", "C"],
            "trigger": {"min_e": {"dist": "uniform", "low": 2, "high": 4}},
        }
    }
    tables = simulate(_pair(3.0, horizon=3, alliances=alliance), 60, 2)
    min_e = tables["params"].set_index("run").sort_index()["value"]
    ev = tables["events"]
    fired = set(ev.loc[ev.kind == "alliance_triggered", "run"])
    assert fired == set(min_e.index[min_e <= 3.0])
    assert 0 < len(fired) < 60


def test_an_uncertain_initial_territory_starts_each_run_where_it_was_drawn():
    sc = load_scenario(
        FLAGSHIP,
        overrides=["fronts.ukraine.territory.initial={dist: uniform, low: -500, high: 500}"],
    )
    tables = simulate(sc, 8, 3)
    p = tables["params"]
    drawn = p[p.parameter == "fronts.ukraine.territory.initial"].set_index("run").sort_index()
    f = tables["fronts"]
    at0 = f[(f.step == 0) & (f.front == "ukraine")].drop_duplicates("run").set_index("run")
    np.testing.assert_array_equal(at0.sort_index()["territory"].to_numpy(), drawn["value"])


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Rows renumbered and categories as strings (the left-out run may add categories)."""
    cats = df.select_dtypes("category").columns
    return df.astype({c: object for c in cats}).reset_index(drop=True)


def test_per_run_rung_e_gives_each_run_what_the_shared_table_gives_it():
    """The (R, C, K) table and the shared (C, K) table agree run by run.

    Same seed and runs: all runs at the flagship's own anchor (the shared table) against the
    same with the last run's anchor moved (per-run tables). Every run but the last draws the
    same uniforms, so every table restricted to those runs must be identical.
    """
    sc = load_scenario(FLAGSHIP)
    path = "ladders.supply.rungs.4.e"  # offensive_weapons: held by DPRK, USA and EUR at step 0
    R = 12
    same = np.full(R, 7.0)
    moved = same.copy()
    moved[-1] = 9.0
    a = simulate(sc, R, 21, param_values={path: same})
    b = simulate(sc, R, 21, param_values={path: moved})
    for name, ta in a.items():
        tb = b[name]
        keep_a, keep_b = ta[ta.run < R - 1], tb[tb.run < R - 1]
        if name == "params":
            keep_a = keep_a[keep_a.parameter != path]
            keep_b = keep_b[keep_b.parameter != path]
        pd.testing.assert_frame_equal(_plain(keep_a), _plain(keep_b), obj=name)
    assert not a["channels"][a["channels"].run == R - 1]["e"].equals(
        b["channels"][b["channels"].run == R - 1]["e"]
    )
