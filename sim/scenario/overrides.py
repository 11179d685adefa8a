"""Overrides from outside the file: ``--set actors.ROK.weights.domestic=0.9``.

A path uses the keys of the document, dot-separated (list items by index: ``events.0.at``; a
channel key such as ``ROK.arm_ukraine`` inside ``arms`` may keep its dot). The value is read as
YAML, so ``--set 'actors.ROK.approval.rally={dist: uniform, low: 0, high: 0.05}'`` gives a
distribution. Overrides apply after includes and before validation, so a bad value is
reported like a bad value in the file, at ``<override>:N:COL`` (N = the N-th override, COL the
column in ``PATH=VALUE``).

A path must exist in the language: every key of a block must be one of its fields; an entry
of a named collection (an actor, a channel...) must already exist, unless it is the last
element of the path (``--set 'actors.JPN={policy: fixed}'`` adds an actor whole).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import Problem
from .schema import Scenario
from .tree import PMap, Pos, PSeq, parse_node
from .typewalk import extra_type, fields, shape
from .validation import did_you_mean, listing

OVERRIDE_FILE = "<override>"

_INDEX = re.compile(r"\[(\d+)\]")


class _Fail(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _positioned(value: Any, pos: Pos) -> Any:
    """A Python value (from the API) as a tree whose every node sits at ``pos``."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(by_alias=True, exclude_none=True)
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        value = value.tolist()
    if isinstance(value, Mapping):
        out = PMap(pos)
        for k, v in value.items():
            out.put(k, _positioned(v, pos), pos, pos)
        return out
    if isinstance(value, list | tuple):
        seq = PSeq(pos)
        for v in value:
            seq.add(_positioned(v, pos), pos)
        return seq
    return value


def parse(
    overrides: Mapping[str, Any] | Iterable[str],
) -> tuple[list[tuple[str, Any, Pos, Pos]], list[Problem]]:
    """``(path, value tree, path position, value position)`` per override, and problems."""
    out: list[tuple[str, Any, Pos, Pos]] = []
    problems: list[Problem] = []
    if isinstance(overrides, Mapping):
        for n, (path, value) in enumerate(overrides.items(), start=1):
            pos = (OVERRIDE_FILE, n, 1)
            out.append((str(path), _positioned(value, pos), pos, pos))
        return out, problems
    for n, item in enumerate(overrides, start=1):
        text = str(item)
        if "=" not in text:
            problems.append(
                Problem(
                    OVERRIDE_FILE,
                    n,
                    1,
                    text,
                    "expected PATH=VALUE, like actors.ROK.weights.domestic=0.9",
                )
            )
            continue
        path, value_text = text.split("=", 1)
        offset = len(path) + 1
        path_pos = (OVERRIDE_FILE, n, 1 + len(path) - len(path.lstrip()))
        value_pos = (OVERRIDE_FILE, n, offset + 1)
        if not value_text.strip():
            out.append((path.strip(), None, path_pos, value_pos))
            continue
        # Blank lines and spaces before the value make YAML report its true line and column.
        tree, errs = parse_node("\n" * (n - 1) + " " * offset + value_text, OVERRIDE_FILE)
        if errs:
            problems.extend(Problem(e.file, e.line, e.col, path.strip(), e.message) for e in errs)
            continue
        out.append((path.strip(), tree, path_pos, value_pos))
    return out, problems


def split_path(path: str) -> list[str]:
    """``events[0].at`` and ``events.0.at`` alike → ``['events', '0', 'at']``."""
    return [p for p in _INDEX.sub(r".\1", path).split(".")]


def _key_for(node: Any, segments: list[str], i: int) -> tuple[Any, int]:
    """The key of ``node`` that segments ``i..`` start with, and how many segments it takes.

    Keys may contain dots (``ROK.arm_ukraine`` inside ``arms``): the longest match wins.
    """
    if isinstance(node, dict):
        for j in range(len(segments), i, -1):
            joined = ".".join(segments[i:j])
            if joined in node:
                return joined, j - i
            if joined.lstrip("-").isdigit() and int(joined) in node:
                return int(joined), j - i
    return segments[i], 1


