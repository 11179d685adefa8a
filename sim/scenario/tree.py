"""YAML text → a plain document tree that remembers where every node was written.

ruamel.yaml composes the text (YAML 1.2, round-trip resolver, so ``NO`` stays a string and
``1.0e6`` is a float) into a node graph with marks; we construct the data ourselves from that
graph instead of letting a YAML constructor do it. That gives us, in one pass and for all
nodes at once:

- the position of every key and value, which pydantic errors and reference checks are mapped
  back to;
- every duplicate key and every tag, reported with its place rather than at the first;
- a bound on alias expansion (a "billion laughs" file is a few lines of YAML and gigabytes of
  data) and on nesting depth;
- no way for a tag to construct an object: tags outside the YAML core schema are refused.

The tree is made of :class:`PMap` and :class:`PSeq` (a dict and a list that carry positions)
and plain scalars; :func:`flatten` turns it into plain data and a :class:`Positions` index
once includes and overrides have been merged.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import Problem
from .limits import MAX_DEPTH, TOO_DEEP
from .reading import _compose, read_text  # noqa: F401  (read_text: part of this API)

Pos = tuple[str, int, int]
"""``(file, line, column)``, 1-based."""

Path = tuple[Any, ...]
"""A path in the document: mapping keys and list indices."""

MAX_NODES = 200_000
"""Most nodes one file may expand to (aliases included); the flagship has about 2,000."""


_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAP_TAG = f"{_CORE}map"
_SEQ_TAG = f"{_CORE}seq"
_MERGE_TAG = f"{_CORE}merge"


class PMap(dict):
    """A mapping that knows where it, each key and each value were written."""

    __slots__ = ("key_pos", "pos", "val_pos")

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.key_pos: dict[Any, Pos] = {}
        self.val_pos: dict[Any, Pos] = {}

    def put(self, key: Any, value: Any, key_pos: Pos, val_pos: Pos) -> None:
        self[key] = value
        self.key_pos[key] = key_pos
        self.val_pos[key] = val_pos


class PSeq(list):
    """A list that knows where it and each item were written."""

    __slots__ = ("item_pos", "pos")

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []

    def add(self, value: Any, pos: Pos) -> None:
        self.append(value)
        self.item_pos.append(pos)


@dataclass
class Positions:
    """Where each node of a flattened document was written, by path.

    ``values`` holds the position of every node (the root at ``()``); ``keys`` the position of
    the key of every mapping entry. A path that has no position of its own (a value filled in
    by defaults) falls back to its nearest ancestor's.
    """

    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)

    def at(self, path: Path, key: bool = False) -> Pos:
        if key and path in self.keys:
            return self.keys[path]
        if path[:1] == ("ladders",) and path[2:3] == ("rungs",) and path[:3] not in self.values:
            path = path[:2] + path[3:]  # a ladder in its list form: the list is its rungs
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, ("<unknown>", 1, 1))


def flatten(tree: Any) -> tuple[Any, Positions]:
    """Plain dicts and lists from a positioned tree, with its :class:`Positions` index."""
    positions = Positions()

    def walk(node: Any, path: Path) -> Any:
        if isinstance(node, PMap):
            out = {}
            for k, v in node.items():
                sub = (*path, k)
                positions.keys[sub] = node.key_pos[k]
                positions.values[sub] = node.val_pos[k]
                out[k] = walk(v, sub)
            return out
        if isinstance(node, PSeq):
            out_list = []
            for i, v in enumerate(node):
                sub = (*path, i)
                positions.values[sub] = node.item_pos[i]
                out_list.append(walk(v, sub))
            return out_list
        return node

    if isinstance(tree, PMap | PSeq):
        positions.values[()] = tree.pos
    return walk(tree, ()), positions


def describe(value: Any) -> str:
    """How a found value is named in messages: ``a string 'abc'``, ``a list``..."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value:g}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"a string {text!r}" if value else "an empty string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


class _Abort(Exception):
    """Stops construction after a problem that makes the rest meaningless."""


class _TooBig(Exception):
    """The node budget is spent; reported at the top-level entry that spent it."""


TOO_BIG = (
    f"this expands to more than {MAX_NODES} nodes (aliases repeated within aliases, a "
    "'billion laughs'); a scenario is far smaller"
)


