"""What a red line watches, compiled for the model: leaves, condition trees, and their truth.

A red line's condition (``watch`` in the scenario; :mod:`sim.scenario.conditions`) becomes a
tree of :class:`Node` over numbered :class:`Leaf` tests, shared by all lines of a scenario:

- a **rung** leaf holds when a channel's level is at or above a rung;
- a **flow** leaf holds when a flow link's shipments in the step exceed ``above`` (a number or
  a distribution, so (R,) per leaf): the true state reads what the link *shipped*, an owner's
  perception reads the amount the rung it *sees* asks for — intelligence estimates a flow from
  the scale of the programme it detects, not from a count of rounds;
- ``all`` / ``any`` nodes hold when all / any of their parts hold.

:func:`evaluate` combines leaf values of any broadcastable shape, so the same tree gives the
(R,) state of a line and the (K, R) crossing of a crosser's candidate rungs (utility's
``U_risk``, with the crosser's channel at each rung and the other parts as they stand).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scenario import conditions
from sim.scenario.commitments import FlowAbove

from .errors import ModelError

DECLARED_WEIGHT = {"public": 1.0, "ambiguous": 0.5, "private": 0.2}
"""d in model.md §5: how much a declared red line engages its owner's reputation."""

DEFAULT_WINDOW = 3
"""Steps a committed response is held (and must be met) after an owner decides to enforce."""


@dataclass(frozen=True)
class Leaf:
    """One test of a condition: a channel at or above a rung, or a flow above an amount."""

    index: int
    kind: str  # "rung" or "flow"
    channel: int
    threshold: float = 0.0
    """Level the channel must reach (rung leaves)."""
    link: int = -1
    """The flow link whose shipments are compared (flow leaves)."""
    above: tuple[str, Any] | None = None
    """``(path, value)`` of the amount a flow must exceed (flow leaves)."""


@dataclass(frozen=True)
class Node:
    """A condition tree: a leaf (``op == "leaf"``), or all / any of its parts."""

    op: str
    leaf: int = -1
    parts: tuple[Node, ...] = ()

    def leaves(self) -> list[int]:
        """The leaf indices of the tree, in document order."""
        if self.op == "leaf":
            return [self.leaf]
        return [k for p in self.parts for k in p.leaves()]


@dataclass
class RedLineSpec:
    index: int
    id: str
    owner: int
    condition: Node
    declared: str
    weight: float
    responses: list[tuple[int, int]]
    """``(channel, rung)`` of each committed response (empty: none committed)."""
    credibility: tuple[str, Any]
    audience_cost: tuple[str, Any]
    window: int
    text: str = ""
    """The condition in words (``wargame validate``'s summary and the event log)."""
    watch: int = field(init=False)
    """The channel of the condition's first leaf (the only one of a simple line)."""
    threshold: float = field(init=False)
    """That leaf's rung level (0 for a flow leaf)."""
    response: int = field(init=False)
    """The first committed response's channel, −1 if none."""
    response_rung: int = field(init=False)
    simple: bool = field(init=False)
    """The condition is one rung leaf (``watch: {channel, at_least}``)."""

    def __post_init__(self) -> None:
        self.response, self.response_rung = self.responses[0] if self.responses else (-1, 0)


def compile_condition(
    cond: Any,
    where: str,
    leaves: list[Leaf],
    channel_index: dict[str, int],
    level: Callable[[int, Any, str], float],
    link_of: Callable[[int, str], int],
) -> Node:
    """The tree of a scenario condition; its leaves are appended to ``leaves``.

    Args:
        cond: a ``commitments.Condition``.
        where: its dotted path (``red_lines.X.watch``).
        leaves: the scenario's leaves so far (appended to).
        channel_index: ``ACTOR.channel`` → channel index.
        level: (channel, rung, path) → the rung's level.
        link_of: (channel, stock name) → flow link index (−1: no such link).
    """
    compound = conditions.parts(cond)
    if compound is not None:
        op, items = compound
        parts = tuple(
            compile_condition(x, f"{where}.{op}.{k}", leaves, channel_index, level, link_of)
            for k, x in enumerate(items)
        )
        return Node(op, parts=parts)
    c = channel_index[conditions.leaf_channel(cond)]
    if isinstance(cond, FlowAbove):
        link = link_of(c, cond.stock)
        if link < 0:
            raise ModelError(f"{where}.stock: {cond.flow} ships no {cond.stock!r}")
        leaf = Leaf(len(leaves), "flow", c, link=link, above=(f"{where}.above", cond.above))
    else:
        leaf = Leaf(len(leaves), "rung", c, threshold=level(c, cond.at_least, f"{where}.at_least"))
    leaves.append(leaf)
    return Node("leaf", leaf=leaf.index)


def finish(spec: RedLineSpec, leaves: Sequence[Leaf]) -> RedLineSpec:
    """Fill the derived fields of a spec (first leaf, simple form)."""
    first = leaves[spec.condition.leaves()[0]]
    spec.watch = first.channel
    spec.threshold = first.threshold
    spec.simple = spec.condition.op == "leaf" and first.kind == "rung"
    return spec


def evaluate(node: Node, values: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
    """Truth of a tree from its leaves' truth (``values[k]`` for leaf k; shapes broadcast)."""
    if node.op == "leaf":
        return np.asarray(values[node.leaf], dtype=bool)
    out = evaluate(node.parts[0], values)
    for p in node.parts[1:]:
        out = (out & evaluate(p, values)) if node.op == "all" else (out | evaluate(p, values))
    return out
