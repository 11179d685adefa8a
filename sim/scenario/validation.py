"""Pydantic errors → located, human problems.

Pydantic reports an error at a ``loc`` such as
``('actors', 'ROK', 'weights', 'domestic', 'dist', 'uniform', 'high')``. Some elements are keys
of the document, others are tags of unions (``'dist'``, ``'uniform'``, ``'number'``,
``'constrained-str'``) that are not in the document at all, and a tag may even be spelled like a
key (``dist``). So the loc is walked through the schema's types and the data together
(:mod:`sim.scenario.typewalk`): a union consumes its tag, a model or mapping consumes a key.
The walk ends at the deepest node that exists in the document, whose position is then known.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .tree import Path, Positions, describe, dotted
from .typewalk import describe_expected, extra_type, fields, shape

_MISSING = object()

TYPE_ERRORS = {
    "float_type",
    "int_type",
    "string_type",
    "bool_type",
    "dict_type",
    "list_type",
    "model_type",
    "model_attributes_type",
    "int_from_float",
    "float_parsing",
    "int_parsing",
    "none_required",
}

_PATTERN_WORDS = {
    r"^[A-Za-z][A-Za-z0-9_]*$": "a name of letters, digits and '_' that starts with a letter",
    r"^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$": "a channel written ACTOR.channel",
    r"^[A-Za-z][A-Za-z0-9_]*-[A-Za-z][A-Za-z0-9_]*$": "a dyad written A-B (two actor ids)",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$": "an id of letters, digits, '_', '.' and '-'",
}


def did_you_mean(name: Any, options: Iterable[Any]) -> str:
    """``; did you mean 'weights'?`` when an option is close to ``name``, else ``''``."""
    options = [str(o) for o in options]
    close = difflib.get_close_matches(str(name), options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        if str(name).lower() in lowered:
            close = [lowered[str(name).lower()]]
    return f"; did you mean {close[0]!r}?" if close else ""


def listing(options: Iterable[Any], limit: int = 12) -> str:
    options = [str(o) for o in options]
    shown = ", ".join(options[:limit])
    return shown + (f", ... ({len(options)} in all)" if len(options) > limit else "")


@dataclass
class Located:
    """Where a pydantic ``loc`` lands in the document."""

    path: Path = ()
    key: bool = False
    rest: list[Any] = field(default_factory=list)
    node: Any = None
    tp: Any = None
    model: type[BaseModel] | None = None
    number_leaf: bool = False
    via_union: bool = False


def locate(root: type[BaseModel], data: Any, loc: tuple[Any, ...]) -> Located:
    """Walk ``loc`` through the types from ``root`` and through ``data`` together."""
    out = Located(node=data, tp=root)
    tp, node = root, data
    key_tp: Any = Any
    for el in loc:
        if el == "[key]":  # pydantic's mark for an error in the mapping key just walked
            out.key, tp, out.number_leaf = True, key_tp, False
            if out.path and not out.rest:
                node = out.path[-1]
            continue
        s = shape(tp)
        if s.kind == "tagged":
            member = s.member(el)
            if member is not None:
                out.number_leaf = s.number and el == "number"
                tp = member
                continue
            tp = Any
        elif s.kind == "union":
            out.via_union = True
            tp = s.member(el) if s.member(el) is not None else Any
            continue
        out.number_leaf = False
        if s.kind == "model":
            out.model = s.tp
            spec = fields(s.tp).get(el)
            child = spec[1] if spec else extra_type(s.tp)
            tp = child if child is not None else Any
            if spec and isinstance(node, list) and shape(child).kind == "list":
                continue  # a model written in its list form (a ladder: a list of rungs)
        elif s.kind == "dict":
            tp, key_tp = s.item, s.key
        elif s.kind == "list":
            tp = s.item
        else:
            tp = Any
        if node is not _MISSING and not out.rest and _has(node, el):
            node = node[el]
            out.path = (*out.path, el)
        else:
            node = _MISSING
            out.rest.append(el)
    out.node, out.tp = node, tp
    return out


def _has(node: Any, el: Any) -> bool:
    if isinstance(node, dict):
        try:
            return el in node
        except TypeError:
            return False
    if isinstance(node, list):
        return isinstance(el, int) and not isinstance(el, bool) and 0 <= el < len(node)
    return False


@dataclass
class Issue:
    """A problem before it has a position: a path (key or value) and a message."""

    path: Path
    message: str
    key: bool = False
    group: tuple[Any, ...] | None = None
    expected: str | None = None
    found: str | None = None


def _message(err: dict[str, Any], at: Located) -> Issue:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    found = describe(at.node) if at.node is not _MISSING else None
    path = at.path
    if kind == "missing":
        name = at.rest[-1] if at.rest else err["loc"][-1]
        return Issue((*path, name), f"missing required key {name!r}", group=None)
    if kind == "extra_forbidden":
        name = path[-1] if path else err["loc"][-1]
        allowed = list(fields(at.model)) if at.model is not None else []
        hint = did_you_mean(name, allowed)
        if not hint and allowed:
            hint = f" (allowed here: {listing(allowed)})"
        return Issue(path, f"unknown key {name!r}{hint}", key=True)
    if kind in ("union_tag_invalid", "union_tag_not_found") and isinstance(at.node, dict):
        s = shape(at.tp)
        disc = s.key or "dist"
        tags = [str(t) for t, _ in s.tags]
        if kind == "union_tag_invalid":
            tag = ctx.get("tag")
            what = "distribution" if disc == "dist" else disc
            msg = f"unknown {what} {tag!r}{did_you_mean(tag, tags)} (one of {', '.join(tags)})"
            return Issue((*path, disc) if disc in at.node else path, msg)
        return Issue(
            path,
            f"expected a number or a distribution; a distribution needs a '{disc}' key "
            f"({', '.join(tags)})",
        )
    if kind == "observation_kind":
        keys = ", ".join(map(str, at.node)) if isinstance(at.node, dict) else found
        return Issue(
            path,
            "an observation names one of channel, alliance, red_line, front, stock or actor; "
            f"found {keys}",
        )
    if kind == "quantity":
        return Issue(
            path, f"expected a number, an interval {{low, high}} or a distribution, found {found}"
        )
    if kind in ("measure_kind", "condition_kind"):
        keys = ", ".join(map(str, at.node)) if isinstance(at.node, dict) else found
        what = (
            "a measure names one of red_line, front, dyad or actor"
            if kind == "measure_kind"
            else "a condition names one of channel, flow, all or any"
        )
        return Issue(path, f"{what}; found {keys}")
    if (
        kind in ("model_type", "dict_type")
        and at.model is not None
        and extra_type(at.model) is not None
        and path
        and path[-1] not in fields(at.model)
        and not isinstance(at.node, dict)
    ):
        # A misspelt field of a block whose other keys are names (beliefs: actor ids).
        name = path[-1]
        hint = did_you_mean(name, fields(at.model)) or f" (keys here: {listing(fields(at.model))})"
        return Issue(
            path,
            f"unknown key {name!r}{hint}; other keys here name an actor and hold a mapping",
            key=True,
        )
    if kind in TYPE_ERRORS or kind == "number_or_distribution":
        expected = (
            "a number or a distribution {dist: ...}"
            if at.number_leaf or kind == "number_or_distribution"
            else describe_expected(at.tp)
        )
        if at.key:
            expected = "a name (a string)"
        group = (tuple(path), at.key) if at.via_union else None
        return Issue(
            path,
            f"expected {expected}, found {found}",
            key=at.key,
            group=group,
            expected=expected,
            found=found,
        )
    if kind == "literal_error":
        options = [
            o.strip().strip("'")
            for o in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")
        ]
        hint = did_you_mean(at.node, options) if isinstance(at.node, str) else ""
        expected = ctx.get("expected")
        expected = expected if len(options) == 1 else f"one of {expected}"
        return Issue(path, f"expected {expected}, found {found}{hint}")
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        words = _PATTERN_WORDS.get(pattern)
        if words is None and pattern.startswith("^(red_line"):
            words = (
                "an outcome: red_line.ID.crossed|step, escalation.A-B.max|final, "
                "front.ID.territory|balance or actor.ID.approval|readiness|payoff|economy"
            )
        words = words or f"text matching {pattern}"
        return Issue(path, f"expected {words}, found {found}", key=at.key)
    bounds = {
        "greater_than": ">",
        "greater_than_equal": "≥",
        "less_than": "<",
        "less_than_equal": "≤",
    }
    if kind in bounds:
        limit = next(iter(ctx.values()), "?")
        return Issue(path, f"must be {bounds[kind]} {limit}, found {found}")
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length" if kind == "too_short" else "max_length")
        if isinstance(at.node, dict):
            what = "entry" if n == 1 else "entries"
        else:
            what = "item" if n == 1 else "items"
        size = ctx.get("actual_length")
        word = "at least" if kind == "too_short" else "at most"
        return Issue(path, f"needs {word} {n} {what}, found {size}")
    if kind == "string_too_short":
        return Issue(path, "must not be empty", key=at.key)
    if kind in ("value_error", "assertion_error"):
        return Issue(path, str(ctx.get("error", err["msg"])))
    return Issue(path, f"{err['msg']}" + (f", found {found}" if found else ""), key=at.key)


def issues_from(exc: ValidationError, root: type[BaseModel], data: Any) -> list[Issue]:
    """Every error of a validation, located on ``data``, one per place for union members.

    A value that fits no member of a union (``initial: [1]`` is neither a rung nor a number)
    gets one message naming every member; when one member got further (a rung that is an empty
    string), its message alone is kept.
    """
    issues: list[Issue] = []
    for err in exc.errors(include_url=False):
        at = locate(root, data, tuple(err["loc"]))
        issue = _message(err, at)
        if at.via_union and issue.group is None:
            issue.group = (tuple(issue.path), issue.key)
            issue.expected = None  # marks a member's specific (non-type) error
        issues.append(issue)
    by_group: dict[tuple[Any, ...], list[Issue]] = {}
    for issue in issues:
        if issue.group is not None:
            by_group.setdefault(issue.group, []).append(issue)
    out: list[Issue] = []
    for members in by_group.values():
        specific = [m for m in members if m.expected is None]
        if specific:
            out.extend(specific)
            continue
        expected: list[str] = []
        for m in members:
            for e in (m.expected or "").split(" or "):
                if e and e not in expected:
                    expected.append(e)
        first = members[0]
        out.append(
            Issue(first.path, f"expected {' or '.join(expected)}, found {first.found}", first.key)
        )
    return [i for i in issues if i.group is None] + out


def to_problems(issues: Iterable[Issue], positions: Positions) -> list[Problem]:
    """Issues placed at their positions."""
    out = []
    for issue in issues:
        file, line, col = positions.at(tuple(issue.path), key=issue.key)
        out.append(Problem(file, line, col, dotted(issue.path), issue.message))
    return out


def validate(
    model: type[BaseModel], data: Any, positions: Positions
) -> tuple[BaseModel | None, list[Problem]]:
    """``model`` validated from ``data``, or the located problems."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, to_problems(issues_from(exc, model, data), positions)
