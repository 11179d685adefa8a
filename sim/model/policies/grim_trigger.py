"""``grim_trigger``: cooperate until the opponent first rises above our initial rung, then
play the top rung for ever."""

from __future__ import annotations

import numpy as np

from sim.scenario.policy_specs import PolicySpec

from .registry import register
from .tit_for_tat import TitForTat


@register
class GrimTrigger(TitForTat):
    """Grim trigger: one defection is punished for ever.

    Literature names: GRIM, grim trigger, Friedman's strategy (Friedman 1971; Axelrod 1984).
    "Defection" is an opponent rung seen (mapped onto this ladder) above this channel's initial
    rung; the punishment is the top rung of the ladder.
    """

    spec = PolicySpec(
        name="grim_trigger",
        summary=(
            "Holds the initial rung until the opponent first rises above it, "
            "then the top rung for ever"
        ),
        stochastic=False,
        memory_depth=float("inf"),
    )

    def __init__(self, layout, channels, params):
        super().__init__(layout, channels, params)
        self.triggered = np.zeros((params.replications, len(self.channels)), dtype=bool)

    def decide(self, model, u):
        ly = self.layout
        out = np.empty((model.R, len(self.channels)))
        for k, (c, o) in enumerate(zip(self.channels, self.opponents, strict=True)):
            if model.steps > 1:
                self.triggered[:, k] |= self.seen(model, c, o) > ly.initial[c]
            out[:, k] = np.where(self.triggered[:, k], ly.n_rungs[c] - 1, ly.initial[c])
        return out
