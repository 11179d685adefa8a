"""How much of a channel's hostility each actor feels, and the wars that are hostility too.

Two structural tables of a scenario, computed once from its :class:`~sim.model.layout.Layout`:

- ``felt_weight`` (C, A): the share of a channel's hostility e that an actor who feels it
  feels. A response is felt in full by its target. Help to a partner (``felt_by:
  adversaries``) is felt by the partner's adversaries at the ladder's ``spillover`` share
  (default :data:`SPILLOVER`): arms sent into someone else's war threaten a third party less
  than a blow aimed at it (Walt 1987: threat falls with the directness of the capability
  aimed at one; Goldstein 1992 scores the act toward the recipient, not its enemies). Help is
  felt in full only as direct combat — a contingent fighting on a front against the feeler
  (DPRK troops against Ukraine) — or when the helper's target is its own adversary (an
  incursion is felt in full by the state invaded).
- ``war_e`` (A, A): the hostility the two sides of a front show each other while they fight
  (:data:`WAR_E` = 10, CAMEO 190 "use conventional military force", Goldstein −10): the war
  itself is part of their escalation index and of the hostility each perceives, not only the
  channels they hold toward each other.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SPILLOVER = 0.5
"""Default share of e felt by a partner's adversaries from help given to the partner."""
WAR_E = 10.0
"""Hostility between the two sides of a front (CAMEO 190, Goldstein −10.0)."""


def felt_weights(ly: Any) -> np.ndarray:
    """(C, A) share of each channel's e felt by each actor (0 where it is not felt)."""
    w = ly.felt.astype(float)
    ladders = ly.scenario.ladders
    combat: set[tuple[int, int]] = set()
    for d in ly.deployments:
        front = ly.fronts[d.front]
        combat.add((d.channel, front.sides[1 - d.side]))
    for c in ly.channels:
        if not c.felt_by_adversaries or ly.adversary[c.owner, c.target]:
            continue  # felt by its target, in full
        spill = ladders[c.ladder].spillover
        share = SPILLOVER if spill is None else float(spill)
        for j in np.nonzero(ly.felt[c.index])[0]:
            w[c.index, j] = 1.0 if (c.index, int(j)) in combat else share
    return w


def war_hostility(ly: Any) -> np.ndarray:
    """(A, A) hostility each actor shows another because they fight on a front (0 if not)."""
    war = np.zeros((ly.A, ly.A))
    for f in ly.fronts:
        a, b = f.sides
        war[a, b] = war[b, a] = WAR_E
    return war


def reaction_kind(ly: Any, c: Any) -> str:
    """``retaliate``, ``balance`` or ``none``: what channel c's rung answers (the ladder's
    ``reaction``, else ``retaliate`` for responses and ``balance`` for help to a partner)."""
    kind = ly.scenario.ladders[c.ladder].reaction
    if kind is not None:
        return kind
    if c.felt_by_adversaries and not ly.adversary[c.owner, c.target]:
        return "balance"
    return "retaliate"