class _Builder:
    """Builds a positioned tree from a ruamel node graph, collecting problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()

    def pos(self, node: Any) -> Pos:
        mark = node.start_mark
        return (self.file, mark.line + 1, mark.column + 1)

    def problem(self, node: Any, path: Path, message: str) -> None:
        _, line, col = self.pos(node)
        self.problems.append(Problem(self.file, line, col, dotted(path), message))

    def build(self, node: Any, path: Path, depth: int = 0) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        if depth > MAX_DEPTH:
            self.problem(node, path, TOO_DEEP)
            raise _Abort
        if id(node) in self.active:
            self.problem(node, path, "an alias refers to a node that contains it")
            raise _Abort
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        tag = node.tag
        self.active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                if tag != _MAP_TAG:
                    self.refuse_tag(node, path)
                return self.mapping(node, path, depth)
            if isinstance(node, SequenceNode):
                if tag != _SEQ_TAG:
                    self.refuse_tag(node, path)
                seq = PSeq(self.pos(node))
                for i, item in enumerate(node.value):
                    seq.add(self.build(item, (*path, i), depth + 1), self.pos(item))
                return seq
        finally:
            self.active.discard(id(node))
        self.problem(node, path, f"unexpected YAML node {type(node).__name__}")
        return None

    def refuse_tag(self, node: Any, path: Path) -> None:
        tag = str(node.tag)
        shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
        self.problem(
            node,
            path,
            f"tag {shown} is not allowed: a scenario is plain data (remove the tag)",
        )

    def scalar(self, node: Any, path: Path) -> Any:
        tag, text = str(node.tag), node.value
        if node.style == ">":
            text = text.replace("\a", "")  # ruamel's round-trip marks of folded line breaks
        if tag not in _SCALAR_TAGS:
            self.refuse_tag(node, path)
            return text
        kind = tag[len(_CORE) :]
        if kind in ("str", "timestamp"):
            return text
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() in ("true", "yes", "on", "y")
        try:
            if kind == "int":
                digits = text.replace("_", "")
                body = digits.lstrip("+-").lower()
                base = 0 if body[:2] in ("0x", "0o", "0b") else 10
                return int(digits, base)
            value = float(_float_text(text))
        except ValueError:
            self.problem(
                node,
                path,
                f"expected {'an integer' if kind == 'int' else 'a number'}, found {text!r}",
            )
            return text
        if not math.isfinite(value):
            self.problem(node, path, f"expected a finite number, found {text!r}")
            return text
        return value

    def key(self, node: Any, path: Path) -> Any:
        from ruamel.yaml.nodes import ScalarNode

        if not isinstance(node, ScalarNode):
            self.problem(node, path, "a key must be a plain name, not a list or a mapping")
            return None
        key = self.scalar(node, path)
        if key is None or isinstance(key, bool):  # ``~:`` or ``true:``: never a name here
            found = describe(key)
            self.problem(node, path, f"a key must be a name, found {found} (quote it if meant)")
            return None
        return key

    def mapping(self, node: Any, path: Path, depth: int) -> PMap:
        out = PMap(self.pos(node))
        merges: list[Any] = []
        for key_node, value_node in node.value:
            if str(key_node.tag) == _MERGE_TAG:
                merges.append(value_node)
                continue
            key = self.key(key_node, path)
            if key is None:
                continue
            try:
                hash(key)
            except TypeError:  # pragma: no cover - scalars are hashable
                continue
            if key in out:
                _, line, col = out.key_pos[key]
                self.problem(
                    key_node,
                    (*path, key),
                    f"duplicate key {key!r} (first written at line {line}, column {col})",
                )
                continue
            try:
                value = self.build(value_node, (*path, key), depth + 1)
            except _TooBig:
                if depth > 0:
                    raise
                self.problem(value_node, (*path, key), TOO_BIG)
                raise _Abort from None
            # An empty value (``actors:`` and nothing) is placed at its key, not the next line.
            empty = value is None and not value_node.value
            val_pos = self.pos(key_node) if empty else self.pos(value_node)
            out.put(key, value, self.pos(key_node), val_pos)
        for merge in merges:
            self.merge_into(out, merge, path, depth)
        return out

    def merge_into(self, out: PMap, merge: Any, path: Path, depth: int) -> None:
        """``<<: *base`` (or a list of them): keys not written here are taken from the base."""
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        sources = merge.value if isinstance(merge, SequenceNode) else [merge]
        for source in sources:
            if not isinstance(source, MappingNode):
                self.problem(source, path, "'<<' merges a mapping (or a list of mappings)")
                continue
            built = self.build(source, path, depth + 1)
            for k, v in built.items():
                if k not in out:
                    out.put(k, v, built.key_pos[k], built.val_pos[k])


def _float_text(text: str) -> str:
    t = text.replace("_", "").lower()
    if t in (".inf", "+.inf"):
        return "inf"
    if t == "-.inf":
        return "-inf"
    if t == ".nan":
        return "nan"
    return t


_PLAIN_KEY = re.compile(r"[^\s:\"'\\]+")


def dotted(path: Path) -> str:
    """A path as users write it: ``actors.ROK.weights.domestic``, ``events.0.at``.

    A key with spaces, colons or quotes in it is written in double quotes, so that a problem
    line still reads ``FILE:LINE:COL: path: message``.
    """
    return ".".join(
        str(p) if _PLAIN_KEY.fullmatch(str(p)) else json.dumps(str(p), ensure_ascii=False)
        for p in path
    )


def _build(root: Any, file: str) -> tuple[Any, list[Problem]]:
    builder = _Builder(file)
    try:
        tree = builder.build(root, ())
    except _TooBig:
        builder.problem(root, (), TOO_BIG)
        return None, builder.problems
    except _Abort:
        return None, builder.problems
    return tree, builder.problems


def parse_node(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document into a positioned tree (any node at the top).

    Returns the tree (``None`` for an empty document or one that cannot be read) and the
    problems found (a tree may come with problems: a refused tag keeps its text, a duplicate
    key its first value); never raises for bad input.
    """
    root, problems = _compose(text, file)
    if root is None:
        return None, problems
    return _build(root, file)


def parse_yaml(text: str, file: str) -> tuple[PMap | None, list[Problem]]:
    """Parse a scenario file (one YAML document holding a mapping) into a positioned tree.

    Returns the mapping (``None`` when the file cannot be read as one) and the problems found;
    never raises for bad input.
    """
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    root, problems = _compose(text, file)
    if root is None:
        if problems:
            return None, problems
        message = "the file is empty; a scenario is a mapping that starts with 'wargame: 1'"
        return None, [Problem(file, 1, 1, "", message)]
    if not isinstance(root, MappingNode):
        mark = root.start_mark
        found = (
            "a list"
            if isinstance(root, SequenceNode)
            else describe(_Builder(file).scalar(root, ()))
        )
        message = (
            "a scenario is a mapping of keys (wargame, id, title, time, actors, ...), "
            f"found {found}"
        )
        return None, [Problem(file, mark.line + 1, mark.column + 1, "", message)]
    return _build(root, file)
