"""Which red-line crossings were set from outside the model, run by run.

A red line crossed because a scheduled event (history the scenario imposes) or a counterfactual
arm's ``at_least`` bound put the watched channel over its threshold is not a risk the model
estimates: it is the scenario's premise. The recorder flags such crossings so the summary, the
report and the contrast tables can say "scripted" instead of quoting a probability (issue 8,
item 8).

A run counts as forced when, at some step, the line's condition holds from its forced parts
alone: each rung part whose channel sits exactly at a level an event imposes (or at the arm's
lower bound) that reaches its rung — also when
the model had crossed the line earlier by itself: "crossed by the horizon" was certain in that
run whatever the model chose. A bound that holds the channel below the event's level (an arm
with ``at_most``) leaves the crossing to the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .red_line_watch import evaluate

if TYPE_CHECKING:
    from .wargame import Wargame


def forced_crossings(
    model: Wargame, level: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(R, L) arrays: crossing set by an event, the step it did so (NaN: none), set by a bound.

    Args:
        model: The model after its run (red-line state, event and bound tables).
        level: (R, T+1, C) recorded levels.
    """
    red = model.red
    R = level.shape[0]
    lines = model.layout.red_lines
    if not lines:
        empty = np.zeros((R, 0), dtype=bool)
        return empty, np.zeros((R, 0)), empty.copy()
    # per leaf (a channel at or above a rung): is it held there by an event, or by a bound?
    # flow leaves are never forced (an event sets a rung, not what a link ships)
    ch = red.leaf_channel
    lv = level[:, :, ch]  # (R, T+1, leaves)
    th = red.leaf_threshold[None, None, :]
    event = model.exogenous.forced[:, ch][None]  # (1, T+1, leaves), NaN where no event
    bound = model.exogenous.lo[:, ch][None]
    rung = ~red.leaf_flow[None, None, :]
    with np.errstate(invalid="ignore"):
        ev_leaf = (event >= th) & (lv == event) & rung
        bd_leaf = (bound >= th) & (lv == bound) & rung
    ev_vals = np.moveaxis(ev_leaf, 2, 0)  # (leaves, R, T+1)
    any_vals = np.moveaxis(ev_leaf | bd_leaf, 2, 0)
    by_event = np.stack([evaluate(rl.condition, ev_vals) for rl in lines], axis=2)
    by_any = np.stack([evaluate(rl.condition, any_vals) for rl in lines], axis=2)
    by_bound = by_any & ~by_event
    crossed = red.ever
    scripted = by_event.any(axis=1) & crossed
    first = np.where(scripted, by_event.argmax(axis=1).astype(float), np.nan)
    return scripted, first, by_bound.any(axis=1) & crossed & ~scripted
