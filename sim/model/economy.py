"""Economies: an index per actor that sanctions lower and time restores.

Each actor has an economy index Y (1 = its baseline output; arrays (R, A)). A rung may carry
``economic_cost: {target: c_T, sender: c_S}``, economy index lost **per year** while a channel
stands at it, by the channel's target and by its owner. Per step of Δ years (Δ = days/365.25)::

    Y ← max(0, Y + (1 − (1 − ρ)^Δ)·(1 − Y) − Δ·(Σ_{c → i} c_T[rung_c] + Σ_{c of i} c_S[rung_c]))

with ρ the actor's ``economy.recovery``, the share of the gap to baseline closed per year
(sanctions lifted, the economy returns toward trend). Why these forms: sanctions lower the
target's growth for as long as they hold (Neuenkirch & Neumeier 2015, *EJPE* 40: UN sanctions
more than 2 percentage points of GDP growth a year, US sanctions under 1), they cost the sender
too, far less (Hufbauer, Schott, Elliott & Oegg 2007, *Economic Sanctions Reconsidered*;
Crozet & Hinz 2020, *Economic Policy* 35, the trade lost by the countries sanctioning Russia in
2014), and their damage fades after they end. Costs per year and recovery per year keep the
numbers the same whatever the scenario's step.

The utility policy reads :attr:`target_rate` and :attr:`sender_rate` to price the sanctions a
move would provoke and the cost of an actor's own sanctions (``policies/utility.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .layout import Layout
from .params import Params

DAYS_PER_YEAR = 365.25


class Economy:
    """Economy index (R, A) and the per-rung costs that move it.

    Attributes:
        index: (R, A) economy index, 1 = baseline.
        target_rate: (R, C, k_max) index lost per year by a channel's target at each rung.
        sender_rate: (R, C, k_max) index lost per year by a channel's owner at each rung.
        recovery: (R, A) share of the gap to baseline closed per year.
    """

    def __init__(self, layout: Layout, params: Params) -> None:
        ly = layout
        sc = ly.scenario
        R = params.replications
        self.layout = ly
        self.years = ly.days / DAYS_PER_YEAR
        self.target_rate = np.zeros((R, ly.C, ly.k_max))
        self.sender_rate = np.zeros((R, ly.C, ly.k_max))
        for c in ly.channels:
            if c.continuous:
                continue
            rungs = sc.ladders[c.ladder].rungs
            for k, rung in enumerate(rungs):
                cost = rung.economic_cost
                if cost is None:
                    continue
                base = f"ladders.{c.ladder}.rungs.{k}.economic_cost"
                self.target_rate[:, c.index, k] = np.maximum(
                    params.get(f"{base}.target", cost.target), 0.0
                )
                self.sender_rate[:, c.index, k] = np.maximum(
                    params.get(f"{base}.sender", cost.sender), 0.0
                )
            n = len(rungs)
            for t in (self.target_rate, self.sender_rate):
                t[:, c.index, n:] = t[:, c.index, n - 1 : n]
        self.active = bool(self.target_rate.any() or self.sender_rate.any())
        costly = self.target_rate.any(axis=(0, 2)) | self.sender_rate.any(axis=(0, 2))
        self.costly = np.nonzero(costly)[0]
        """Channels with a rung that costs anyone anything."""
        self._target_c = np.ascontiguousarray(self.target_rate[:, self.costly])
        self._sender_c = np.ascontiguousarray(self.sender_rate[:, self.costly])
        n = len(self.costly)
        self._to_target = np.zeros((n, ly.A))
        self._to_target[np.arange(n), ly.target[self.costly]] = 1.0
        self._to_owner = np.zeros((n, ly.A))
        self._to_owner[np.arange(n), ly.owner[self.costly]] = 1.0
        self.sender_by_rung = {
            int(c): np.ascontiguousarray(self.sender_rate[:, c, : len(ly.channels[c].rung_ids)].T)
            for c in self.costly
        }
        """Channel → (K, R) its owner's cost per year at each rung (the utility reads it)."""
        self.increments: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        """Channel → (rungs whose target cost differs from the rung below, (R, n) increments)."""
        for c in self.costly:
            K = len(ly.channels[c].rung_ids)
            inc = np.diff(self.target_rate[:, c, :K], axis=1, prepend=0.0)
            ks = np.nonzero(inc.any(axis=0))[0]
            self.increments[int(c)] = (ks, np.ascontiguousarray(inc[:, ks]))
        self.recovery = np.zeros((R, ly.A))
        for i, aid in enumerate(ly.actors):
            value = sc.actors[aid].economy.recovery
            self.recovery[:, i] = np.clip(
                params.get(f"actors.{aid}.economy.recovery", value), 0.0, 1.0
            )
        self._heal = 1.0 - (1.0 - self.recovery) ** self.years
        self.index = np.ones((R, ly.A))
        self.lost = np.zeros((R, ly.A))
        """(R, A) index lost to sanctions at the last step."""

    def _costs(self, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(R, n) target and sender cost per year of the costly channels at ``levels``."""
        c = self.costly
        rung = np.clip(levels[:, c], 0, self.layout.k_max - 1).astype(np.intp)[:, :, None]
        target = np.take_along_axis(self._target_c, rung, axis=2)[:, :, 0]
        sender = np.take_along_axis(self._sender_c, rung, axis=2)[:, :, 0]
        return target, sender

    def step(self, levels: np.ndarray) -> None:
        """Move the index by one step: recovery toward 1, less this step's sanction costs."""
        lost = np.zeros_like(self.index)
        if self.active:  # continuous channels have no rungs, hence no costs
            target, sender = self._costs(levels)
            lost = (target @ self._to_target + sender @ self._to_owner) * self.years
        self.index = np.maximum(self.index + self._heal * (1.0 - self.index) - lost, 0.0)
        self.lost = lost


def costly_channels(layout: Layout) -> set[int]:
    """Channels on a ladder with a rung that declares an economic cost."""
    sc = layout.scenario
    return {
        c.index
        for c in layout.channels
        if not c.continuous and any(r.economic_cost for r in sc.ladders[c.ladder].rungs)
    }


def expected_cost(model: Any, chans: list[int], h: np.ndarray, softness: float) -> np.ndarray:
    """(K, R) index per year that channels ``chans`` would cost their target at hostility h.

    The channels' owner is expected at hostility h (K, R) (a utility policy's prediction for
    each of its K candidate rungs); each rung's cost increment counts with the chance that h
    passes the rung's e (a logistic step of width ``softness``); over several channels, the
    largest. Used by the utility policy's economy term.
    """
    out = None
    increments = model.world.economy.increments
    for d in chans:
        if d not in increments:  # its declared costs are all 0 in this model
            continue
        ks, inc = increments[d]
        e_d = model.rung_e.rungs(d)  # (1, K_d) or (R, K_d)
        x = 0.0
        for n, k in enumerate(ks):
            x = x + inc[:, n] * (0.5 + 0.5 * np.tanh((0.5 / softness) * (h - e_d[:, k])))
        out = x if out is None else np.maximum(out, x)
    return np.broadcast_to(0.0 if out is None else out, h.shape)
