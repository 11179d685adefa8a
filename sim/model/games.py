"""Repeated games: each step, every game's payoff table pays its two channels' owners."""

from __future__ import annotations

import numpy as np

from .layout import Layout


def accrue_payoffs(layout: Layout, level: np.ndarray, payoff: np.ndarray) -> None:
    """Add this step's payoffs of every game at ``level`` (R, C) to ``payoff`` (R, A), in place
    (game by game, so an actor in several games sums them in scenario order)."""
    for g in layout.games:
        c1, c2 = g.channels
        a = level[:, c1].astype(np.intp)
        b = level[:, c2].astype(np.intp)
        pay = g.payoff[a, b]
        payoff[:, layout.owner[c1]] += pay[:, 0]
        payoff[:, layout.owner[c2]] += pay[:, 1]
