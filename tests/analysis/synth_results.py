"""Small results with the exact contract columns (docs/contracts.md), built without the model.

The figures and the report must be checked against tables whose every number is known; these
are random walks with a fixed seed, shaped like a three-actor crisis with one front, one red
line and, optionally, counterfactual arms that share their runs (paired).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.scenario.schema import Scenario, dyad_key

SUPPLY = ["none", "indirect_ammo", "direct_ammo", "weapons"]
RESPONSE = ["none", "criticize", "warn", "threaten_force"]

SCENARIO = {
    "wargame": 1,
    "id": "tiny-crisis",
    "title": "A tiny crisis",
    "description": "Three states, one front and a red line, for testing the figures.",
    "time": {"start": "2024-06", "step": "month", "horizon": 12},
    "ladders": {
        "supply": [{"id": r, "e": float(2 * i)} for i, r in enumerate(SUPPLY)],
        "response": [{"id": r, "e": float(3 * i)} for i, r in enumerate(RESPONSE)],
        "level": {"continuous": {"low": 0.0, "high": 10.0}},
    },
    "actors": {
        "AAA": {
            "stocks": {"shell": {"initial": 1.0e6, "requirement": 5.0e5}},
            "channels": {
                "arm_ccc": {
                    "ladder": "supply",
                    "target": "CCC",
                    "flows": {"shell": [0.0, 1e4, 2e4, 3e4]},
                },
                "build": {"ladder": "level", "target": "BBB"},
            },
        },
        "BBB": {"channels": {"answer_aaa": {"ladder": "response", "target": "AAA"}}},
        "CCC": {"stocks": {"shell": {"initial": 1.0e5}}, "channels": {}},
    },
    "red_lines": {
        "bbb_weapons": {
            "owner": "BBB",
            "watch": {"channel": "AAA.arm_ccc", "at_least": "weapons"},
        }
    },
    "fronts": {
        "east": {
            "sides": {
                "BBB": {"forces": 1.0, "lethality": 0.002},
                "CCC": {"forces": 0.8, "lethality": 0.002},
            }
        }
    },
}

# directed (actor, target) pairs with an escalation index; the dyads are AAA-BBB and AAA-CCC
DIRECTED = [("AAA", "BBB"), ("BBB", "AAA"), ("AAA", "CCC")]
CHANNELS = [
    ("AAA", "arm_ccc", "CCC", "supply"),
    ("AAA", "build", "BBB", "level"),
    ("BBB", "answer_aaa", "AAA", "response"),
]


def scenario() -> Scenario:
    return Scenario.model_validate(SCENARIO, strict=False)


def _cat(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    for c in cols:
        df[c] = df[c].astype("category")
    return df


def _grid(runs: np.ndarray, steps: np.ndarray, entities: list[tuple]) -> pd.DataFrame:
    """One row per run × step × entity, run-major like the model writes them."""
    r, s, e = np.meshgrid(runs, steps, np.arange(len(entities)), indexing="ij")
    return pd.DataFrame({"run": r.ravel(), "step": s.ravel(), "_e": e.ravel()})


def _walk(
    rng: np.random.Generator,
    n_runs: int,
    n_steps: int,
    n: int,
    scale: float,
    start: float,
    low: float,
    high: float,
    drift: float = 0.0,
) -> np.ndarray:
    """Random walks, shape (runs, steps, n), clipped to [low, high]."""
    steps = rng.normal(drift, scale, size=(n_runs, n_steps, n))
    steps[:, 0, :] = 0.0
    return np.clip(start + steps.cumsum(axis=1), low, high)


def build(
    runs: int = 60,
    *,
    horizon: int = 12,
    arms: list[str] | None = None,
    seed: int = 3,
    with_scenario: bool = True,
) -> dict[str, object]:
    """A result as ``simulate`` (or ``compare``, with ``arms``) would return it."""
    sc = scenario()
    if horizon != sc.time.horizon:
        sc = sc.model_copy(update={"time": sc.time.model_copy(update={"horizon": horizon})})
    steps = np.arange(horizon + 1)
    run_ids = np.arange(runs)
    dates = pd.Timestamp("2024-06") + pd.to_timedelta(0, "D")
    step_date = np.array(
        [(dates + pd.DateOffset(months=int(s))).to_datetime64() for s in steps],
        dtype="datetime64[ns]",
    )
    tables: dict[str, list[pd.DataFrame]] = {}
    for i, arm in enumerate(arms or [None]):
        # Paired arms: the same noise, shifted by the arm (as common random numbers would be).
        rng = np.random.default_rng(seed)
        shift = 0.6 * i
        parts = _arm_tables(rng, run_ids, steps, step_date, shift)
        for name, df in parts.items():
            if arm is not None:
                df.insert(0, "arm", arm)
            tables.setdefault(name, []).append(df)
    out: dict[str, object] = {}
    for name, dfs in tables.items():
        df = pd.concat(dfs, ignore_index=True)
        if arms:
            df["arm"] = pd.Categorical(df["arm"], categories=arms)
        out[name] = df
    if arms:
        from sim.analysis.contrast import contrast

        out["counterfactual"] = contrast(
            out["outcomes"],
            arms,
            arms[-1],
            [
                ("red_line.bbb_weapons.crossed", f"P(bbb_weapons crossed by step {horizon})"),
                ("front.east.territory", f"east territory at step {horizon} (km²)"),
            ],
        )
    if with_scenario:
        out["scenario"] = sc
    out["manifest"] = {
        "scenario_id": sc.id,
        "seed": seed,
        "runs": runs,
        "arms": arms or [],
        "command": f"wargame run tiny.yaml --runs {runs} --seed {seed}",
        "versions": {"wargame": "0.1.0", "mesa": "3.5.1", "python": "3.12.0"},
    }
    return out


def _arm_tables(rng, run_ids, steps, step_date, shift) -> dict[str, pd.DataFrame]:
    R, T = run_ids.size, steps.size
    # dyads -------------------------------------------------------------------------------
    d = _grid(run_ids, steps, DIRECTED)
    esc = _walk(rng, R, T, len(DIRECTED), 0.7, 2.0, 0.0, 10.0, drift=0.1 + 0.1 * shift)
    d["date"] = step_date[d["step"]]
    d["actor"] = [DIRECTED[k][0] for k in d["_e"]]
    d["target"] = [DIRECTED[k][1] for k in d["_e"]]
    d["escalation"] = esc.ravel()
    d["goldstein"] = -esc.ravel()
    d["perceived_hostility"] = esc.ravel() * 0.9
    d["belief_expansionist"] = 0.5
    dyads = _cat(d.drop(columns="_e"), ["actor", "target"])
    # channels ----------------------------------------------------------------------------
    c = _grid(run_ids, steps, CHANNELS)
    c["date"] = step_date[c["step"]]
    c["actor"] = [CHANNELS[k][0] for k in c["_e"]]
    c["channel"] = [CHANNELS[k][1] for k in c["_e"]]
    c["target"] = [CHANNELS[k][2] for k in c["_e"]]
    level = _walk(rng, R, T, len(CHANNELS), 0.6, 1.0, 0.0, 3.0, drift=0.05 + 0.2 * shift)
    ladder = np.array([CHANNELS[k][3] for k in c["_e"]])
    lv = level.ravel()
    rung = np.where(ladder == "level", lv * 3.0, np.floor(lv + 0.5).clip(0, 3))
    c["rung"] = rung
    names = np.where(
        ladder == "supply",
        np.array(SUPPLY, dtype=object)[rung.astype(int).clip(0, 3)],
        np.array(RESPONSE, dtype=object)[rung.astype(int).clip(0, 3)],
    )
    c["rung_id"] = np.where(ladder == "level", "", names)
    c["e"] = np.where(ladder == "supply", 2.0 * rung, 3.0 * rung)
    c["flow"] = np.where(ladder == "supply", 1e4 * rung, 0.0)
    channels = _cat(c.drop(columns="_e"), ["actor", "channel", "target", "rung_id"])
    # actors -------------------------------------------------------------------------------
    actors_ = ["AAA", "BBB", "CCC"]
    a = _grid(run_ids, steps, actors_)
    a["date"] = step_date[a["step"]]
    a["actor"] = [actors_[k] for k in a["_e"]]
    appr = _walk(rng, R, T, 3, 0.02, 0.4, 0.0, 1.0, drift=-0.005 * shift)
    appr[:, :, 2] = 0.5  # CCC's approval never moves
    a["approval"] = appr.ravel()
    a["pressure"] = 0.3
    a["payoff"] = rng.normal(size=len(a))
    actors = _cat(a.drop(columns="_e"), ["actor"])
    # stocks -------------------------------------------------------------------------------
    holders = [("AAA", "shell"), ("CCC", "shell")]
    s = _grid(run_ids, steps, holders)
    s["date"] = step_date[s["step"]]
    s["actor"] = [holders[k][0] for k in s["_e"]]
    s["stock"] = "shell"
    sent = 1e4 * rung.reshape(R, T, len(CHANNELS))[:, :, 0]  # AAA.arm_ccc flow
    lvl = _walk(rng, R, T, 2, 2e4, 8e5, 0.0, 2e6)
    s["level"] = lvl.ravel()
    s["production"] = 1e4
    s["inflow"] = np.stack([np.zeros_like(sent), sent], axis=2).ravel()
    s["outflow"] = np.stack([sent, np.zeros_like(sent)], axis=2).ravel()
    req = np.stack([np.full((R, T), 5e5), np.zeros((R, T))], axis=2).ravel()
    s["requirement"] = req
    s["readiness"] = np.where(req > 0, s["level"] / np.where(req > 0, req, 1), np.nan)
    stocks = _cat(s.drop(columns="_e"), ["actor", "stock"])
    # fronts -------------------------------------------------------------------------------
    sides = ["BBB", "CCC"]
    f = _grid(run_ids, steps, sides)
    f["date"] = step_date[f["step"]]
    f["front"] = "east"
    f["side"] = [sides[k] for k in f["_e"]]
    bal = _walk(rng, R, T, 1, 0.2, 0.3, -10, 10, drift=-0.05 * shift)[:, :, 0]
    terr = (bal * 100).cumsum(axis=1)
    f["forces"] = _walk(rng, R, T, 2, 0.01, 0.9, 0, 2).ravel()
    f["balance"] = np.repeat(bal.ravel(), 2)
    f["territory"] = np.repeat(terr.ravel(), 2)
    f["fire"] = 1e3
    f["shortfall"] = 0.0
    fronts = _cat(f.drop(columns="_e"), ["front", "side"])
    # events -------------------------------------------------------------------------------
    rows = []
    chan_rung = rung.reshape(R, T, len(CHANNELS))[:, :, 0]
    for r in run_ids:
        prev = chan_rung[r, 0]
        for t in steps[1:]:
            now = chan_rung[r, t]
            if now != prev:
                verb = "raises" if now > prev else "lowers"
                rows.append(
                    (
                        r,
                        t,
                        step_date[t],
                        "rung",
                        "AAA",
                        "CCC",
                        "arm_ccc",
                        f"AAA {verb} arm_ccc→CCC to {SUPPLY[int(now)]}",
                    )
                )
                if now == 3 and prev < 3:
                    rows.append(
                        (
                            r,
                            t,
                            step_date[t],
                            "red_line",
                            "AAA",
                            "BBB",
                            "bbb_weapons",
                            "BBB red line bbb_weapons crossed",
                        )
                    )
            prev = now
    events = pd.DataFrame(
        rows, columns=["run", "step", "date", "kind", "actor", "target", "subject", "text"]
    )
    events["date"] = events["date"].astype("datetime64[ns]")
    events = _cat(events, ["kind", "actor", "target", "subject"])
    # params -------------------------------------------------------------------------------
    params = pd.DataFrame(
        {
            "run": np.repeat(run_ids, 2),
            "parameter": np.tile(["actors.AAA.precision", "fronts.east.fire_elasticity"], R),
            "value": rng.uniform(size=2 * R),
        }
    )
    params["parameter"] = params["parameter"].astype("category")
    # outcomes -----------------------------------------------------------------------------
    first_cross = np.where((chan_rung >= 3).any(axis=1), (chan_rung >= 3).argmax(axis=1), -1)
    out = pd.DataFrame({"run": run_ids})
    out["red_line.bbb_weapons.crossed"] = first_cross >= 0
    out["red_line.bbb_weapons.step"] = np.where(first_cross >= 0, first_cross, np.nan).astype(float)
    e3 = esc
    dyad_cols: dict[str, np.ndarray] = {}
    for k, (x, y) in enumerate(DIRECTED):
        key = dyad_key(x, y)
        dyad_cols[key] = (
            e3[:, :, k] if key not in dyad_cols else np.maximum(dyad_cols[key], e3[:, :, k])
        )
    for key, v in dyad_cols.items():
        out[f"escalation.{key}.max"] = v.max(axis=1)
        out[f"escalation.{key}.final"] = v[:, -1]
    out["front.east.territory"] = terr[:, -1]
    out["front.east.balance"] = bal[:, -1]
    for j, actor in enumerate(actors_):
        out[f"actor.{actor}.approval"] = appr[:, -1, j]
    out["actor.AAA.readiness"] = lvl[:, -1, 0] / 5e5
    out["param.actors.AAA.precision"] = params["value"].to_numpy()[0::2]
    return {
        "dyads": dyads,
        "channels": channels,
        "actors": actors,
        "stocks": stocks,
        "fronts": fronts,
        "events": events,
        "params": params,
        "outcomes": out,
    }
