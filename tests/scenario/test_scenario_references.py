"""Cross-references and whole-scenario checks not covered by the broken corpus."""

from __future__ import annotations

import pytest
from scenario_helpers import BASE, SCENARIOS

from sim.scenario import ScenarioError, load_scenario, load_scenario_text

BASE_TEXT = BASE.read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, name="s.yaml")
    return info.value.lines


def edit(old: str, new: str, text: str = BASE_TEXT) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.mark.parametrize("path", [BASE, *SCENARIOS], ids=["base", *[p.stem for p in SCENARIOS]])
def test_shipped_scenarios_are_valid(path) -> None:
    scenario = load_scenario(path)
    # Defaults are resolved: every inheritable field of every actor is set.
    for actor in scenario.actors.values():
        assert actor.policy is not None and actor.weights is not None
        assert actor.observe is not None and actor.beliefs is not None


def test_all_problems_of_a_file_in_one_run() -> None:
    """A block that fails validation does not hide reference problems elsewhere."""
    text = edit("horizon: 12}", "horizon: twelve}")
    text = edit("        ladder: supply", "        ladder: suply", text)
    text = edit("  - {at: 4, set: DPRK.deploy_russia", "  - {at: 4, set: DPRK.deploy_rusia", text)
    lines = problems(text)
    assert [line.split(": ")[1] for line in lines] == [
        "time.horizon",
        "actors.ROK.channels.arm_ukraine.ladder",
        "events.0.set",
    ]


def test_a_broken_actor_is_not_reported_again_where_it_is_named() -> None:
    lines = problems(edit("    policy: fixed", "    policy: [fixed]"))
    assert len(lines) == 1 and "actors.UKR.policy" in lines[0]


def test_red_line_watching_its_owner() -> None:
    text = edit(
        "watch: {channel: RUS.tech_dprk, at_least: advanced_missile}",
        "watch: {channel: ROK.arm_ukraine, at_least: direct_ammo}",
    )
    assert any(
        "red_lines.rok_missile_tech.watch.channel: a red line watches another actor's" in line
        for line in problems(text)
    )


def test_patron_pressure_on_a_client_channel() -> None:
    block = (
        "  rok_us:\n    members: [ROK, UKR]\n    patron: UKR\n"
        "    pressure: {on: UKR.none, a0: -1, trend: 1.5, gap: 1}\n"
    )
    lines = problems(edit("red_lines:\n", block + "red_lines:\n"))
    assert any(
        "alliances.rok_us.pressure.on: actor 'UKR' has no channel 'none'" in line for line in lines
    )
    block = block.replace("UKR.none", "ROK.arm_ukraine").replace("patron: UKR", "patron: USA")
    lines = problems(edit("red_lines:\n", block + "red_lines:\n"))
    assert any(
        "alliances.rok_us.patron: the patron 'USA' is not a member" in line for line in lines
    )


def test_scripted_policy_needs_scripts_within_the_horizon() -> None:
    text = edit(
        "  RUS:\n    channels:\n      tech_dprk: {ladder: tech, target: DPRK, initial: economic}",
        "  RUS:\n    policy: scripted\n    channels:\n      tech_dprk: {ladder: tech, "
        "target: DPRK, script: [economic, nuclear, none, none, none, none, none, none, "
        "none, none, none, none, none]}",
    )
    lines = problems(text)
    assert any("script.1: unknown rung 'nuclear' of ladder 'tech'" in line for line in lines)
    assert any(
        "tech_dprk.script: a script gives one rung per step; found 13 for a horizon of 12" in line
        for line in lines
    )


def test_richardson_needs_its_block() -> None:
    lines = problems(edit("    policy: fixed", "    policy: richardson"))
    assert any(
        "actors.UKR.policy: policy richardson needs 'richardson': its equation {k, a, g}" in line
        for line in lines
    ), lines


def test_policy_from_defaults_is_reported_at_the_actor() -> None:
    text = edit("actors:\n", "defaults: {policy: always}\nactors:\n")
    lines = problems(text)
    assert any(
        ":9:3: actors.ROK: policy always (from defaults) needs 'rung'" in line for line in lines
    ), lines


def test_game_payoffs_cover_every_pair_of_rungs() -> None:
    game = (
        "ladders:\n  cd: [{id: C, e: 0}, {id: D, e: 5}]\n"
        "games:\n  pd:\n    channels: [A.play, B.play]\n"
        "    payoffs: {CC: [3, 3], CD: [0, 5], DC: [5, 0], DX: [1, 1]}\n"
    )
    text = (
        "wargame: 1\nid: pd\ntitle: PD\ntime: {horizon: 10}\n"
        "actors:\n  A: {policy: fixed, channels: {play: {ladder: cd, target: B, initial: C}}}\n"
        "  B: {policy: fixed, channels: {play: {ladder: cd, target: A, initial: D}}}\n" + game
    )
    lines = problems(text)
    assert any(
        "games.pd.payoffs.DX: 'DX' is not a pair of rungs" in line and "did you mean 'DD'?" in line
        for line in lines
    )
    assert any("games.pd.payoffs: missing payoffs for DD" in line for line in lines)
    assert load_scenario_text(text.replace("DX:", "DD:")).games["pd"].payoffs["DD"] == [1, 1]


