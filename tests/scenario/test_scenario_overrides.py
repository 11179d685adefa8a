"""Overrides (``--set PATH=VALUE``): applied after includes, validated like the file."""

from __future__ import annotations

import pytest
from scenario_helpers import BASE

from sim.scenario import ScenarioError, get_path, load_scenario
from sim.scenario.distributions import Beta, Uniform


def problems(overrides: object) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BASE, overrides=overrides)  # type: ignore[arg-type]
    return info.value.lines


def test_plain_value_replaces_a_distribution() -> None:
    scenario = load_scenario(BASE, overrides=["actors.ROK.weights.domestic=0.9"])
    assert scenario.actors["ROK"].weights.domestic == 0.9


def test_value_is_yaml_so_a_distribution_can_be_given() -> None:
    scenario = load_scenario(
        BASE, overrides=["actors.ROK.approval.rally={dist: uniform, low: 0, high: 0.05}"]
    )
    assert scenario.actors["ROK"].approval.rally == Uniform(dist="uniform", low=0, high=0.05)


def test_one_field_of_a_distribution() -> None:
    scenario = load_scenario(BASE, overrides=["actors.ROK.approval.rally.high=0.05"])
    assert scenario.actors["ROK"].approval.rally.high == 0.05


def test_mapping_form_from_python() -> None:
    scenario = load_scenario(
        BASE,
        overrides={"run.runs": 50, "alliances.rus_dprk.reliability": Beta(dist="beta", a=1, b=1)},
    )
    assert scenario.run.runs == 50
    assert scenario.alliances["rus_dprk"].reliability.a == 1.0


def test_keys_with_dots_and_list_items() -> None:
    ref = "counterfactuals.weapons_vs_restraint.arms.weapons.ROK.arm_ukraine.from"
    scenario = load_scenario(BASE, overrides=[f"{ref}=3", "events[0].at=1"])
    assert get_path(scenario, ref) == 3
    assert scenario.events[0].at == 1
    scenario = load_scenario(
        BASE, overrides=["actors.ROK.channels.arm_ukraine.flows.shell_155.2=7"]
    )
    assert scenario.actors["ROK"].channels["arm_ukraine"].flows["shell_155"][2] == 7.0


def test_missing_blocks_are_created() -> None:
    scenario = load_scenario(BASE, overrides=["actors.DPRK.beliefs.ROK.expansionist=0.2"])
    assert scenario.actors["DPRK"].beliefs.about["ROK"].expansionist == 0.2


def test_bad_value_is_located_in_the_override() -> None:
    assert problems(["run.runs=10", "actors.ROK.weights.domestic=abc"]) == [
        "<override>:2:29: actors.ROK.weights.domestic: expected a number or a distribution "
        "{dist: ...}, found a string 'abc'"
    ]


def test_value_checked_against_references_and_ranges() -> None:
    lines = problems(["actors.ROK.observe.detect=1.5", "events.0.to=combat"])
    assert lines[0] == (
        "<override>:1:27: actors.ROK.observe.detect: must be a probability or share in [0, 1], "
        "found 1.5"
    )
    assert lines[1].startswith("<override>:2:13: events.0.to: unknown rung 'combat' of ladder")


def test_yaml_error_in_value() -> None:
    assert problems(["run.runs=[1"]) == [
        "<override>:1:12: run.runs: YAML syntax error: expected ',' or ']', but got "
        "'<stream end>' (while parsing a flow sequence started at line 1, column 10)"
    ]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "actors.ROK.wieghts.domestic=1",
            "unknown key 'wieghts' in actors.ROK; did you mean 'weights'?",
        ),
        ("actors.ROKK.weights.domestic=1", "actors has no entry 'ROKK'; did you mean 'ROK'?"),
        ("runs=1", "unknown key 'runs' in the top level; did you mean 'run'?"),
        ("events.9.at=1", "events has items 0..0; no item '9'"),
        ("actors.ROK.weights.security.high=1", "actors.ROK.weights.security is a single value"),
        ("include=[]", "includes cannot be overridden"),
        ("run.runs", "expected PATH=VALUE"),
        ("time.horizon.x=1", "time.horizon is a single value in the file"),
    ],
)
def test_unknown_paths_name_the_path(override: str, message: str) -> None:
    lines = problems([override])
    assert len(lines) == 1
    path = override.split("=")[0]
    assert lines[0].startswith(f"<override>:1:1: {path}: ")
    assert message in lines[0]
