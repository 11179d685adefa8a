"""Hostility ``e`` of every rung of every channel, per replication when a rung's e is uncertain.

A rung's e (``ladders.L.rungs.K.e``) is a parameter like any other: a plain number, or a
distribution sampled once per replication by :class:`~sim.model.params.Params` (and replaceable
through ``param_values``). When every rung's e is the same in all replications — no rung is
uncertain, the usual case — the table is kept as (C, k_max) and looked up exactly as a plain
number table, so results and speed do not change; otherwise it is (R, C, k_max) and every
lookup takes its replication's row.

Continuous channels have no rungs: their level maps linearly from [low, high] to [0, 10].
"""

from __future__ import annotations

import numpy as np

from .layout import Layout
from .params import Params


class RungHostility:
    """The e table of a model's channels and the lookups the hot path needs.

    Args:
        layout: the scenario's layout (each discrete channel's rung ``(path, value)`` pairs).
        params: the model's parameters (draws every uncertain rung e; ``param_values`` too).
    """

    def __init__(self, layout: Layout, params: Params) -> None:
        ly = self.layout = layout
        R, K = params.replications, ly.k_max
        table = np.zeros((R, ly.C, K))
        for c in ly.channels:
            if c.continuous:
                continue
            n = len(c.e)
            for k, (path, value) in enumerate(c.e):
                table[:, c.index, k] = params.get(path, value)
            table[:, c.index, n:] = table[:, c.index, n - 1 : n]
        self.varies = bool(R > 1 and np.any(table != table[:1]))
        """Whether some rung's e differs between replications (then the table is 3-D)."""
        self.table = table if self.varies else table[0]
        """(C, k_max), or (R, C, k_max) when ``varies``: e of rung k of channel c (rungs past a
        channel's top repeat the top rung's e)."""
        self._rows = np.arange(R)

    def of(self, levels: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
        """Hostility of channel levels (R, ...) for channels ``idx`` (the last axis; all if None).

        Discrete: the rung's e. Continuous: the level mapped linearly from [low, high] to
        [0, 10] and clipped (an arms level has no CAMEO twin; its scale is the ladder's range).
        """
        ly = self.layout
        if idx is None:
            idx = np.arange(ly.C)
        idx = np.asarray(idx, dtype=np.intp)
        rung = np.clip(levels, 0, ly.k_max - 1).astype(np.intp)
        if self.varies:
            rows = self._rows.reshape(-1, *([1] * (levels.ndim - 1)))
            e = self.table[rows, idx, rung]
        elif levels.ndim == 1:
            e = self.table[idx, rung]
        else:
            e = self.table[idx[None, :], rung]
        cont = ly.continuous[idx]
        if cont.any():
            lo, hi = ly.low[idx], ly.high[idx]
            lin = np.clip(10.0 * (levels - lo) / (hi - lo), 0.0, 10.0)
            e = np.where(cont, lin, e)
        return e

    def at_rung(self, c: int, rung: np.ndarray) -> np.ndarray:
        """e of channel ``c`` at integer rungs ``rung`` of shape (R, ...)."""
        if self.varies:
            rows = self._rows.reshape(-1, *([1] * (rung.ndim - 1)))
            return self.table[rows, c, rung]
        return self.table[c][rung]

    def rungs(self, c: int) -> np.ndarray:
        """(R, K) e of each of discrete channel ``c``'s K rungs; (1, K) when no e varies."""
        K = len(self.layout.channels[c].rung_ids)
        if self.varies:
            return self.table[:, c, :K]
        return self.table[None, c, :K]
