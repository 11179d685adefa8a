"""Dotted paths into a loaded scenario: reading, listing the uncertain ones, replacing values.

Paths are the ones users write with ``--set``: document keys joined by dots
(``actors.ROK.approval.rally``, ``fronts.ukraine.dud_rate.DPRK``,
``actors.ROK.channels.arm_ukraine.flows.shell_155.2``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from .distributions import Distribution, is_distribution
from .overrides import _key_for, split_path
from .schema import Scenario
from .typewalk import fields
from .validation import did_you_mean

SKIPPED_BLOCKS = ("defaults", "history")
"""Blocks whose numbers are not parameters of their own: actors inherit ``defaults`` (each
actor then carries its own copy, sampled on its own); ``history`` holds observations, whose
distributions say how well a value is known, not what the model samples."""


def get_path(scenario: BaseModel, path: str) -> Any:
    """The value at a dotted path of a scenario.

    Raises:
        KeyError: the path does not exist (the message names it, with a did-you-mean).
    """
    segments = split_path(path)
    node: Any = scenario
    done: list[str] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        where = ".".join(done) or "the top level"
        if isinstance(node, BaseModel):
            known = fields(type(node))
            extra = node.model_extra or {}
            if seg in known:
                node = getattr(node, known[seg][0])
            elif seg in extra:
                node = extra[seg]
            else:
                options = [*known, *extra]
                raise KeyError(
                    f"unknown path {path!r}: no {seg!r} in {where}{did_you_mean(seg, options)}"
                )
            used = 1
        elif isinstance(node, Mapping):
            key, used = _key_for(node, segments, i)
            if key not in node:
                raise KeyError(
                    f"unknown path {path!r}: {where} has no {seg!r}{did_you_mean(seg, list(node))}"
                )
            node = node[key]
            seg = str(key)
        elif isinstance(node, list):
            if not seg.isdigit() or int(seg) >= len(node):
                raise KeyError(
                    f"unknown path {path!r}: {where} has {len(node)} items; no item {seg!r}"
                )
            node, used = node[int(seg)], 1
        else:
            raise KeyError(f"unknown path {path!r}: {where} is a single value")
        done.append(seg)
        i += used
    return node


def _walk(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    if is_distribution(node):
        yield ".".join(path), node
    elif isinstance(node, BaseModel):
        for key, (name, _) in fields(type(node)).items():
            if not path and name in SKIPPED_BLOCKS:
                continue
            yield from _walk(getattr(node, name), (*path, key))
        for key, value in (node.model_extra or {}).items():
            yield from _walk(value, (*path, str(key)))
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, str(i)))


def uncertain_parameters(scenario: Scenario) -> list[tuple[str, Distribution]]:
    """Every distribution of a (resolved) scenario with its dotted path.

    The order is fixed by the scenario: blocks in the language's order, named entries
    (actors, stocks, channels...) in the order they are written. The model samples parameters
    in this order, so a given seed always maps to the same draws.
    """
    return list(_walk(scenario, ()))
