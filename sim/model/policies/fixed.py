"""``fixed``: stays at its initial rung (events and interventions may still move it)."""

from __future__ import annotations

import numpy as np

from sim.scenario.policy_specs import PolicySpec

from .base import Policy
from .registry import register


@register
class Fixed(Policy):
    """Fixed: the status quo, whatever others do.

    Literature names: a non-reactive (unconditional) strategy; Axelrod's "always" family with
    the initial move. Its channels return to the initial level as soon as an event or an
    intervention that moved them ends.
    """

    spec = PolicySpec(
        name="fixed",
        summary="Stays at the initial level (events and interventions may still move it)",
        stochastic=False,
        memory_depth=0,
        ladders="any",
    )

    def decide(self, model, u):
        init = self.layout.initial[self.channels]
        return np.broadcast_to(init, (model.R, len(self.channels))).copy()
