"""Spirals (model.md §5, Jervis): both directions of a dyad escalate several steps in a row
while neither side believes the other expansionist — an arms race of the insecure."""

from __future__ import annotations

import numpy as np

from .layout import Layout

SPIRAL_STEPS = 3
"""Steps in a row both sides of a dyad must escalate, neither believing the other
expansionist, to count as a spiral."""


class Spirals:
    """Per unordered dyad (``layout.dyad_keys`` order) and replication, whether it spiralled.

    Attributes:
        value: (R, dyads) bool, true once a dyad has spiralled (the ``.spiral`` outcome).
        streak: (R, dyads) current run of steps meeting the condition.
    """

    def __init__(self, layout: Layout, R: int) -> None:
        self.layout = layout
        pairs = list(layout.dyad_keys.values())
        self._d = np.array([d for d, _ in pairs], dtype=np.intp)
        self._r = np.array([r for _, r in pairs], dtype=np.intp)
        self.streak = np.zeros((R, len(pairs)), dtype=np.int64)
        self.value = np.zeros((R, len(pairs)), dtype=bool)

    def update(self, escalation: np.ndarray, before: np.ndarray, belief: np.ndarray) -> None:
        """After a step: ``escalation`` and ``before`` are (R, D) indices now and a step ago,
        ``belief`` (R, A, A) the beliefs now."""
        if not self._d.size:
            return
        ly = self.layout
        up = escalation > before + 1e-12
        d, r = self._d, self._r
        i, j = ly.dyad_src[d], ly.dyad_dst[d]
        calm = (belief[:, i, j] < 0.5) & (belief[:, j, i] < 0.5)
        both = up[:, d] & up[:, r] & calm
        self.streak = np.where(both, self.streak + 1, 0)
        self.value |= self.streak >= SPIRAL_STEPS
