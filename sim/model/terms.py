"""The named terms of a utility actor's expected utility, and the weights that scale them.

One enumeration, used wherever a weight is read (``weights[:, i, Term.SECURITY]``, never
``w[0]``) and wherever a term is reported (``Wargame.explain``). The six weighted terms are the
scenario's ``weights`` keys (model.md §5); the other terms are in utility units outside the
weighting (risk over risk tolerance, switch and reversal costs, game payoffs).
"""

from __future__ import annotations

from enum import IntEnum


class Term(IntEnum):
    """A weighted utility term; its value is its position on the weights axis."""

    SECURITY = 0
    ALLIANCE = 1
    WAR = 2
    ECONOMY = 3
    DOMESTIC = 4
    REPUTATION = 5

    @property
    def key(self) -> str:
        """The scenario's name of the weight (``actors.X.weights.<key>``)."""
        return self.name.lower()


WEIGHT_TERMS = tuple(t.key for t in Term)
"""Scenario keys of the weights, in axis order."""

TERM_NAMES = (
    "switch",
    "reversal",
    "security",
    "reaction",
    "depletion",
    "risk",
    "economy",
    "war",
    "alliance",
    "domestic",
    "reputation",
    "game",
)
"""Every term ``Wargame.explain`` may report, in the order it reports them."""
