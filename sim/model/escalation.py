"""The escalation index and Goldstein sums per directed dyad (model.md §4).

For a directed dyad (i, j), over the channels of i felt by j::

    E_ij(t) = (1 − ω)·E_ij(t−1) + ω·max(war_ij, max_c w_cj·s_cj·e_c(t))
    G_ij(t) = −war_ij − Σ_c s_cj·e_c(t)                      Goldstein sum of the step

w = P(j attributes c to i) if c is indirect, else 1; s the share of c's e that j feels (graded
spillover) and war_ij the war between two sides of a front (:mod:`~sim.model.felt`).

e is minus the Goldstein weight of the rung (model.md §4), so G is the step's Goldstein total of
i's acts toward j as j feels them (help to j's enemies counts against j; the cooperative score
the same act earns with the recipient is not added — it would cancel the hostility it causes).
The dyad index reported for {i, j} is ``max(E_ij, E_ji)``.
"""

from __future__ import annotations

import numpy as np

from .layout import Layout

OMEGA = 0.5
"""ω: weight of the current step in the escalation index (a half-life of one step)."""


class Escalation:
    """E (R, D) and the per-step Goldstein sums (R, D) over the layout's directed dyads."""

    def __init__(self, layout: Layout, attribution: np.ndarray, e0: np.ndarray) -> None:
        """Args: layout; attribution (R, A) per-observer attribution probability; e0 (R, C)."""
        self.layout = ly = layout
        entries = []
        for d, (i, j) in enumerate(ly.dyads):
            for c in ly.channels_of[i]:
                if ly.felt[c, j]:
                    entries.append((d, c, j))
        self.has = np.zeros(ly.D, dtype=bool)
        R = e0.shape[0]
        if entries:
            self.entry_dyad = np.array([x[0] for x in entries], dtype=np.intp)
            self.entry_ch = np.array([x[1] for x in entries], dtype=np.intp)
            weights = np.ones((R, len(entries)))
            for k, (_, c, j) in enumerate(entries):
                if ly.indirect[c]:
                    weights[:, k] = attribution[:, j]
            felt = ly.felt_weight[self.entry_ch, [x[2] for x in entries]]
            self.weights = weights * felt
            self.felt = felt
            self.dyads_with, self.starts = np.unique(self.entry_dyad, return_index=True)
            self.has[self.dyads_with] = True
        self.war = ly.war_e[ly.dyad_src, ly.dyad_dst] if ly.D else np.zeros(0)
        """(D,) hostility of the war between the two sides of a front (0 for other dyads)."""
        self.value = self.target(e0)
        self.goldstein = np.zeros((R, ly.D))

    def target(self, e: np.ndarray) -> np.ndarray:
        """(R, D) the step's max weighted hostility per directed dyad (0 without channels)."""
        R = e.shape[0]
        out = np.zeros((R, self.layout.D))
        if self.has.any():
            we = e[:, self.entry_ch] * self.weights
            out[:, self.dyads_with] = np.maximum.reduceat(we, self.starts, axis=1)
        return np.maximum(out, self.war)

    def update(self, e: np.ndarray) -> None:
        """One step: move E toward the current hostility and compute the Goldstein sums."""
        self.value = (1.0 - OMEGA) * self.value + OMEGA * self.target(e)
        g = np.zeros_like(self.value)
        if self.has.any():
            felt = e[:, self.entry_ch] * self.felt
            g[:, self.dyads_with] = -np.add.reduceat(felt, self.starts, axis=1)
        self.goldstein = g - self.war
