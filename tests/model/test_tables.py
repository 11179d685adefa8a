"""The tidy tables of docs/contracts.md: names, columns, dtypes, row order, outcomes, events."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from model_helpers import scenario_file

from sim.model import Wargame, simulate

COLUMNS = {
    "actors": ["run", "step", "date", "actor", "approval", "pressure", "payoff", "economy"],
    "stocks": [
        "run",
        "step",
        "date",
        "actor",
        "stock",
        "level",
        "production",
        "inflow",
        "outflow",
        "consumption",
        "requirement",
        "readiness",
    ],
    "channels": [
        "run",
        "step",
        "date",
        "actor",
        "channel",
        "target",
        "rung",
        "rung_id",
        "e",
        "flow",
        "delivered",
        "interdicted",
    ],
    "dyads": [
        "run",
        "step",
        "date",
        "actor",
        "target",
        "escalation",
        "goldstein",
        "perceived_hostility",
        "belief_expansionist",
    ],
    "fronts": [
        "run",
        "step",
        "date",
        "front",
        "side",
        "forces",
        "balance",
        "territory",
        "fire",
        "shortfall",
    ],
    "events": ["run", "step", "date", "kind", "actor", "target", "subject", "text"],
    "params": ["run", "parameter", "value"],
}
IDS = {
    "actor",
    "stock",
    "channel",
    "target",
    "rung_id",
    "front",
    "side",
    "kind",
    "subject",
    "parameter",
}


@pytest.fixture(scope="module")
def tables(flagship):
    return simulate(flagship, 7, 3, run_offset=100)


def test_columns_and_dtypes(tables, flagship):
    assert list(tables) == [*COLUMNS, "outcomes"]
    for name, cols in COLUMNS.items():
        df = tables[name]
        assert list(df.columns) == cols, name
        for c in cols:
            dtype = df[c].dtype
            if c in IDS:
                assert isinstance(dtype, pd.CategoricalDtype), (name, c)
            elif c == "date":
                assert dtype == np.dtype("datetime64[ns]")
            elif c in ("run", "step", "rung"):
                assert dtype == np.int64, (name, c)
            elif c != "text":
                assert dtype == np.float64, (name, c)
    T1 = flagship.time.horizon + 1
    assert len(tables["channels"]) == 7 * T1 * 18
    assert tables["actors"]["run"].unique().tolist() == list(range(100, 107))


def test_rows_ordered_run_step_entity(tables):
    ch = tables["channels"]
    key = ch["run"] * 1000 + ch["step"]
    assert key.is_monotonic_increasing
    first = ch[(ch.run == 100) & (ch.step == 0)]
    assert first["channel"].tolist()[:3] == ["arm_ukraine", "answer_russia", "answer_dprk"]
    assert first["rung_id"].tolist()[0] == "indirect_ammo" and first["rung"].tolist()[0] == 1
    assert first["e"].tolist()[0] == 2.0


def test_dates_follow_the_calendar(tables):
    a = tables["actors"]
    dates = a[(a.run == 100) & (a.actor == "ROK")]["date"]
    assert dates.iloc[0] == pd.Timestamp("2024-06-01") and dates.iloc[-1] == pd.Timestamp(
        "2026-06-01"
    )


def test_values_agree_with_the_model(flagship):
    m = Wargame(flagship, replications=5, rng=11).run()
    t = m.tables()
    ch = t["channels"]
    rok = ch[(ch.actor == "ROK") & (ch.channel == "arm_ukraine") & (ch.step == 24)]
    np.testing.assert_array_equal(
        rok["rung"], m.level[:, m.layout.channel_index["ROK.arm_ukraine"]]
    )
    st = t["stocks"]
    s = st[(st.actor == "UKR") & (st.step == 24)]["level"].to_numpy()
    np.testing.assert_allclose(
        s, m.world.stock[:, m.layout.actor_index["UKR"], m.layout.cat_index["shell_155"]]
    )
    # flow of a channel = what its links shipped; inflow of the recipient = delivered
    flows = ch[(ch.channel == "arm_russia") & (ch.step == 24)]["flow"].to_numpy()
    k = [link.channel for link in m.layout.links].index(m.layout.channel_index["DPRK.arm_russia"])
    np.testing.assert_allclose(flows, m.world.shipped[:, k])
    o = t["outcomes"]
    np.testing.assert_allclose(o["front.ukraine.territory"], m.world.territory[:, 0])
    p = t["params"]
    assert p["parameter"].nunique() == len(m.params.sampled)
    got = p[p.parameter == "actors.ROK.weights.domestic"]["value"].to_numpy()
    np.testing.assert_allclose(got, m.minds.weights[:, m.layout.actor_index["ROK"], 4])


def test_outcomes_columns(tables, flagship):
    o = tables["outcomes"]
    assert o.columns[0] == "run" and len(o) == 7
    for rl in flagship.red_lines:
        assert o[f"red_line.{rl}.crossed"].dtype == bool
        assert o[f"red_line.{rl}.step"].dtype == np.float64
        crossed, step = o[f"red_line.{rl}.crossed"], o[f"red_line.{rl}.step"]
        assert (crossed == step.notna()).all()
    for col in (
        "escalation.ROK-RUS.max",
        "escalation.ROK-RUS.final",
        "front.ukraine.territory",
        "front.ukraine.balance",
        "actor.ROK.approval",
        "actor.ROK.readiness",
        "actor.UKR.payoff",
        "actor.ROK.economy",
        "red_line.rok_missile_tech.crossed_by.24",
        "front.ukraine.territory_at.24",
        "dyad.ROK-RUS.max_escalation_by.24",
        "actor.ROK.approval_at.24",
        "param.actors.ROK.weights.domestic",
    ):
        assert col in o.columns, col
    assert o["actor.UKR.readiness"].isna().all()  # no stock with a requirement
    assert (o["escalation.ROK-RUS.max"] >= o["escalation.ROK-RUS.final"]).all()
    sens = flagship.sensitivity.targets
    assert set(sens) <= set(o.columns)


def test_outcomes_only(flagship):
    out = simulate(flagship, 9, 3, record="outcomes")
    assert list(out) == ["outcomes"]
    full = simulate(flagship, 9, 3)["outcomes"]
    pd.testing.assert_frame_equal(out["outcomes"], full)


def test_event_sentences(flagship):
    ev = simulate(flagship, 40, 5)["events"]
    assert set(ev.kind.unique()) >= {
        "rung",
        "scripted",
        "red_line_crossed",
        "red_line_perceived",
        "alliance_triggered",
        "obligation_honoured",
        "front_milestone",
        "deployment",
    }
    text = ev["text"].astype(str)
    assert text.str.match(r"^\d{4}-\d{2} ").all()
    assert (
        text == "2024-11 event: USA supply→UKR set to advanced_strike "
        "(17 Nov 2024: Washington clears ATACMS strikes inside Russia [S, widely reported])"
    ).sum() == 40
    crossing = text[ev.kind == "red_line_crossed"]
    assert crossing.str.contains(r" — (?:ROK|RUS) red line \w+ crossed$").all()
    assert (
        text.str.contains(
            r"^2024-08 alliance rus_dprk_2024 triggered: UKR deploy→RUS seen by RUS"
        ).sum()
        > 25  # seen at once with Russia's detection probability, 0.8–0.95
    )
    assert text.str.contains("front ukraine: RUS has gained 1,000 km²").any()
    arrived = (
        r"^20\d\d-\d\d DPRK deploy→RUS at combat_troops: \+0\.0(1[5-9]|2)\d* forces "
        r"on front ukraine \(RUS\)$"
    )
    # the troops arrive as an alliance duty, from Oct 2024 in most runs (once per run at most)
    n = text.str.match(arrived).sum()
    assert 20 <= n <= 40
    raised = text[ev.kind == "rung"]
    assert raised.str.match(r"^\d{4}-\d{2} [A-Z]+ (raises|lowers) \w+→[A-Z]+ to \w+$").all()
    # rows are ordered by run then step
    assert (ev["run"] * 100 + ev["step"]).is_monotonic_increasing


def test_continuous_ladders_give_float_rungs():
    t = simulate(scenario_file("richardson_arms_race.yaml"), 2, 0)
    ch = t["channels"]
    assert ch["rung"].dtype == np.float64 and ch["rung_id"].isna().all()
    assert "stocks" not in t and "fronts" not in t


def spiral_scenario(belief: float):
    from model_helpers import build

    rungs = [{"id": f"r{k}", "e": float(k)} for k in range(8)]
    script = [f"r{k}" for k in range(1, 7)]
    actor = {
        "policy": "scripted",
        "beliefs": {"expansionist": belief, "conservatism": 0.0},
    }
    return build(
        {
            "ladders": {"resp": {"rungs": rungs}},
            "actors": {
                a: {**actor, "channels": {"x": {"ladder": "resp", "target": b, "script": script}}}
                for a, b in (("A", "B"), ("B", "A"))
            },
        }
    )


def test_spiral_needs_mutual_escalation_without_belief_in_expansion():
    calm = simulate(spiral_scenario(0.2), 3, 0, record="outcomes")["outcomes"]
    assert calm["escalation.A-B.spiral"].all()
    wary = simulate(spiral_scenario(0.8), 3, 0, record="outcomes")["outcomes"]
    assert not wary["escalation.A-B.spiral"].any()
