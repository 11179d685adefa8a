"""``scripted``: the rungs listed in the channel's ``script``, one per step."""

from __future__ import annotations

import numpy as np

from sim.scenario.policy_specs import PolicySpec

from .base import Policy
from .registry import register


@register
class Scripted(Policy):
    """Scripted: a replay of a given history.

    Literature names: a scripted (open-loop) strategy; replay of an event history. ``script[k]``
    is the level at step k + 1 (step 0 is the channel's ``initial``); after the script ends its
    last entry holds.
    """

    spec = PolicySpec(
        name="scripted",
        summary="Replays the channel's `script`, one rung or level per step",
        stochastic=False,
        memory_depth=0,
        ladders="any",
        channel_keys={"script": "one rung per step"},
    )

    def __init__(self, layout, channels, params):
        super().__init__(layout, channels, params)
        scripts = [layout.channels[c].script for c in channels]  # checked by the scenario
        n = max(len(s) for s in scripts)
        self.table = np.array([list(s) + [s[-1]] * (n - len(s)) for s in scripts]).T  # (n, m)

    def decide(self, model, u):
        row = self.table[min(model.steps - 1, len(self.table) - 1)]
        return np.broadcast_to(row, (model.R, len(self.channels))).copy()
