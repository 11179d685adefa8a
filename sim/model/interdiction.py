"""Interdiction: rungs that stop a share of other actors' shipments (blockade, quarantine).

A rung may carry ``interdicts: s`` (a share in [0, 1]); a channel on that ladder then stops the
share s of the shipments it cuts while it stands at that rung. What a channel cuts is its
``cuts`` block: named supply channels (``flows``) and/or every shipment to named recipients
(``to``); by default every shipment to the channel's target. Its owner's own shipments are
never cut. Several channels cutting one link act independently::

    cut_k = 1 − Π_c (1 − s_c[rung_c])        over the interdicting channels c that cut link k

What is stopped is **turned back**: it never leaves the supplier's stock (a quarantine turns
ships around; Kennedy's 1962 quarantine of Cuba is the type case), so arms stay conserved —
``shipped = delivered + duds + interdicted`` and the supplier's outflow is what got through
(:func:`sim.model.logistics.transfer`). Interdiction rates are the scenario's assumptions;
Davis & Engerman (2006, *Naval Blockades in Peace and War*) give the historical range, from
about one blockade runner in ten taken early in the Union blockade to one in three at its
height.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .layout import Layout
from .params import Params


class Interdiction:
    """Shares of every flow link stopped by the interdicting channels' current rungs.

    Attributes:
        channels: (N,) indices of the channels whose ladder has a rung that interdicts.
        share: (R, N, k_max) share each of them stops at each rung.
        cuts: (N, K) whether interdicting channel n cuts link k.
    """

    def __init__(self, layout: Layout, params: Params) -> None:
        ly = layout
        sc = ly.scenario
        R = params.replications
        rows: list[int] = []
        shares: list[np.ndarray] = []
        cuts: list[np.ndarray] = []
        for c in ly.channels:
            ladder = sc.ladders[c.ladder]
            if c.continuous or not any(r.interdicts is not None for r in ladder.rungs):
                continue
            table = np.zeros((R, ly.k_max))
            for k, rung in enumerate(ladder.rungs):
                if rung.interdicts is not None:
                    path = f"ladders.{c.ladder}.rungs.{k}.interdicts"
                    table[:, k] = np.clip(params.get(path, rung.interdicts), 0.0, 1.0)
            n = len(ladder.rungs)
            table[:, n:] = table[:, n - 1 : n]
            rows.append(c.index)
            shares.append(table)
            cuts.append(self._cut_links(ly, c.index, sc.channel(c.ref).cuts))
        self.channels = np.array(rows, dtype=np.intp)
        self.share = np.stack(shares, axis=1) if rows else np.zeros((R, 0, ly.k_max))
        self.cuts = np.array(cuts, dtype=bool).reshape(len(rows), ly.K)
        self.active = bool(self.cuts.any())

    @staticmethod
    def _cut_links(ly: Layout, c: int, spec: Any) -> np.ndarray:
        """(K,) links channel c cuts: its ``cuts`` (flows, recipients), else all to its target."""
        owner = ly.channels[c].owner
        flows = {ly.channel_index[r] for r in spec.flows} if spec is not None else set()
        to = {ly.actor_index[a] for a in spec.to} if spec is not None else set()
        if not flows and not to:
            to = {ly.channels[c].target}
        return np.array(
            [(link.channel in flows or link.dst in to) and link.src != owner for link in ly.links],
            dtype=bool,
        ).reshape(ly.K)

    def cut(self, levels: np.ndarray) -> np.ndarray | None:
        """(R, K) share of each link's shipments stopped at ``levels`` (None: nothing cuts)."""
        if not self.active:
            return None
        rung = np.clip(levels[:, self.channels], 0, self.share.shape[2] - 1).astype(np.intp)
        s = np.take_along_axis(self.share, rung[:, :, None], axis=2)[:, :, 0]  # (R, N)
        through = np.ones((levels.shape[0], self.cuts.shape[1]))
        for n in range(self.cuts.shape[0]):  # interdicting channels: a handful
            through[:, self.cuts[n]] *= 1.0 - s[:, n : n + 1]
        return 1.0 - through
