"""Reading YAML: 1.2 semantics, positions of every node, and safe refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario, load_scenario_text
from sim.scenario.tree import MAX_DEPTH, flatten, parse_node, parse_yaml

MINIMAL = """\
wargame: 1
id: minimal
title: Minimal
time: {horizon: 3}
actors:
  A: {policy: fixed}
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, name="t.yaml")
    return info.value.lines


def test_yaml_1_2_scalars() -> None:
    tree, problems = parse_node(
        "a: NO\nb: 1.0e6\nc: 1e6\nd: yes\ne: 0x1F\nf: 1_000\ng: ~\nh: 2024-06-01\ni: !!str 5\n",
        "t",
    )
    assert not problems
    data, _ = flatten(tree)
    assert data == {
        "a": "NO",
        "b": 1.0e6,
        "c": 1.0e6,
        "d": "yes",
        "e": 31,
        "f": 1000,
        "g": None,
        "h": "2024-06-01",
        "i": "5",
    }
    assert isinstance(data["b"], float) and type(data["e"]) is int


def test_every_key_and_value_has_its_position() -> None:
    tree, _ = parse_node("top:\n  inner: {x: 1, y: [a, b]}\n  other: 2\n", "f.yaml")
    _, pos = flatten(tree)
    assert pos.at(("top",), key=True) == ("f.yaml", 1, 1)
    assert pos.at(("top", "inner")) == ("f.yaml", 2, 10)
    assert pos.at(("top", "inner", "x")) == ("f.yaml", 2, 14)
    assert pos.at(("top", "inner", "y"), key=True) == ("f.yaml", 2, 17)
    assert pos.at(("top", "inner", "y", 1)) == ("f.yaml", 2, 24)
    assert pos.at(("top", "other")) == ("f.yaml", 3, 10)
    # A path that was never written falls back to its nearest ancestor.
    assert pos.at(("top", "inner", "z", "deeper")) == ("f.yaml", 2, 10)


def test_folded_text_keeps_no_fold_marks() -> None:
    tree, _ = parse_node("d: >\n  one\n  two\n", "t")
    assert flatten(tree)[0]["d"] == "one two\n"


def test_anchors_and_merge_keys_are_plain_data() -> None:
    text = MINIMAL.replace(
        "actors:\n  A: {policy: fixed}\n",
        "actors:\n  A: &base {policy: fixed, name: A}\n  B:\n    <<: *base\n    name: B\n",
    )
    scenario = load_scenario_text(text)
    assert scenario.actors["B"].policy == "fixed"
    assert scenario.actors["B"].name == "B"


def test_all_duplicate_keys_and_tags_are_reported_together() -> None:
    text = MINIMAL + "title: again\nrun: !!python/object:os.system {}\nid: again\n"
    lines = problems_of(text)
    assert any(
        ":7:1: title: duplicate key 'title' (first written at line 3" in line for line in lines
    )
    assert any(":9:1: id: duplicate key 'id'" in line for line in lines)
    assert any(":8:6: run: tag !!python/object:os.system is not allowed" in line for line in lines)


def test_a_refused_tag_is_not_reported_twice() -> None:
    lines = problems_of(MINIMAL.replace("id: minimal", "id: !foo minimal"))
    assert len(lines) == 1 and "tag !foo" in lines[0]


def test_recursive_alias_is_refused() -> None:
    lines = problems_of(MINIMAL + "games: &g {x: *g}\n")
    assert any("an alias refers to a node that contains it" in line for line in lines)


def test_deep_nesting_is_refused() -> None:
    text = MINIMAL + "description: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    lines = problems_of(text)
    assert any(f"nested more than {MAX_DEPTH} levels deep" in line for line in lines)


def test_comments_only_is_an_empty_file() -> None:
    tree, problems = parse_yaml("# soon\n# a scenario\n", "c.yaml")
    assert tree is None
    assert [str(p) for p in problems] == [
        "c.yaml:1:1: <document>: the file is empty; a scenario is a mapping that starts with "
        "'wargame: 1'"
    ]


def test_control_character_is_located() -> None:
    lines = problems_of(MINIMAL.replace("title: Minimal", "title: Mini\x07mal"))
    assert lines == ["t.yaml:3:12: <document>: a control character (U+0007) is not allowed in YAML"]


def test_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.replace("Minimal", "Caf\xe9").encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.lines == [f"{path}:3:11: <document>: the file is not UTF-8 text"]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_scenario(path).id == "minimal"


def test_unreadable_path_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)  # a folder
    assert info.value.lines[0].startswith(f"{tmp_path}:1:1: <document>: cannot read the file")


def test_problems_are_sorted_and_unique() -> None:
    text = MINIMAL.replace("horizon: 3", "horizon: x").replace("policy: fixed", "policy: 3")
    lines = problems_of(text)
    assert lines == sorted(set(lines), key=lines.index)
    assert [line.split(":")[1] for line in lines] == ["4", "6"]
