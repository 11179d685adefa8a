"""The policy registry and what each policy needs from a scenario."""

from __future__ import annotations

import numpy as np
import pytest
from model_helpers import CD_LADDER, build, scenario_file

from sim.model import POLICIES, ModelError, Wargame
from sim.scenario import ScenarioError, policy_specs


def test_every_policy_of_the_language_is_registered_with_a_classifier():
    assert set(POLICIES) == set(policy_specs.specs())
    for name, cls in POLICIES.items():
        assert cls.name == name and policy_specs.specs()[name] is cls.spec
        assert {"stochastic", "memory_depth", "continuous"} <= set(cls.classifier)
        assert cls.__doc__ and "Literature names" in cls.__doc__
    assert POLICIES["utility"].classifier["stochastic"] is True
    assert POLICIES["tit_for_tat"].classifier["memory_depth"] == 1
    assert POLICIES["richardson"].classifier["continuous"] is True


def two(policy_a: str, extra_a: dict | None = None, ladder: dict | None = None):
    return build(
        {
            "ladders": {"cd": ladder or CD_LADDER},
            "actors": {
                "A": {
                    "policy": policy_a,
                    **(extra_a or {}),
                    "channels": {"p": {"ladder": "cd", "target": "B"}},
                },
                "B": {"policy": "fixed", "channels": {"p": {"ladder": "cd", "target": "A"}}},
            },
        }
    )


BAD = (ModelError, ScenarioError)  # caught by the scenario checks, or else by the model


def test_always_needs_its_rung():
    with pytest.raises(BAD, match=r"actors\.A\.(rung|policy)"):
        Wargame(two("always"))
    m = Wargame(two("always", {"rung": "D"}), replications=3, rng=0).run()
    assert (m.level[:, 0] == 1).all()


def test_scripted_plays_its_script_then_holds():
    sc = build(
        {
            "ladders": {"cd": CD_LADDER},
            "actors": {
                "A": {
                    "policy": "scripted",
                    "channels": {"p": {"ladder": "cd", "target": "B", "script": ["D", "C", "D"]}},
                },
                "B": {"policy": "fixed", "channels": {"p": {"ladder": "cd", "target": "A"}}},
            },
        }
    )
    m = Wargame(sc, replications=2, rng=0).run()
    assert m.recorder.level[0, :, 0].tolist() == [0, 1, 0, 1, 1, 1, 1]


def test_richardson_needs_a_continuous_ladder():
    with pytest.raises(ScenarioError, match="richardson moves a level on a continuous ladder"):
        Wargame(two("richardson", {"richardson": {"k": 0.5, "a": 1.0}}))


def test_reactive_policy_needs_an_opponent():
    with pytest.raises(BAD, match=r"opponent|answer"):
        sc = build(
            {
                "ladders": {"cd": CD_LADDER},
                "actors": {
                    "A": {
                        "policy": "tit_for_tat",
                        "channels": {"p": {"ladder": "cd", "target": "B"}},
                    },
                    "B": {"policy": "fixed"},
                },
            }
        )
        Wargame(sc)


def test_tit_for_tat_answers_across_ladders_by_hostility():
    sc = build(
        {
            "time": {"start": "2024-01", "step": "month", "horizon": 3},
            "ladders": {
                "cd": CD_LADDER,
                "three": {
                    "rungs": [
                        {"id": "low", "e": 0.0},
                        {"id": "mid", "e": 4.0},
                        {"id": "high", "e": 9.0},
                    ]
                },
            },
            "defaults": {"observe": {"lag": 0, "detect": 1.0, "misread": 0.0, "attribution": 1.0}},
            "actors": {
                "A": {"policy": "tit_for_tat", "channels": {"p": {"ladder": "cd", "target": "B"}}},
                "B": {
                    "policy": "always",
                    "rung": "mid",
                    "channels": {"p": {"ladder": "three", "target": "A"}},
                },
            },
        }
    )
    m = Wargame(sc, replications=1, rng=0).run()
    assert m.recorder.level[0, :, 0].tolist() == [0, 0, 1, 1]  # mid (4) is nearer D (5) than C (0)


def test_utility_explain_tabulates_the_terms(flagship):
    m = Wargame(flagship, replications=50, rng=2)
    df = m.explain("ROK.arm_ukraine")
    assert list(df.index) == list(flagship.ladders["supply"].rung_ids)
    assert {"security", "alliance", "risk", "switch", "total", "probability"} <= set(df.columns)
    assert df["probability"].sum() == pytest.approx(1.0)
    assert df.loc["indirect_ammo", "switch"] == 0.0
    # crossing Russia's public red line is a risk; staying below it is not
    assert df.loc["defensive_weapons", "risk"] < df.loc["direct_ammo", "risk"]
    with pytest.raises(ModelError, match="utility"):
        m.explain("UKR.incursion_russia")


def test_prisoners_dilemma_file_scores():
    from sim.model import simulate

    o = simulate(scenario_file("prisoners_dilemma.yaml"), 1, 1)["outcomes"]
    assert (o["actor.A.payoff"][0], o["actor.B.payoff"][0]) == (9.0, 14.0)


def test_explain_one_run_at_one_step_is_the_decision_the_model_took(flagship):
    from sim.model import explain

    step, run = 5, 3
    ex = explain(flagship, "ROK.arm_ukraine", step=step, run=run, seed=11, replications=8)
    df = ex.terms
    terms = df.drop(columns=["total", "probability", "current"])
    np.testing.assert_allclose(terms.sum(axis=1), df["total"])
    assert {"reaction", "depletion", "alliance"} <= set(terms.columns)
    # the rung the model took at that step is the one explain reports, and the policy gave it
    # a positive probability (no event or bound touches Seoul's supply in the flagship)
    m = Wargame(flagship, replications=8, rng=11).run()
    taken = int(m.recorder.level[run, step, m.layout.channel_index["ROK.arm_ukraine"]])
    assert ex.chosen == flagship.ladders["supply"].rung_ids[taken]
    assert df["probability"].iloc[taken] > 0
    assert df["current"].sum() == 1
    assert ex.date == "2024-11"
    assert {"RUS", "DPRK"} <= set(ex.perceived.index)
    assert ex.perceived["belief_expansionist"].between(0, 1).all()
    assert "rus_rok_weapons" in ex.red_lines.index
    assert "most probable" in ex.render()
    with pytest.raises(ModelError, match="step"):
        explain(flagship, "ROK.arm_ukraine", step=0, seed=1)
