"""Deployments: a channel's rung adds forces to a front side, and removes them when lowered."""

from __future__ import annotations

import numpy as np
import pytest
from model_helpers import build

from sim.model import ModelError, Wargame, simulate
from sim.scenario.schema import Bound

TROOPS = {"rungs": [{"id": "none", "e": 0.0}, {"id": "few", "e": 5.0}, {"id": "many", "e": 10.0}]}
TABLE = [0.0, 0.25, 0.75]  # dyadic: sums and differences are exact in floating point


def front_scenario(
    script: list[str] | None = None,
    initial: str = "none",
    lethality: float = 0.0,
    table: list = TABLE,
    horizon: int = 6,
):
    """A front A vs B; C sends troops to A on a three-rung ladder (scripted, or fixed)."""
    sender: dict = {"policy": "fixed"}
    send: dict = {"ladder": "troops", "target": "A", "initial": initial}
    if script is not None:
        sender["policy"] = "scripted"
        send["script"] = script
    sender["channels"] = {"send": send}
    return build(
        {
            "time": {"start": "2024-01", "step": "month", "horizon": horizon, "substeps": 3},
            "ladders": {"troops": {**TROOPS, "felt_by": "adversaries"}},
            "actors": {
                "A": {"policy": "fixed"},
                "B": {"policy": "fixed"},
                "C": sender,
            },
            "fronts": {
                "f": {
                    "sides": {
                        "A": {
                            "forces": 1.0,
                            "lethality": lethality,
                            "deployments": {"C.send": table},
                        },
                        "B": {"forces": 1.0, "lethality": lethality},
                    },
                    "territory": {"per_unit": 500.0, "threshold": 0.0},
                }
            },
        }
    )


def forces(m: Wargame, side: int = 0) -> np.ndarray:
    """(R, T+1) forces of one side of the first front."""
    return m.recorder.forces[:, :, 0, side]


def test_contingent_arrives_at_its_rung_and_leaves_when_lowered():
    # steps 1..6 at rungs none, many, many, few, none, few (script[k] plays at step k + 1)
    sc = front_scenario(script=["none", "many", "many", "few", "none", "few"])
    m = Wargame(sc, replications=3, rng=0).run()
    expected = np.array([1.0, 1.0, 1.75, 1.75, 1.25, 1.0, 1.25])
    np.testing.assert_array_equal(forces(m), np.tile(expected, (3, 1)))
    np.testing.assert_array_equal(forces(m, 1), np.ones((3, 7)))  # nothing else moves


def test_contingent_at_the_initial_rung_is_there_at_step_0():
    m = Wargame(front_scenario(initial="few"), replications=2, rng=0).run()
    np.testing.assert_array_equal(forces(m), np.full((2, 7), 1.25))


def test_arrivals_and_departures_are_logged():
    sc = front_scenario(script=["none", "many", "many", "few", "none", "none"])
    ev = Wargame(sc, replications=2, rng=0).run().tables()["events"]
    dep = ev[ev.kind == "deployment"]
    assert dep.step.tolist() == [2, 4, 5] * 2
    assert (dep.actor == "C").all() and (dep.target == "A").all() and (dep.subject == "send").all()
    assert dep.text.astype(str).tolist()[:3] == [
        "2024-03 C troops→A at many: +0.75 forces on front f (A)",
        "2024-05 C troops→A at few: -0.5 forces on front f (A)",
        "2024-06 C troops→A at none: -0.25 forces on front f (A)",
    ]


def test_sampled_contingents_are_parameters():
    table = [0.0, 0.25, {"dist": "uniform", "low": 0.5, "high": 1.0}]
    sc = front_scenario(initial="many", table=table)
    out = simulate(sc, 50, 7)
    path = "fronts.f.sides.A.deployments.C.send.2"
    drawn = out["outcomes"][f"param.{path}"].to_numpy()
    assert ((drawn >= 0.5) & (drawn <= 1.0)).all() and drawn.std() > 0
    f = out["fronts"]
    at0 = f[(f.step == 0) & (f.side == "A")].sort_values("run").forces.to_numpy()
    np.testing.assert_allclose(at0, 1.0 + drawn, rtol=1e-15)
    # and a sensitivity design can set them like any other parameter
    m = Wargame(sc, replications=4, rng=7, param_values={path: np.full(4, 0.5)})
    np.testing.assert_array_equal(forces(m)[:, 0], np.full(4, 1.5))


def test_a_bound_on_the_deploy_channel_changes_the_front():
    sc = front_scenario(lethality=0.001, horizon=8)
    free = Wargame(sc, replications=5, rng=3).run()
    bound = {"C.send": Bound.model_validate({"at_least": "many", "from": 2, "until": 5})}
    sent = Wargame(sc, replications=5, rng=3, interventions=bound).run()
    # identical until the troops arrive, then A outnumbers B and gains ground
    np.testing.assert_array_equal(forces(free)[:, :2], forces(sent)[:, :2])
    jump = forces(sent)[:, 2] - forces(free)[:, 2]
    assert (jump > 0.75).all() and (jump < 0.8).all()  # 0.75 arrive; B, outnumbered, hits less
    assert (free.recorder.territory[:, -1, 0] == 0).all()  # a symmetric front does not move
    assert (sent.recorder.territory[:, -1, 0] > 0).all()
    # they leave after step 5: A's edge shrinks to what the fighting left
    assert (forces(sent)[:, 6] - forces(free)[:, 6] < forces(sent)[:, 5] - forces(free)[:, 5]).all()


def test_flagship_dprk_troops_push_the_front_toward_russia(flagship):
    arms = flagship.counterfactuals["dprk_troops_vs_none"].arms
    out = {
        arm: simulate(flagship, 300, 11, record="outcomes", interventions=b)["outcomes"]
        for arm, b in arms.items()
    }
    diff = out["troops"]["front.ukraine.territory"] - out["no_troops"]["front.ukraine.territory"]
    se = diff.std() / np.sqrt(len(diff))
    assert diff.mean() > 100 and diff.mean() > 5 * se  # Russia gains more with the troops


def test_layout_rejects_a_deployment_with_the_wrong_number_of_rungs():
    sc = front_scenario()
    side = sc.fronts["f"].sides["A"].model_copy(update={"deployments": {"C.send": [0.0, 1.0]}})
    front = sc.fronts["f"].model_copy(update={"sides": {"A": side, "B": sc.fronts["f"].sides["B"]}})
    bad = sc.model_copy(update={"fronts": {"f": front}})
    with pytest.raises(ModelError, match="one per rung"):
        Wargame(bad)
