"""Includes: where they are found, how they merge, and the paths they may not take."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario

SCENARIO = """\
wargame: 1
id: inc
title: Includes
time: {horizon: 6}
include: [{include}]
actors:
  A:
    channels:
      c: {ladder: two, target: B, initial: low}
  B: {policy: fixed}
"""

SHARED = """\
ladders:
  two: [{id: low, e: 0}, {id: high, e: 5}]
actors:
  A: {name: From the include, policy: fixed, weights: {war: 0.5}}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.lines


def test_include_relative_to_the_file_merges_under_it(tmp_path: Path) -> None:
    write(tmp_path, "common/shared.yaml", SHARED)
    main = write(tmp_path, "main.yaml", SCENARIO.replace("{include}", "common/shared.yaml"))
    scenario = load_scenario(main)
    assert scenario.ladders["two"].rung_ids == ["low", "high"]
    actor = scenario.actors["A"]
    assert actor.name == "From the include"  # merged key by key...
    assert actor.policy == "fixed"
    assert "c" in actor.channels  # ...with the including file's own keys
    assert actor.weights.war == 0.5
    assert scenario.include == []  # includes are consumed by loading


def test_including_file_wins(tmp_path: Path) -> None:
    write(tmp_path, "shared.yaml", SHARED)
    text = SCENARIO.replace("{include}", "shared.yaml").replace(
        "  A:\n", "  A:\n    name: Own name\n    weights: {security: 2}\n"
    )
    scenario = load_scenario(write(tmp_path, "main.yaml", text))
    assert scenario.actors["A"].name == "Own name"
    assert scenario.actors["A"].weights.security == 2.0
    assert scenario.actors["A"].weights.war == 0.5  # mappings merge; the include's war stays


def test_library_is_searched_after_the_file_folder(tmp_path: Path) -> None:
    text = SCENARIO.replace("{include}", "ladders/standard.yaml").replace(
        "ladder: two, target: B, initial: low", "ladder: supply, target: B, initial: none"
    )
    scenario = load_scenario(write(tmp_path, "main.yaml", text))
    assert scenario.ladders["supply"].rung_ids[1] == "indirect_ammo"
    # A local file of the same name takes precedence over the library's.
    write(
        tmp_path, "ladders/standard.yaml", "ladders:\n  supply: [{id: none, e: 0}, {id: x, e: 1}]\n"
    )
    assert load_scenario(tmp_path / "main.yaml").ladders["supply"].rung_ids == ["none", "x"]


def test_problem_inside_an_include_points_into_that_file(tmp_path: Path) -> None:
    shared = write(tmp_path, "shared.yaml", SHARED.replace("e: 5", "e: 50"))
    main = write(tmp_path, "main.yaml", SCENARIO.replace("{include}", "shared.yaml"))
    # Outside the working folder, files are named by their absolute path.
    assert problems(main) == [
        f"{shared}:2:40: ladders.two.rungs.1.e: must be a hostility in [-10, 10] "
        "(the escalation scale), found 50"
    ]


def test_nested_include_may_climb_within_the_scenario_folder(tmp_path: Path) -> None:
    write(tmp_path, "shared.yaml", SHARED)
    write(tmp_path, "blocks/actors.yaml", "include: [../shared.yaml]\n")
    main = write(tmp_path, "main.yaml", SCENARIO.replace("{include}", "blocks/actors.yaml"))
    assert load_scenario(main).ladders["two"].rung_ids == ["low", "high"]


def test_include_outside_the_scenario_folder_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "outside.yaml", SHARED)
    main = write(tmp_path, "inner/main.yaml", SCENARIO.replace("{include}", "../outside.yaml"))
    lines = problems(main)
    assert len(lines) == 1
    assert ":5:11: include.0: include '../outside.yaml' leaves the folders" in lines[0]


def test_include_cycle_between_two_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "include: [b.yaml]\n")
    write(tmp_path, "b.yaml", "include: [a.yaml]\n")
    main = write(tmp_path, "main.yaml", SCENARIO.replace("{include}", "a.yaml"))
    lines = problems(main)
    assert any(
        "b.yaml:1:11: include.0: include cycle:" in line and "a.yaml → " in line for line in lines
    ), lines


def test_include_must_be_a_list_of_names(tmp_path: Path) -> None:
    main = write(tmp_path, "main.yaml", SCENARIO.replace("[{include}]", "ladders/standard.yaml"))
    assert any(":5:10: include: expected a list of files" in line for line in problems(main))
    main = write(tmp_path, "main2.yaml", SCENARIO.replace("{include}", "3"))
    assert any(
        ":5:11: include.0: expected a file name, found the integer 3" in line
        for line in problems(main)
    )


def test_broken_include_reports_its_own_problem_only(tmp_path: Path) -> None:
    shared = write(tmp_path, "shared.yaml", "ladders: [unclosed\n")
    main = write(tmp_path, "main.yaml", SCENARIO.replace("{include}", "shared.yaml"))
    lines = problems(main)
    assert len(lines) == 1  # no "unknown ladder" echoes of the missing block
    assert lines[0].startswith(f"{shared}:2:1: <document>: YAML syntax error")
