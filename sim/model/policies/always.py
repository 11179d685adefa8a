"""``always``: plays the actor's ``rung`` on every channel, every step (e.g. always defect)."""

from __future__ import annotations

import numpy as np

from sim.scenario.policy_specs import PolicySpec

from .base import Policy
from .registry import register


@register
class Always(Policy):
    """Always: one rung, unconditionally.

    Literature names: ALLD / ALLC, "always defect" / "always cooperate" (Axelrod 1984) when the
    rung is D or C on a two-rung ladder; an unconditional strategy on any ladder.
    """

    spec = PolicySpec(
        name="always",
        summary="Plays the actor's `rung` on every channel, every step",
        stochastic=False,
        memory_depth=0,
        actor_keys={"rung": "the rung it plays"},
        rung_keys=("rung",),
    )

    def __init__(self, layout, channels, params):
        super().__init__(layout, channels, params)
        levels = []
        for c in channels:  # the rung is on every ladder: checked by the scenario layer
            spec = layout.channels[c]
            rung = layout.scenario.actors[layout.actors[spec.owner]].rung
            levels.append(float(spec.rung_ids.index(rung)))
        self.levels = np.array(levels)

    def decide(self, model, u):
        return np.broadcast_to(self.levels, (model.R, len(self.channels))).copy()
