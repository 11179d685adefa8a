"""Repeated games: each game's payoff table, compiled from the scenario, pays its two channels'
owners every step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.scenario.commitments import payoff_key

from .errors import ModelError

if TYPE_CHECKING:
    from .layout import Layout


@dataclass
class GameSpec:
    id: str
    channels: tuple[int, int]
    payoff: np.ndarray  # (K1, K2, 2)


def compile_games(layout: Layout, sc: Any) -> list[GameSpec]:
    """Each game of the scenario as a payoff table over its two channels' rungs."""
    games: list[GameSpec] = []
    for gid, g in sc.games.items():
        c1, c2 = (layout.channel_index[r] for r in g.channels)
        s1, s2 = layout.channels[c1], layout.channels[c2]
        if s1.continuous or s2.continuous:
            raise ModelError(f"games.{gid}: a game is played on discrete ladders")
        table = np.zeros((len(s1.rung_ids), len(s2.rung_ids), 2))
        missing = []
        for a, ra in enumerate(s1.rung_ids):
            for b, rb in enumerate(s2.rung_ids):
                key = payoff_key(ra, rb)
                if key not in g.payoffs:
                    missing.append(key)
                else:
                    table[a, b] = g.payoffs[key]
        if missing:
            raise ModelError(f"games.{gid}.payoffs: no payoff for {', '.join(missing)}")
        games.append(GameSpec(gid, (c1, c2), table))
    return games


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
