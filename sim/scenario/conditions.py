"""Walking a red line's condition: its leaves with their paths, and the condition in words.

A condition (``commitments.Condition``) is a tree: leaves watch a channel's rung
(``{channel: RUS.tech_dprk, at_least: advanced_missile}``) or a flow's shipments
(``{flow: DPRK.arm_russia, stock: shell_152, above: 3.0e5}``); inner nodes hold when all
(``{all: [...]}``) or any (``{any: [...]}``) of their parts hold. The checker, the model's
layout and ``wargame validate``'s summary all read the tree through these helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .commitments import AllOf, AnyOf, FlowAbove


def parts(cond: Any) -> tuple[str, list[Any]] | None:
    """``("all" | "any", parts)`` of a compound condition, None for a leaf."""
    if isinstance(cond, AllOf):
        return "all", list(cond.all_)
    if isinstance(cond, AnyOf):
        return "any", list(cond.any_)
    return None


def leaves(cond: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every leaf of a condition with its path (``(..., "watch", "all", 0)``), in order."""
    compound = parts(cond)
    if compound is None:
        yield path, cond
        return
    op, items = compound
    for k, item in enumerate(items):
        yield from leaves(item, (*path, op, k))


def leaf_channel(leaf: Any) -> str:
    """The ``ACTOR.channel`` a leaf watches."""
    return leaf.flow if isinstance(leaf, FlowAbove) else leaf.channel


def text(cond: Any) -> str:
    """The condition in words: ``RUS.tech_dprk ≥ advanced_missile and (...)``."""
    compound = parts(cond)
    if compound is None:
        if isinstance(cond, FlowAbove):
            n = cond.above
            above = f"{n:,.6g}" if isinstance(n, (int, float)) else "an uncertain amount"
            return f"{cond.flow} {cond.stock} above {above}"
        return f"{cond.channel} ≥ {cond.at_least}"
    op, items = compound
    inner = [text(x) if parts(x) is None else f"({text(x)})" for x in items]
    return f" {'and' if op == 'all' else 'or'} ".join(inner)
