"""``suspicious_tit_for_tat``: open one rung up (defect), then match the opponent."""

from __future__ import annotations

from sim.scenario.policy_specs import PolicySpec

from .registry import register
from .tit_for_tat import TitForTat


@register
class SuspiciousTitForTat(TitForTat):
    """Suspicious tit for tat: defect first, then do what the other side last did.

    Literature names: STFT, suspicious tit-for-tat (Beaufils, Delahaye & Mathieu 1996); on a
    ladder the opening move is one rung above the initial rung (D on a C/D ladder).
    """

    spec = PolicySpec(
        name="suspicious_tit_for_tat",
        summary="Opens one rung up, then matches the opponent's last rung seen",
        stochastic=False,
        memory_depth=1,
    )

    def first_move(self, c: int) -> float:
        return float(min(self.layout.initial[c] + 1, self.layout.n_rungs[c] - 1))
