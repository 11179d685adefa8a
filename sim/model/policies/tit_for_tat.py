"""``tit_for_tat``: start at the initial rung, then match the opponent's last rung seen."""

from __future__ import annotations

import numpy as np

from sim.scenario.policy_specs import PolicySpec

from .base import Policy, counterpart, match_rung
from .registry import register


@register
class TitForTat(Policy):
    """Tit for tat: cooperate first, then do what the other side last did.

    Literature names: TFT, tit-for-tat (Rapoport; Axelrod 1984); on a ladder, "match the
    opponent's last observed rung" (model.md §5). The opponent channel is
    :func:`~sim.model.policies.base.counterpart`; what is "last" is what the actor perceives
    (lag, detection, misreading apply).
    """

    spec = PolicySpec(
        name="tit_for_tat",
        summary="Opens at the initial rung, then matches the opponent's last rung seen",
        stochastic=False,
        memory_depth=1,
    )

    def __init__(self, layout, channels, params):
        super().__init__(layout, channels, params)
        self.opponents = [counterpart(layout, c) for c in channels]

    def pairs(self):
        return [
            (int(self.layout.owner[c]), o)
            for c, o in zip(self.channels, self.opponents, strict=True)
        ]

    def first_move(self, c: int) -> float:
        return float(self.layout.initial[c])

    def seen(self, model, c: int, o: int) -> np.ndarray:
        """The opponent's last rung as perceived by c's owner, on c's ladder."""
        p = model.perception.index[(int(self.layout.owner[c]), o)]
        return match_rung(self.layout, model.rung_e, c, o, model.perception.level[:, p])

    def decide(self, model, u):
        out = np.empty((model.R, len(self.channels)))
        for k, (c, o) in enumerate(zip(self.channels, self.opponents, strict=True)):
            if model.steps == 1:
                out[:, k] = self.first_move(c)
            else:
                out[:, k] = self.seen(model, c, o)
        return out
