"""The model as Mesa users know it: agents, steps, a DataCollector, ``mesa.batch_run``."""

from __future__ import annotations

import multiprocessing
import pickle

import mesa
import numpy as np
import pytest
from model_helpers import FLAGSHIP

from sim.model import ModelError, StateAgent, Wargame


def test_one_state_agent_per_actor(flagship):
    m = Wargame(flagship, replications=3, rng=1)
    assert isinstance(m, mesa.Model)
    agents = list(m.agents)
    assert len(agents) == len(flagship.actors)
    assert all(isinstance(a, StateAgent) for a in agents)
    assert [a.actor_id for a in agents] == list(flagship.actors)
    rok = next(a for a in agents if a.actor_id == "ROK")
    assert rok.approval.shape == (3,)
    assert rok.levels["arm_ukraine"].tolist() == [1.0, 1.0, 1.0]
    assert set(rok.stocks) == {"shell_155"}
    assert "RUS" in rok.hostility
    assert rok.policy_name == "utility"


def test_steps_time_and_running(flagship):
    m = Wargame(flagship, replications=2, rng=1)
    assert m.running and m.steps == 0
    m.step()
    assert m.steps == 1 and m.time == 1.0
    m.run_model()  # Mesa's loop stops at the horizon via model.running
    assert m.steps == 24 and not m.running
    with pytest.raises(ModelError, match="horizon"):
        m.step()


def test_reserved_names_are_mesa_s(flagship):
    m = Wargame(flagship, replications=2, rng=np.random.default_rng(4))
    assert isinstance(m.rng, np.random.Generator)
    assert m.spec is flagship  # the wargame scenario; model.scenario stays Mesa's
    assert not isinstance(m.scenario, type(flagship))
    a = next(iter(m.agents))
    assert a.model is m and isinstance(a.unique_id, int)


def test_datacollector_and_pickle(flagship):
    m = Wargame(flagship, replications=4, rng=2)
    m.step()
    m.step()
    df = m.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == ["escalation", "territory", "red_lines_crossed"]
    assert len(df) == 3 and df["territory"].iloc[-1] > 0
    agents = m.datacollector.get_agent_vars_dataframe()
    assert len(agents) == 3 * len(flagship.actors)
    clone = pickle.loads(pickle.dumps(m))  # no lambdas anywhere: picklable
    clone.step()
    m.step()
    np.testing.assert_array_equal(clone.level, m.level)


def test_overrides_as_dotted_keywords(flagship):
    m = Wargame(str(FLAGSHIP), replications=2, rng=1, **{"actors.ROK.weights.domestic": 0.9})
    assert (m.minds.weights[:, m.layout.actor_index["ROK"], 4] == 0.9).all()
    m2 = Wargame(flagship, replications=2, rng=1, overrides={"actors.ROK.weights.domestic": 0.1})
    assert (m2.minds.weights[:, m2.layout.actor_index["ROK"], 4] == 0.1).all()
    with pytest.raises(TypeError, match="unexpected keyword"):
        Wargame(flagship, colour="red")


def test_runs_under_mesa_batch_run():
    method = multiprocessing.get_start_method(allow_none=True)
    try:
        results = mesa.batch_run(
            Wargame,
            parameters={"scenario": str(FLAGSHIP), "actors.ROK.weights.domestic": [0.2, 0.8]},
            rng=[1, 2],
            max_steps=100,
            number_processes=1,
            data_collection_period=-1,
            display_progress=False,
        )
    finally:  # batch_run forces the 'spawn' start method for the whole process
        multiprocessing.set_start_method(method, force=True)
    assert len(results) == 4 * 7  # 2 values × 2 seeds, one row per agent at the last step
    rows = [r for r in results if r["AgentID"] == 1]
    assert {r["actors.ROK.weights.domestic"] for r in rows} == {0.2, 0.8}
    assert all(r["Step"] == 24 for r in rows)
    # seed 1 is a run in which Seoul enforces its red line on DPRK troops and the front stalls
    # (0 km²); the other gains ground
    assert all(np.isfinite(r["escalation"]) and r["territory"] >= 0 for r in rows)
    assert any(r["territory"] > 0 for r in rows)
    # a batch_run model is an ordinary one-replication model with that seed
    direct = Wargame(
        str(FLAGSHIP), replications=1, rng=1, **{"actors.ROK.weights.domestic": 0.2}
    ).run()
    first = next(r for r in rows if r["RunId"] == 0)
    assert first["territory"] == pytest.approx(direct.territory_mean)
