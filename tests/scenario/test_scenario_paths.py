"""Dotted paths: the uncertain parameters, reading and replacing values, the resolved dump."""

from __future__ import annotations

import pytest
from scenario_helpers import BASE, FLAGSHIP, SCENARIOS

from sim.scenario import (
    ScenarioError,
    dump_resolved,
    get_path,
    is_distribution,
    load_scenario,
    load_scenario_text,
    uncertain_parameters,
    with_values,
)
from sim.scenario.distributions import Uniform


@pytest.fixture(scope="module")
def base():
    return load_scenario(BASE)


def test_uncertain_parameters_of_the_base(base) -> None:
    params = uncertain_parameters(base)
    paths = [p for p, _ in params]
    assert paths == [
        "actors.ROK.approval.rally",
        "actors.ROK.beliefs.RUS.expansionist",
        "alliances.rus_dprk.reliability",
    ]
    assert params[0][1] == Uniform(dist="uniform", low=0, high=0.03)


def test_defaults_are_sampled_per_actor_not_as_a_block() -> None:
    text = BASE.read_text().replace(
        "actors:\n", "defaults:\n  precision: {dist: lognormal, median: 2, gsd: 1.5}\nactors:\n", 1
    )
    paths = [p for p, _ in uncertain_parameters(load_scenario_text(text))]
    assert [p for p in paths if p.endswith(".precision")] == [
        "actors.ROK.precision",
        "actors.RUS.precision",
        "actors.DPRK.precision",
        "actors.UKR.precision",
    ]
    assert not any(p.startswith("defaults.") for p in paths)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_uncertain_path_reads_back_and_can_be_set(path) -> None:
    scenario = load_scenario(path)
    params = uncertain_parameters(scenario)
    assert params == uncertain_parameters(load_scenario(path))  # a fixed order
    for dotted, dist in params:
        assert get_path(scenario, dotted) is dist
    if params:
        dotted, dist = params[-1]
        value = float(dist.ppf([0.5])[0])
        changed = load_scenario(path, overrides=[f"{dotted}={value!r}"])
        assert get_path(changed, dotted) == value
        assert len(uncertain_parameters(changed)) == len(params) - 1


def test_flagship_parameters_named_as_in_the_contract() -> None:
    flagship = load_scenario(FLAGSHIP)
    paths = {p for p, _ in uncertain_parameters(flagship)}
    for expected in (
        "actors.ROK.approval.rally",
        "fronts.ukraine.dud_rate.DPRK",
        "actors.ROK.stocks.shell_155.initial",
        "actors.ROK.precision",
    ):
        assert expected in paths
    assert all(is_distribution(get_path(flagship, p)) for p in paths)


def test_get_path_errors_name_the_path(base) -> None:
    with pytest.raises(KeyError, match=r"no 'raly' in actors\.ROK\.approval; did you mean 'rally'"):
        get_path(base, "actors.ROK.approval.raly")
    with pytest.raises(KeyError, match="actors has no 'ROKK'"):
        get_path(base, "actors.ROKK")
    assert (
        get_path(base, "counterfactuals.weapons_vs_restraint.arms.weapons.ROK.arm_ukraine.from")
        == 1
    )


def test_with_values_replaces_and_validates(base) -> None:
    changed = with_values(
        base,
        {"actors.ROK.approval.rally": 0.02, "alliances.rus_dprk.reliability": 0.5},
    )
    assert changed.actors["ROK"].approval.rally == 0.02
    assert changed.alliances["rus_dprk"].reliability == 0.5
    assert base.actors["ROK"].approval.rally != 0.02  # the original is untouched
    assert [p for p, _ in uncertain_parameters(changed)] == ["actors.ROK.beliefs.RUS.expansionist"]
    with pytest.raises(ScenarioError, match=r"reliability: must be a probability"):
        with_values(base, {"alliances.rus_dprk.reliability": 1.5})
    with pytest.raises(ScenarioError, match="did you mean 'rally'"):
        with_values(base, {"actors.ROK.approval.raly": 0.1})


@pytest.mark.parametrize("path", [BASE, *SCENARIOS], ids=["base", *[p.stem for p in SCENARIOS]])
def test_resolved_dump_loads_back_equal(path) -> None:
    scenario = load_scenario(path)
    text = dump_resolved(scenario)
    again = load_scenario_text(text, name="resolved.yaml")
    assert again == scenario
    assert dump_resolved(again) == text
    assert "include:" not in text  # includes are merged in: the dump stands alone
