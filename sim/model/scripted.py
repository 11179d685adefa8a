"""Which red-line crossings were set from outside the model, run by run.

A red line crossed because a scheduled event (history the scenario imposes) or a counterfactual
arm's ``at_least`` bound put the watched channel over its threshold is not a risk the model
estimates: it is the scenario's premise. The recorder flags such crossings so the summary, the
report and the contrast tables can say "scripted" instead of quoting a probability (issue 8,
item 8).

A run counts as forced when, at some step, the watched channel sits exactly at a level an event
imposes (or at the arm's lower bound) and that level alone reaches the threshold — also when
the model had crossed the line earlier by itself: "crossed by the horizon" was certain in that
run whatever the model chose. A bound that holds the channel below the event's level (an arm
with ``at_most``) leaves the crossing to the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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
    watch = red.watch
    if watch.size == 0:
        empty = np.zeros((R, 0), dtype=bool)
        return empty, np.zeros((R, 0)), empty.copy()
    lv = level[:, :, watch]  # (R, T+1, L)
    th = red.threshold[None, None, :]
    event = model.forced[:, watch][None]  # (1, T+1, L), NaN where no event
    bound = model.lo[:, watch][None]
    with np.errstate(invalid="ignore"):
        by_event = (event >= th) & (lv == event)
        by_bound = (bound >= th) & (lv == bound) & ~by_event
    crossed = red.ever
    scripted = by_event.any(axis=1) & crossed
    first = np.where(scripted, by_event.argmax(axis=1).astype(float), np.nan)
    return scripted, first, by_bound.any(axis=1) & crossed & ~scripted