def test_escalation_targets_name_a_linked_dyad_in_order() -> None:
    lines = problems(
        edit(
            "targets: [red_line.rok_missile_tech.crossed]",
            "targets: [escalation.UKR-ROK.max, escalation.DPRK-UKR.max]",
        )
    )
    assert any(
        "sensitivity.targets.0: dyads are named with their ids in order; did you mean "
        "'escalation.ROK-UKR.max'?" in line
        for line in lines
    )
    assert any("sensitivity.targets.1: no channel joins DPRK and UKR" in line for line in lines)


def test_dt_and_substeps_say_the_same_thing() -> None:
    lines = problems(edit("horizon: 12}", "horizon: 12, dt: 0.1, substeps: 10}"))
    assert any("time.substeps: give dt or substeps, not both" in line for line in lines)


def test_measure_times_after_the_horizon_are_refused_by_compare_not_by_loading() -> None:
    # Issue 10, defect 12: ``run --horizon 12`` does not use the counterfactual's measures.
    from sim.experiments.counterfactual import check_measure_steps
    from sim.experiments.errors import ExperimentError

    sc = load_scenario_text(edit("crossed_by: 12}", "crossed_by: 13}"), name="s.yaml")
    (cf_id,) = sc.counterfactuals
    with pytest.raises(ExperimentError, match=r"measure\.0\.crossed_by: step 13 is after the"):
        check_measure_steps(sc, cf_id)


def test_continuous_ladder_levels() -> None:
    text = edit(
        "include: [ladders/standard.yaml]\n",
        "include: [ladders/standard.yaml]\nladders:\n  level: {continuous: {low: 0, high: 10}}\n",
    )
    text = edit(
        "      deploy_russia: {ladder: deploy, target: RUS, initial: none}",
        "      deploy_russia: {ladder: deploy, target: RUS, initial: none}\n"
        "      arms: {ladder: level, target: ROK, initial: 12}",
        text,
    )
    lines = problems(text)
    assert any(
        "actors.DPRK.channels.arms.initial: level 12 is outside ladder 'level'" in line
        for line in lines
    )
    lines = problems(text.replace("initial: 12", "initial: high"))
    assert any(
        "ladder 'level' is continuous: expected a level in [0, 10], found the rung name" in line
        for line in lines
    )


def test_an_actor_with_a_bad_key_still_has_its_references_checked() -> None:
    text = edit("    weights: {security", "    wieghts: {security")
    text = edit("        ladder: supply", "        ladder: suply", text)
    lines = problems(text)
    assert [line.split(": ")[1] for line in lines] == [
        "actors.ROK.wieghts",
        "actors.ROK.channels.arm_ukraine.ladder",
    ]


def test_a_broken_channel_is_not_reported_missing_where_it_is_named() -> None:
    # The channel fails validation; the red line and arms naming it add no "no channel" noise.
    lines = problems(edit("        max_step: 2", "        max_step: two"))
    assert len(lines) == 1 and "arm_ukraine.max_step: expected a whole number" in lines[0]


def test_deployments_need_a_discrete_ladder() -> None:
    text = edit(
        "include: [ladders/standard.yaml]\n",
        "include: [ladders/standard.yaml]\nladders:\n  level: {continuous: {low: 0, high: 10}}\n",
    )
    text = edit(
        "      deploy_russia: {ladder: deploy, target: RUS, initial: none}",
        "      deploy_russia: {ladder: deploy, target: RUS, initial: none}\n"
        "      arms: {ladder: level, target: RUS}",
        text,
    )
    text = edit(
        "RUS: {forces: 1.0, lethality: 0.002}",
        "RUS: {forces: 1.0, lethality: 0.002, deployments: {DPRK.arms: [0, 1]}}",
        text,
    )
    lines = problems(text)
    assert len(lines) == 2  # the deployment, and DPRK's utility policy on a continuous ladder
    assert (
        "fronts.ukraine.sides.RUS.deployments.DPRK.arms: deployments give forces per rung, and "
        "ladder 'level' of DPRK.arms is continuous" in lines[1]
    )
    assert (
        "actors.DPRK.channels.arms.ladder: policy utility (from defaults) moves along "
        in (lines[0])
    )
    fixed = text.replace("DPRK.arms: [0, 1]", "DPRK.deploy_russia: [0, 0.1, 0.2]").replace(
        "\n      arms: {ladder: level, target: RUS}", ""
    )
    side = load_scenario_text(fixed).fronts["ukraine"].sides["RUS"]
    assert side.deployments == {"DPRK.deploy_russia": [0.0, 0.1, 0.2]}


def test_a_measures_dyad_in_the_wrong_order_is_an_error_as_for_a_sensitivity_target() -> None:
    from scenario_helpers import FLAGSHIP

    text = FLAGSHIP.read_text(encoding="utf-8")
    assert text.count("{dyad: ROK-RUS, max_escalation_by: 24}") == 2
    text = text.replace(
        "{dyad: ROK-RUS, max_escalation_by: 24}", "{dyad: RUS-ROK, max_escalation_by: 24}", 1
    )
    lines = problems(text)
    assert len(lines) == 1, lines
    assert lines[0].startswith("s.yaml:387:")
    assert lines[0].endswith(
        "dyad: dyads are named with their ids in order; did you mean 'ROK-RUS'?"
    )
    # And a measured dyad no channel joins is refused, as a target is.
    text = FLAGSHIP.read_text(encoding="utf-8").replace(
        "{dyad: ROK-RUS, max_escalation_by: 24}", "{dyad: CHN-UKR, max_escalation_by: 24}", 1
    )
    assert any("no channel joins CHN and UKR" in line for line in problems(text))
