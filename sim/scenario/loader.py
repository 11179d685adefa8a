"""Loading a scenario: text → tree → includes → overrides → validation → references → defaults.

Each stage reports every problem it can and hands on what it could read, so that one run
reports all the problems of a file: YAML problems (a refused tag, a duplicate key) do not stop
validation; a block that fails validation does not stop the reference checks of the others.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import overrides as _overrides
from . import references
from .actors import resolve_defaults
from .calibration import attach as attach_posterior
from .errors import Problem, ScenarioError, ScenarioWarning
from .includes import resolve_includes
from .inert import inert_settings
from .limits import case_clashes
from .partial import validate_partially
from .paths import uncertain_parameters
from .schema import Scenario
from .tree import PMap, flatten, parse_yaml, read_text
from .validation import to_problems, validate

Overrides = Mapping[str, Any] | Iterable[str] | None
"""``{dotted.path: value}``, or ``["dotted.path=YAML value", ...]`` as given to ``--set``."""


def load_scenario(path: str | Path, overrides: Overrides = None) -> Scenario:
    """Load, check and resolve a scenario file.

    Args:
        path: The scenario file.
        overrides: Values to set by dotted path, applied after includes (``--set``).

    Returns:
        The scenario with includes merged, overrides applied, cross-references checked and
        defaults resolved (every actor field filled).

    Raises:
        ScenarioError: with every problem found, each at its file, line and column.
    """
    file = Path(path)
    shown = str(path)
    text, problems = read_text(file, shown)
    if text is None:
        raise ScenarioError(problems)
    return _load(text, shown, file, overrides, [file.resolve().parent])


def load_scenario_text(
    text: str,
    name: str = "<text>",
    overrides: Overrides = None,
    base_dir: str | Path | None = None,
) -> Scenario:
    """Load a scenario from text (tests, notebooks).

    Includes resolve against ``base_dir`` when given, and always against the package library.
    """
    root = Path(base_dir).resolve() if base_dir is not None else None
    file = root / "__text__.yaml" if root is not None else None
    return _load(text, name, file, overrides, [root] if root is not None else [])


def load_data(data: Mapping[str, Any], name: str, overrides: Overrides = None) -> Scenario:
    """Load a scenario given as plain data (a dumped scenario), checked like a file."""
    tree = _overrides._positioned(dict(data), (name, 1, 1))
    return _finish(tree, [], overrides, warn=False)


def _load(
    text: str, shown: str, file: Path | None, overrides: Overrides, roots: list[Path]
) -> Scenario:
    tree, problems = parse_yaml(text, shown)
    if tree is None:
        raise ScenarioError(problems)
    tree, include_problems = resolve_includes(tree, file, roots)
    base = file.resolve().parent if file is not None else None
    return _finish(tree, problems, overrides, include_problems, base, warn=True)


def _finish(
    tree: PMap,
    yaml_problems: list[Problem],
    overrides: Overrides,
    include_problems: list[Problem] | None = None,
    base: Path | None = None,
    warn: bool = False,
) -> Scenario:
    include_problems = include_problems or []
    override_problems = _overrides.apply(tree, overrides) if overrides else []
    data, positions = flatten(tree)
    scenario, problems = validate(Scenario, data, positions)
    if include_problems:
        issues = []  # references into a missing include would only repeat its problem
    elif scenario is not None:
        issues = references.check(scenario)
    else:
        partial, broken = validate_partially(data)
        issues = references.check(partial, broken)
    problems += to_problems(issues, positions)
    problems += case_clashes(data, positions)
    # A value already reported by the YAML reader (a refused tag) is not reported again.
    taken = {(p.file, p.line, p.col) for p in yaml_problems}
    problems = [p for p in problems if (p.file, p.line, p.col) not in taken]
    problems = [*yaml_problems, *include_problems, *override_problems, *problems]
    if problems:
        raise ScenarioError(problems)
    assert isinstance(scenario, Scenario)
    if warn:  # a written scenario; not one dumped by wargame (a results folder's)
        for problem in sorted(to_problems(inert_settings(scenario), positions)):
            warnings.warn(ScenarioWarning(problem), stacklevel=4)
    resolved = resolve_defaults(scenario)
    if resolved.posterior is not None:
        uncertain = [p for p, _ in uncertain_parameters(resolved)]
        if found := attach_posterior(resolved, positions, uncertain, base):
            raise ScenarioError(found)
    return resolved


def with_values(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """A copy of ``scenario`` with the values at some dotted paths replaced.

    A value is a number or a distribution (or anything the language accepts there); the copy
    is validated like a loaded file.

    Raises:
        ScenarioError: a path does not exist, or a value is not valid there.
    """
    data = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    return load_data(data, "<values>", overrides=dict(values))


def dump_resolved(scenario: Scenario) -> str:
    """The scenario as YAML that loads back to an equal scenario (for results folders).

    Includes are already merged and defaults filled in, so the text stands alone.
    """
    from io import StringIO

    from ruamel.yaml import YAML

    data = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    if not data.get("include"):
        data.pop("include", None)
    yaml = YAML(typ="rt")  # YAML 1.2 quoting: a string like '1e3' or 'NO' stays a string
    yaml.default_flow_style = None
    yaml.width = 100
    out = StringIO()
    out.write(
        "# Resolved scenario: includes merged, overrides applied, defaults filled in.\n"
        "# Written by wargame; `wargame validate` reads it like any scenario.\n"
    )
    yaml.dump(data, out)
    return out.getvalue()


__all__ = [
    "dump_resolved",
    "load_data",
    "load_scenario",
    "load_scenario_text",
    "validate_partially",
    "with_values",
]