def apply(tree: PMap, overrides: Mapping[str, Any] | Iterable[str]) -> list[Problem]:
    """Apply ``overrides`` to ``tree`` in place; the problems found."""
    parsed, problems = parse(overrides)
    for path, value, path_pos, value_pos in parsed:
        try:
            _set(tree, path, value, path_pos, value_pos)
        except _Fail as fail:
            problems.append(Problem(path_pos[0], path_pos[1], path_pos[2], path, fail.message))
    return problems


def _set(tree: PMap, path: str, value: Any, path_pos: Pos, value_pos: Pos) -> None:
    segments = split_path(path)
    if not path or any(not s for s in segments):
        raise _Fail("expected a dotted path like actors.ROK.weights.domestic")
    if segments[0] == "include":
        raise _Fail("includes cannot be overridden; edit the file's include list")
    tp: Any = Scenario
    node: Any = tree
    done: list[str] = []
    i = 0
    while True:
        where = ".".join(done) or "the top level"
        s = shape(tp)
        if s.kind == "tagged" and not s.number and s.key is None:
            # A union chosen by the key that names its kind (a red line's condition: channel,
            # flow, all, any): the member whose tag the node holds.
            tags = [t for t, _ in s.tags]
            tag = next((t for t in tags if isinstance(node, dict) and t in node), None)
            if tag is None:
                raise _Fail(f"{where} names none of {listing(tags)}; set it whole")
            s = shape(s.member(tag))
        elif s.kind == "tagged":
            # A distribution's fields, chosen by its 'dist' (a plain number has none).
            if not (isinstance(node, dict) and isinstance(node.get("dist"), str)):
                raise _Fail(
                    f"{where} is not a distribution; set it whole "
                    f"(--set '{where}={{dist: uniform, low: 0, high: 1}}')"
                )
            if s.number:
                s = shape(s.member("dist"))
            member = s.member(node["dist"]) if s.key == "dist" else None
            if member is None:
                raise _Fail(f"{where} has an unknown dist {node['dist']!r}")
            s = shape(member)
        if s.kind == "model":
            key, used = segments[i], 1
            allowed = fields(s.tp)
            if key in allowed:
                child_tp = allowed[key][1]
            elif extra_type(s.tp) is not None:
                child_tp = extra_type(s.tp)
            else:
                hint = did_you_mean(key, allowed) or f" (keys here: {listing(allowed)})"
                raise _Fail(f"unknown key {key!r} in {where}{hint}")
            if isinstance(node, PSeq) and shape(child_tp).kind == "list":
                # A model written in its list form (a ladder's rungs): the list is the field.
                tp, i, done = child_tp, i + used, [*done, key]
                if i == len(segments):
                    raise _Fail(f"{where} is written as a list; set {where} whole")
                continue
        elif s.kind == "dict":
            key, used = _key_for(node, segments, i)
            child_tp = s.item
            if not (isinstance(node, dict) and key in node) and i + used < len(segments):
                options = list(node) if isinstance(node, dict) else []
                raise _Fail(
                    f"{where} has no entry {key!r}{did_you_mean(key, options)}"
                    + (f" (entries: {listing(options)})" if options else "")
                )
        elif s.kind == "list":
            seg = segments[i]
            n = len(node) if isinstance(node, list) else 0
            if not seg.isdigit() or int(seg) >= n:
                items = f"items 0..{n - 1}" if n else "no items"
                raise _Fail(f"{where} has {items}; no item {seg!r}")
            key, used, child_tp = int(seg), 1, s.item
        else:
            raise _Fail(f"{where} is a single value; it has no {segments[i]!r}")
        done = [*done, str(key)]
        i += used
        if i == len(segments):
            if isinstance(node, PSeq):
                node[key] = value
                node.item_pos[key] = value_pos
            else:
                node.put(key, value, path_pos, value_pos)
            return
        child = node.get(key) if isinstance(node, PMap) else node[key]
        if child is None:
            child = PMap(path_pos)
            if isinstance(node, PSeq):
                node[key] = child
            else:
                node.put(key, child, path_pos, path_pos)
        elif not isinstance(child, PMap | PSeq):
            here = ".".join(done)
            raise _Fail(f"{here} is a single value in the file; set {here} whole")
        node, tp = child, child_tp
