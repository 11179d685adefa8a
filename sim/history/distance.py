"""How far each simulated run is from the history: the distance that ABC calibration minimises.

One discrepancy per observation and run, on a common unit-free scale, then their root mean
square:

- an **event** (a rung window, a rung reached, an alliance triggered, a red line crossed or
  not): 0 when the run did what was observed, 1 when it did not;
- a **quantity** (territory, a gain, a flow, a poll): how far the run's value lies outside the
  observation's own uncertainty (half its interval, or the spread of its distribution), in
  units of the prior predictive spread of that quantity (1.4826 × its median absolute
  deviation over the first generation, frozen for the calibration), so that a km² and an
  approval share weigh alike and one noisy quantity cannot swamp the events.

A run whose value is missing (a front that does not exist in it) is as far as an event missed
by the whole scale (``MISSING``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.scenario.history import EVENT_KINDS, observation_steps, point_and_width

from .forecast import Ensemble, observed_quantity, outcomes

MISSING = 3.0
"""The discrepancy of a quantity the run does not have (three prior spreads)."""


def in_sample(scenario: Any, until: int | None) -> list[int]:
    """Indices of the observations wholly at or before step ``until`` (all when ``None``)."""
    keep = []
    for i, obs in enumerate(scenario.history):
        last = max(observation_steps(obs, scenario.time).values())
        if until is None or last <= until:
            keep.append(i)
    return keep


def simulated(scenario: Any, tables: Any, which: Sequence[int]) -> list[np.ndarray]:
    """Per observation in ``which``: each run's outcome (bool for events, float otherwise)."""
    ens = Ensemble(tables, scenario)
    return [outcomes(scenario.history[i], ens) for i in which]


def scales(scenario: Any, which: Sequence[int], sims: Sequence[np.ndarray]) -> np.ndarray:
    """The prior predictive spread of each quantity observation (1 for events)."""
    out = np.ones(len(which))
    for k, (i, x) in enumerate(zip(which, sims, strict=True)):
        if scenario.history[i].KIND in EVENT_KINDS:
            continue
        x = np.asarray(x, dtype=float)
        x = x[np.isfinite(x)]
        spread = 1.4826 * float(np.median(np.abs(x - np.median(x)))) if x.size else 0.0
        if spread <= 0:
            spread = float(np.std(x)) if x.size else 0.0
        _, width = point_and_width(observed_quantity(scenario.history[i]))
        out[k] = max(spread, width / 2, 1e-9)
    return out


def discrepancies(
    scenario: Any, which: Sequence[int], sims: Sequence[np.ndarray], scale: np.ndarray
) -> np.ndarray:
    """(runs, observations) unit-free discrepancies."""
    cols = []
    for k, (i, x) in enumerate(zip(which, sims, strict=True)):
        obs = scenario.history[i]
        if obs.KIND in EVENT_KINDS:
            cols.append(1.0 - np.asarray(x, dtype=float))
            continue
        y, width = point_and_width(observed_quantity(obs))
        v = np.asarray(x, dtype=float)
        gap = np.maximum(np.abs(v - y) - width / 2, 0.0) / scale[k]
        cols.append(np.where(np.isfinite(gap), gap, MISSING))
    return np.column_stack(cols) if cols else np.zeros((0, 0))


def distance(disc: np.ndarray) -> np.ndarray:
    """Each run's distance: the root mean square of its discrepancies."""
    return np.sqrt(np.mean(disc * disc, axis=1))


__all__ = ["MISSING", "discrepancies", "distance", "in_sample", "scales", "simulated"]
