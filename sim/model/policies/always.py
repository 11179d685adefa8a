"""``always``: plays the actor's ``rung`` on every channel, every step (e.g. always defect)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..errors import ModelError
from .base import Policy
from .registry import register


@register
class Always(Policy):
    """Always: one rung, unconditionally.

    Literature names: ALLD / ALLC, "always defect" / "always cooperate" (Axelrod 1984) when the
    rung is D or C on a two-rung ladder; an unconditional strategy on any ladder.
    """

    name = "always"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 0,
        "continuous": False,
    }

    def __init__(self, layout, channels, params):
        super().__init__(layout, channels, params)
        levels = []
        for c in channels:
            spec = layout.channels[c]
            aid = layout.actors[spec.owner]
            rung = layout.scenario.actors[aid].rung
            if rung is None:
                raise ModelError(f"actors.{aid}.rung: policy 'always' needs the rung it plays")
            if rung not in spec.rung_ids:
                raise ModelError(
                    f"actors.{aid}.rung: {rung!r} is not a rung of ladder {spec.ladder!r} "
                    f"(channel {spec.ref})"
                )
            levels.append(float(spec.rung_ids.index(rung)))
        self.levels = np.array(levels)

    def decide(self, model, u):
        return np.broadcast_to(self.levels, (model.R, len(self.channels))).copy()
