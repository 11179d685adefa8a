"""Comparative statics on common random numbers: two arms, one seed, paired differences.

An *arm* is a scenario plus optional intervention bounds and parameter values. Both arms run
with the same seed and replication count, so every random number is shared (the model draws
the same blocks whatever the arm) and the difference of a metric is paired run by run. The
theory's prediction is a sign; a test asserts that the 95 % interval of the mean paired
difference lies on that side of zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.analysis.estimands import PairedDifference, paired_difference
from sim.model import Wargame
from sim.scenario import load_data
from sim.scenario.schema import Bound


@dataclass
class Arm:
    scenario: Any
    bounds: dict[str, dict[str, Any]] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def run(self, R: int, seed: int) -> Wargame:
        bounds = {k: Bound.model_validate(v) for k, v in self.bounds.items()}
        return Wargame(
            self.scenario,
            replications=R,
            rng=seed,
            interventions=bounds,
            param_values=self.params or None,
            record="full",
        ).run()


def paired(high: Arm, low: Arm, metric, R: int = 1000, seed: int = 20240619) -> PairedDifference:
    """Mean of ``metric(high) − metric(low)`` over paired runs, with its 95 % interval."""
    return paired_difference(metric(high.run(R, seed)), metric(low.run(R, seed)))


def level(ref: str, start: int = 1):
    """Metric: a channel's mean rung over steps ``start``..horizon, per run."""

    def metric(m: Wargame) -> np.ndarray:
        return m.recorder.level[:, start:, m.layout.channel_index[ref]].mean(axis=1)

    return metric


def ever_at_least(ref: str, rung: int):
    """Metric: whether a channel ever reaches a rung (0/1 per run)."""

    def metric(m: Wargame) -> np.ndarray:
        return (m.recorder.level[:, :, m.layout.channel_index[ref]] >= rung).any(axis=1)

    return metric


def territory(front: int = 0, step: int = -1):
    """Metric: a front's cumulative territory (km², first side's gains) at a step."""

    def metric(m: Wargame) -> np.ndarray:
        return m.recorder.territory[:, step, front]

    return metric


def without(scenario: Any, *blocks: str, **items: list[str]) -> Any:
    """The scenario without whole blocks (``red_lines``) or named items of a block.

    Counterfactuals, the sensitivity block and the history, which name what is removed, go too.
    """
    d = scenario.model_dump(by_alias=True, exclude_none=True)
    for key in ("counterfactuals", "sensitivity", "history", *blocks):
        d.pop(key, None)
    for block, names in items.items():
        for name in names:
            d[block].pop(name)
    return load_data(d, f"<{scenario.id} without {', '.join(blocks) or items}>")
