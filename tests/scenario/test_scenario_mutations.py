"""Mutated scenarios: the loader accepts them or reports located problems — nothing else.

Hypothesis takes valid scenarios apart in the two ways users do: in the text (lines deleted,
duplicated, swapped, retyped, a tab or a stray character, a file cut short) and in the tree
(keys deleted, duplicated under another name, misspelt, values retyped). Whatever comes out,
``load_scenario_text`` must return a scenario or raise ``ScenarioError`` whose every problem
has a file, a line and a column inside that file, a path and a message.
"""

from __future__ import annotations

import copy
import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from scenario_helpers import BASE, LINE, SCENARIOS

from sim.scenario import Scenario, ScenarioError, load_scenario_text
from sim.scenario.tree import flatten, parse_node

SOURCES = {p.stem: p.read_text(encoding="utf-8") for p in [BASE, *SCENARIOS]}
NAME = "mutant.yaml"

TOKENS = [
    "",
    "-1",
    "0",
    "1e400",
    "NO",
    "null",
    "~",
    "[",
    "{",
    "]",
    "}",
    "- x",
    ": :",
    "&a",
    "*a",
    "*undefined",
    "!!python/object:os.system",
    "!tag x",
    '"unterminated',
    "'x'",
    "0x1F",
    ".nan",
    "2024-13-45",
    "{dist: uniform, low: 1, high: 0}",
    "{dist: beta}",
    "[1, 2, 3]",
    "\t",
    "<<: *a",
    "%YAML 1.1",
    "---",
    "ROK.arm_ukraine",
    "supply",
]

VALUES: list[Any] = [
    None,
    "text",
    "",
    1,
    -1,
    0,
    1.5,
    -2.5,
    True,
    [],
    {},
    [1, 2],
    ["a", None],
    {"dist": "uniform", "low": 0, "high": 1},
    {"dist": "uniform", "low": 1, "high": 0},
    {"dist": "normal", "mean": 0, "sd": -1},
    {"dist": "beta", "a": 1},
    {"dist": "nope"},
    {"x": {"y": 1}},
]


def check(text: str) -> None:
    """The property: a scenario, or a ScenarioError with well-located problems."""
    try:
        result = load_scenario_text(text, name=NAME)
    except ScenarioError as exc:
        n_lines = max(1, text.count("\n") + 1)
        for problem, line in zip(exc.problems, exc.lines, strict=True):
            assert LINE.match(line), line
            assert problem.message
            assert problem.line >= 1 and problem.col >= 1
            if problem.file == NAME:
                assert problem.line <= n_lines + 1, (problem, n_lines)
        return
    assert isinstance(result, Scenario)


# --- text mutations ---------------------------------------------------------------------------


@st.composite
def text_mutants(draw: st.DrawFn) -> str:
    text = SOURCES[draw(st.sampled_from(sorted(SOURCES)))]
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "retype", "tab", "insert", "cut", "indent"]
            )
        )
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "retype":
            head, sep, _ = lines[i].partition(": ")
            lines[i] = head + (sep or ": ") + draw(st.sampled_from(TOKENS))
        elif op == "tab":
            lines[i] = "\t" + lines[i]
        elif op == "insert":
            at = draw(st.integers(0, len(lines[i])))
            extra = draw(st.sampled_from(TOKENS) | st.text(max_size=4))
            lines[i] = lines[i][:at] + extra + lines[i][at:]
        elif op == "cut":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
        else:
            lines[i] = "  " + lines[i]
    return "\n".join(lines)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_mutants())
def test_text_mutants_are_accepted_or_located(text: str) -> None:
    check(text)


# --- tree mutations ---------------------------------------------------------------------------


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path[:-1]:
        data = data[p]
    return data


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@st.composite
def tree_mutants(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(SOURCES)))
    tree, _ = parse_node(SOURCES[name], name)
    data, _ = flatten(tree)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(data, path), path[-1]
        op = draw(st.sampled_from(["delete", "duplicate", "rename", "retype"]))
        # Values are copied so that no mutation reaches VALUES or another node.
        if op == "delete":
            del parent[key]
        elif op == "duplicate" and isinstance(parent, dict):
            other = draw(st.sampled_from([f"{key}_copy", "x", 1, "ROK"]))
            parent[other] = copy.deepcopy(parent[key])
        elif op == "duplicate":
            parent.insert(key, copy.deepcopy(parent[key]))
        elif op == "rename" and isinstance(parent, dict) and isinstance(key, str) and key:
            value = parent.pop(key)
            at = draw(st.integers(0, len(key) - 1))
            parent[key[:at] + key[at + 1 :]] = value
        else:
            parent[key] = copy.deepcopy(draw(st.sampled_from(VALUES)))
    return _dump(data)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree_mutants())
def test_tree_mutants_are_accepted_or_located(text: str) -> None:
    check(text)


def test_a_mutant_that_stays_valid_loads() -> None:
    """The property is not vacuous: an unchanged dump of a valid tree still loads."""
    tree, _ = parse_node(SOURCES["base"], "base")
    assert isinstance(load_scenario_text(_dump(flatten(tree)[0])), Scenario)
