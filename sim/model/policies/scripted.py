"""``scripted``: the rungs listed in the channel's ``script``, one per step."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..errors import ModelError
from .base import Policy
from .registry import register


@register
class Scripted(Policy):
    """Scripted: a replay of a given history.

    Literature names: a scripted (open-loop) strategy; replay of an event history. ``script[k]``
    is the level at step k + 1 (step 0 is the channel's ``initial``); after the script ends its
    last entry holds.
    """

    name = "scripted"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 0,
        "continuous": True,
    }
    discrete_only = False

    def __init__(self, layout, channels, params):
        super().__init__(layout, channels, params)
        scripts = []
        for c in channels:
            spec = layout.channels[c]
            if not spec.script:
                raise ModelError(
                    f"actors.{spec.ref.replace('.', '.channels.', 1)}.script: policy "
                    "'scripted' needs a script (one rung per step)"
                )
            scripts.append(spec.script)
        n = max(len(s) for s in scripts)
        self.table = np.array([list(s) + [s[-1]] * (n - len(s)) for s in scripts]).T  # (n, m)

    def decide(self, model, u):
        row = self.table[min(model.steps_done, len(self.table) - 1)]
        return np.broadcast_to(row, (model.R, len(self.channels))).copy()
