"""What each actor sees of the others' rungs: late, not always, sometimes wrong, not always whose.

A perception pair (i, c) is an observer i and a channel c of another actor that i needs to see:
channels i feels (model.md §4), channels i's red lines watch, channels whose target is i, and
the opponent channels its repeated-game or tit-for-tat policies answer. At the end of every
step, for every pair and replication (model.md §6)::

    observed   = level of c at step  s − max(lag_i − 1, 0)
    detected   ~ Bernoulli(detect_i)              not detected: the old perception stays
    misread    ~ Bernoulli(misread_i)             one rung up or down (p = ½ each), clipped
    attributed = attributed or Bernoulli(attribution_i)     only for `indirect` channels

so ``lag`` 0 and 1 both mean "seen by the next decision" (moves are simultaneous) and each
further step of lag delays the sighting by a step. Attribution is sticky: once an indirect
channel has been pinned on its source, the observer keeps knowing whose it is. An unattributed
channel adds nothing to the hostility the observer feels from its owner and cannot be seen to
cross a red line. Continuous channels are never misread.

Perceived hostility weighs each channel by the share of its e the observer feels (graded
spillover) and is at least the war between two sides of a front (:mod:`~sim.model.felt`).

Four uniforms per pair and replication are drawn every step, used or not.
"""

from __future__ import annotations

import numpy as np

from .hostility import RungHostility
from .layout import Layout


class Perception:
    """Perceived levels of the perception pairs, shape (R, P), and their attribution."""

    DRAWS = 4  # uniforms per pair per step: detect, misread, direction, attribution

    def __init__(
        self,
        layout: Layout,
        extra_pairs: list[tuple[int, int]],
        detect: np.ndarray,
        misread: np.ndarray,
        attribution: np.ndarray,
        lag: np.ndarray,
        levels0: np.ndarray,
        rung_e: RungHostility,
    ) -> None:
        """Build the pairs and the initial perception (the true initial levels).

        Args:
            layout: the scenario's layout.
            extra_pairs: (observer, channel) pairs policies need beyond the standard ones.
            detect, misread, attribution: (R, A) per-actor probabilities.
            lag: (A,) observation lag in steps.
            levels0: (R, C) initial levels.
            rung_e: the model's rung hostilities (the e of a perceived level).
        """
        self.layout = ly = layout
        self.rung_e = rung_e
        pairs: set[tuple[int, int]] = set()
        for c in range(ly.C):
            for i in np.nonzero(ly.felt[c])[0]:
                pairs.add((int(i), c))
            pairs.add((int(ly.target[c]), c))
        for rl in ly.red_lines:
            for k in rl.condition.leaves():
                pairs.add((rl.owner, ly.red_leaves[k].channel))
        pairs.update(extra_pairs)
        pairs = {(i, c) for i, c in pairs if ly.owner[c] != i}
        # felt pairs first, grouped by (observer, owner), so hostility is one reduceat
        felt = sorted(
            (p for p in pairs if ly.felt[p[1], p[0]]), key=lambda p: (p[0], ly.owner[p[1]], p[1])
        )
        rest = sorted(p for p in pairs if not ly.felt[p[1], p[0]])
        self.pairs = felt + rest
        self.P = len(self.pairs)
        self.index = {p: k for k, p in enumerate(self.pairs)}
        self.obs = np.array([p[0] for p in self.pairs], dtype=np.intp)
        self.ch = np.array([p[1] for p in self.pairs], dtype=np.intp)
        self.n_felt = len(felt)
        groups: list[tuple[int, int]] = []
        starts: list[int] = []
        for k, (i, c) in enumerate(felt):
            g = (i, int(ly.owner[c]))
            if not groups or groups[-1] != g:
                groups.append(g)
                starts.append(k)
        self.group_obs = np.array([g[0] for g in groups], dtype=np.intp)
        self.group_owner = np.array([g[1] for g in groups], dtype=np.intp)
        self.group_starts = np.array(starts, dtype=np.intp)
        self.felt_w = ly.felt_weight[self.ch[: self.n_felt], self.obs[: self.n_felt]]
        """Share of each felt pair's e its observer feels (graded spillover, layout)."""
        self.war = ly.war_e if ly.war_e.any() else None

        self.detect = detect[:, self.obs]
        self.misread = misread[:, self.obs]
        self.attribution = attribution[:, self.obs]
        self.lag = np.maximum(np.asarray(lag, dtype=np.intp)[self.obs] - 1, 0)
        self.lags = sorted(set(self.lag.tolist()))
        self.cont = ly.continuous[self.ch]
        self.top = np.where(self.cont, np.inf, ly.n_rungs[self.ch] - 1).astype(float)
        self.indirect = ly.indirect[self.ch]
        self.level = levels0[:, self.ch].copy()
        self.attributed = np.broadcast_to(~self.indirect, self.level.shape).copy()

    def update(self, history: np.ndarray, step: int, u: np.ndarray) -> None:
        """Perceive the levels of step ``step`` (lagged) from the history (R, T+1, C).

        Args:
            history: recorded levels per step; columns up to ``step`` are filled.
            step: the step just completed.
            u: (R, 4·P) uniforms: detect, misread, direction, attribution blocks.
        """
        P = self.P
        if P == 0:
            return
        u_det, u_mis, u_dir, u_att = (u[:, k * P : (k + 1) * P] for k in range(4))
        if len(self.lags) == 1:
            observed = history[:, max(step - self.lags[0], 0)][:, self.ch]
        else:
            observed = np.empty_like(self.level)
            for lag in self.lags:
                cols = np.nonzero(self.lag == lag)[0]
                observed[:, cols] = history[:, max(step - lag, 0)][:, self.ch[cols]]
        shift = np.where(u_dir < 0.5, -1.0, 1.0) * ((u_mis < self.misread) & ~self.cont)
        seen = np.clip(observed + shift, 0.0, self.top)
        self.level = np.where(u_det < self.detect, seen, self.level)
        self.attributed |= u_att < self.attribution

    def e(self, levels: np.ndarray | None = None) -> np.ndarray:
        """(R, P) hostility of each perceived level; 0 where the source is not attributed.

        With ``levels`` (R, C): the hostility the pairs would perceive if they saw those true
        levels (with today's attribution) — the reaction's rest point reads the initial rungs.
        """
        seen = self.level if levels is None else levels[:, self.ch]
        return self.rung_e.of(seen, self.ch) * self.attributed

    def hostility(self, e: np.ndarray | None = None) -> np.ndarray:
        """(R, A, A): ``[r, i, j]`` the hostility i perceives from j: the max over j's channels
        of the share of their e that i feels, and at least the war between them."""
        ly = self.layout
        R = self.level.shape[0]
        out = np.zeros((R, ly.A, ly.A))
        if self.n_felt:
            pe = self.e() if e is None else e
            felt = pe[:, : self.n_felt] * self.felt_w
            h = np.maximum.reduceat(felt, self.group_starts, axis=1)
            out[:, self.group_obs, self.group_owner] = h
        if self.war is not None:
            np.maximum(out, self.war, out=out)
        return out
