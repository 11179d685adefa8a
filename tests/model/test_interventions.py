"""Counterfactual bounds, scheduled events and hard alliance duties really bind the rungs."""

from __future__ import annotations

import numpy as np
import pytest
from model_helpers import CD_LADDER, build

from sim.model import ModelError, Wargame, simulate
from sim.scenario.schema import Bound


def run(sc, R=200, seed=1, **kw) -> Wargame:
    return Wargame(sc, replications=R, rng=seed, **kw).run()


def history(m: Wargame, ref: str) -> np.ndarray:
    """(R, T+1) levels of a channel."""
    return m.recorder.level[:, :, m.layout.channel_index[ref]]


def test_bounds_bind_in_their_window(flagship):
    at_least = Bound.model_validate({"at_least": "offensive_weapons", "from": 3, "until": 8})
    m = run(flagship, interventions={"ROK.arm_ukraine": at_least})
    h = history(m, "ROK.arm_ukraine")
    assert (h[:, 3:9] >= 4).all()
    assert (h[:, :3] <= 3).all()  # before the window the policy moves at most 2 rungs from 1
    at_most = Bound.model_validate({"at_most": "none"})
    m = run(flagship, interventions={"RUS.tech_dprk": at_most})
    assert (history(m, "RUS.tech_dprk") == 0).all()
    assert not m.red.ever[:, [rl.id for rl in m.layout.red_lines].index("rok_missile_tech")].any()


def test_unbounded_policy_does_leave_the_bounds(flagship):
    # the binding test above is not vacuous: free runs do go where the bounds forbid
    m = run(flagship, R=400)
    assert (history(m, "RUS.tech_dprk")[:, 1:] > 0).any()
    assert (history(m, "ROK.arm_ukraine")[:, 3:9] < 4).any()


def test_events_bind_their_channels(flagship):
    m = run(flagship)
    inc = history(m, "UKR.incursion_russia")
    assert (inc[:, 2:11] == 2).all() and (inc[:, 11:] == 0).all() and (inc[:, :2] == 0).all()
    assert (history(m, "USA.arm_ukraine")[:, 5:] == 5).all()
    ev = m.tables()["events"]
    scripted = ev[ev.kind == "scripted"]
    assert sorted(scripted.step.unique()) == [2, 5]
    assert scripted.groupby("step").size().tolist() == [200, 200]


def test_bounds_override_events(flagship):
    m = run(
        flagship, interventions={"DPRK.deploy_russia": Bound.model_validate({"at_most": "none"})}
    )
    assert (history(m, "DPRK.deploy_russia") == 0).all()


def test_bound_on_unknown_channel_is_an_error(flagship):
    with pytest.raises(ModelError, match="no channel"):
        Wargame(flagship, interventions={"ROK.nothing": Bound.model_validate({"at_most": "none"})})


def duty(mode: str, reliability: float):
    return build(
        {
            "ladders": {
                "cd": CD_LADDER,
                "hit": {"rungs": [{"id": "calm", "e": 0.0}, {"id": "war", "e": 10.0}]},
            },
            "defaults": {"observe": {"lag": 0, "detect": 1.0, "misread": 0.0, "attribution": 1.0}},
            "actors": {
                "A": {
                    "policy": "fixed",
                    "channels": {"help": {"ladder": "cd", "target": "B", "initial": "C"}},
                },
                "B": {
                    "policy": "fixed",
                    "channels": {"x": {"ladder": "cd", "target": "A", "initial": "C"}},
                },
                "E": {
                    "policy": "fixed",
                    "channels": {"attack": {"ladder": "hit", "target": "B", "initial": "calm"}},
                },
            },
            "alliances": {
                "pact": {
                    "members": ["A", "B"],
                    "trigger": {"min_e": 9.5},
                    "obligations": {"A": {"help": "D"}},
                    "lag": 1,
                    "reliability": reliability,
                    "mode": mode,
                }
            },
            "events": [{"at": 2, "set": "E.attack", "to": "war"}],
        }
    )


def test_hard_duty_is_honoured_with_its_reliability():
    m = run(duty("hard", 1.0), R=50)
    h = history(m, "A.help")
    # attack at 2, seen at once, triggered at 2; due at 3; the floor binds from step 4
    assert (h[:, :4] == 0).all() and (h[:, 4:] == 1).all()
    assert m.allies.triggered.all()
    never = run(duty("hard", 0.0), R=50)
    assert (history(never, "A.help") == 0).all()
    ev = never.tables()["events"]
    assert (ev.kind == "obligation_broken").sum() == 50
    half = run(duty("hard", 0.5), R=2000, seed=5)
    share = (history(half, "A.help")[:, -1] == 1).mean()
    assert abs(share - 0.5) < 4 * np.sqrt(0.25 / 2000)


def test_soft_duty_does_not_force_a_fixed_policy():
    m = run(duty("soft", 1.0), R=20)
    assert (history(m, "A.help") == 0).all()
    assert m.allies.triggered.all()


def test_max_step_limits_moves(flagship):
    m = run(flagship, R=300)
    h = history(m, "ROK.arm_ukraine")
    assert (np.abs(np.diff(h, axis=1)) <= 2).all()


def test_interventions_change_outcomes_in_the_expected_direction(flagship):
    arms = flagship.counterfactuals["rok_weapons_vs_restraint"].arms
    out = {
        a: simulate(flagship, 400, 2, record="outcomes", interventions=b)["outcomes"]
        for a, b in arms.items()
    }
    w, r = out["weapons"], out["restraint"]
    assert (
        w["red_line.rus_rok_weapons.crossed"].all()
        and not r["red_line.rus_rok_weapons.crossed"].any()
    )
    assert (
        w["red_line.rok_missile_tech.crossed"].mean()
        > r["red_line.rok_missile_tech.crossed"].mean()
    )
    # more shells for Ukraine: Russia gains less ground, paired on common random numbers
    assert (w["front.ukraine.territory"] - r["front.ukraine.territory"]).mean() < 0
