"""A policy is one module: a class defined here and registered is usable in a scenario, its
needs checked at ``file:line:col`` and listed in the JSON Schema, with no other edit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.model import POLICIES, Wargame, simulate
from sim.model.policies import Policy, register
from sim.scenario import ScenarioError, load_scenario_text, policy_specs
from sim.scenario.json_schema import scenario_json_schema
from sim.scenario.policy_specs import PolicySpec


class Ratchet(Policy):
    """Ratchet: climbs ``max_step`` rungs a step until the actor's ``rung``, then holds.

    Literature names: none (a policy of this test).
    """

    spec = PolicySpec(
        name="ratchet",
        summary="Climbs max_step rungs a step up to the actor's rung",
        stochastic=False,
        memory_depth=1,
        actor_keys={"rung": "the rung it stops at"},
        rung_keys=("rung",),
        channel_keys={"max_step": "how far it climbs a step"},
    )

    def __init__(self, layout, channels, params):
        super().__init__(layout, channels, params)
        sc = layout.scenario
        self.stop = np.array(
            [
                layout.channels[c].rung_ids.index(sc.actors[layout.actors[layout.owner[c]]].rung)
                for c in self.channels
            ],
            dtype=float,
        )

    def decide(self, model, u):
        climbed = model.level[:, self.channels] + self.layout.max_step[self.channels]
        return np.minimum(climbed, self.stop)


@pytest.fixture
def ratchet():
    """Registered for one test only (the registries are the package's: leave them as found)."""
    register(Ratchet)
    yield Ratchet
    POLICIES.pop("ratchet")
    policy_specs.SPECS.pop("ratchet")


def text(
    a: str = "{policy: ratchet, rung: r3, channels: {p: {ladder: four, target: B, max_step: 1}}}",
    ladder: str = "[{id: r0, e: 0}, {id: r1, e: 1}, {id: r2, e: 2}, "
    "{id: r3, e: 3}, {id: r4, e: 4}]",
) -> str:
    return (
        "wargame: 1\nid: t\ntitle: t\ntime: {start: 2024-01, horizon: 6}\n"
        f"ladders:\n  four: {ladder}\n  cd: [{{id: C, e: 0}}, {{id: D, e: 1}}]\n"
        f"actors:\n  A: {a}\n"
        "  B: {policy: fixed, channels: {p: {ladder: cd, target: A}}}\n"
    )


def problems(source: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(source, name="s.yaml")
    return info.value.lines


def test_a_policy_of_one_class_runs_in_a_scenario(ratchet):
    m = Wargame(load_scenario_text(text()), replications=3, rng=1).run()
    a = m.layout.channel_index["A.p"]
    assert m.recorder.level[:, :, a].tolist() == [[0, 1, 2, 3, 3, 3, 3]] * 3
    agent = next(x for x in m.agents if x.actor_id == "A")
    assert isinstance(agent.policy, Ratchet)
    channels = simulate(load_scenario_text(text()), 2, 5)["channels"]
    last = channels.query("actor == 'A' and step == 6")
    assert last["rung_id"].astype(str).tolist() == ["r3", "r3"]


def test_its_needs_are_checked_where_they_are_written(ratchet):
    lines = problems(text("{policy: ratchet, channels: {p: {ladder: four, target: B}}}"))
    assert lines == [
        "s.yaml:9:15: actors.A.policy: policy ratchet needs 'rung': the rung it stops at",
        "s.yaml:9:35: actors.A.channels.p: policy ratchet needs 'max_step' on every channel "
        "(how far it climbs a step)",
    ]
    lines = problems(
        text("{policy: ratchet, rung: r9, channels: {p: {ladder: four, target: B, max_step: 1}}}")
    )
    assert len(lines) == 1 and lines[0].startswith("s.yaml:9:30: actors.A.rung: ")
    assert "'r9'" in lines[0]
    lines = problems(text(ladder="{continuous: {low: 0, high: 4}}"))
    assert any(
        "actors.A.channels.p.ladder: policy ratchet moves along rungs; ladder 'four' is "
        "continuous" in line
        for line in lines
    ), lines


def test_a_policy_not_registered_is_an_unknown_name():
    assert "ratchet" not in policy_specs.specs()
    lines = problems(text())
    assert len(lines) == 1 and lines[0].startswith("s.yaml:9:15: actors.A.policy: ")
    assert "unknown policy 'ratchet'" in lines[0]


def test_the_json_schema_and_the_docs_table_come_from_the_registry(ratchet):
    actor = scenario_json_schema()["$defs"]["Actor"]
    names = [o["const"] for o in actor["properties"]["policy"]["anyOf"][0]["oneOf"]]
    assert "ratchet" in names and "utility" in names
    needs = [
        c["then"]["required"]
        for c in actor["allOf"]
        if c["if"]["properties"]["policy"]["const"] == "ratchet"
    ]
    assert needs == [["rung"]]
    assert (
        "| `ratchet` | Climbs max_step rungs a step up to the actor's rung | rungs | `rung` "
        in (policy_specs.markdown_table())
    )


def test_the_docs_table_of_policies_is_the_generated_one():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "scenarios.md").read_text("utf-8")
    start = docs.index("\n", docs.index("<!-- policies: generated")) + 1
    shown = docs[start : docs.index("<!-- /policies -->")]
    assert shown == policy_specs.markdown_table(), "paste markdown_table() into docs/scenarios.md"
    assert shown.count("\n| `") == len(POLICIES) == 8
