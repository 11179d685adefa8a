"""Reaction: the rung a utility actor would answer with, and how far each rung is from it.

Richardson's (1960) reaction function made a term of expected utility: actor i's ideal
hostility on a channel rises with the hostility it answers, ``ê = e₀ + r(b)·(s − s₀)`` (e₀ the
initial rung's hostility, s₀ the initial stimulus: the status quo is a rest point, see
:func:`ideal`), and rungs are scored by ``−REACT·w·((e(a) − ê)/10)²``. A quadratic peaks at
ê, so the hostility received changes *which* rung is best, not only every rung's level — the
flaw of a linear opponent model (model.md §5, known flaw). Reciprocity in event data is the
evidence for r ≈ 1: states answer hostility with hostility and cooperation with cooperation in
proportion (Goldstein & Pevehouse 1997; Goldstein et al. 2001).

The slope depends on what i believes of the actor it answers (Jervis 1976): a deterrence-model
believer (b = P(expansionist) → 1) matches or tops the threat (``R_DETER`` > 1), a spiral-model
believer holds back (``R_SPIRAL`` < 1)::

    r(b) = (1 − b)·R_SPIRAL + b·R_DETER

What s is depends on the ladder's ``reaction`` (scenario language):

- ``retaliate`` (responses): the hostility i perceives from the channel's target;
- ``balance`` (help to a partner p): two stimuli, each with its own rest point — the
  hostility i perceives from p's adversaries (arming the enemy of one's enemy: Seoul arms
  Ukraine when Moscow arms Pyongyang), weighed by i's security weight; and the help others
  give p's adversaries, felt at p's share (balancing, Walt 1987: North Korean shells for
  Russia raise the value of shells for Ukraine to Ukraine's suppliers), weighed by i's stake
  in p's war (the ``war`` weight);
- ``none``: no reaction term.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..felt import reaction_kind

REACT = 10.0
"""Weight (× the security weight) of the squared distance to the ideal hostility."""
R_SPIRAL = 0.7
"""Reaction slope of an actor sure its opponent is insecure (spiral model: hold back)."""
R_DETER = 1.2
"""Reaction slope of an actor sure its opponent is expansionist (deterrence: match or top)."""


@dataclass
class Sources:
    """What one channel's reaction answers.

    Attributes:
        kind: ``retaliate``, ``balance`` or ``none``.
        actors: actors whose perceived hostility toward the owner is a stimulus.
        help: (channel, felt share, belief actor) of others' help to the recipient's
            adversaries, as the owner perceives it.
    """

    kind: str
    actors: list[int] = field(default_factory=list)
    help: list[tuple[int, float, int]] = field(default_factory=list)


def sources(ly: Any, c: int) -> Sources:
    """The stimuli of channel ``c`` (see the module docstring)."""
    spec = ly.channels[c]
    kind = reaction_kind(ly, spec)
    i, p = spec.owner, spec.target
    if kind == "retaliate":
        return Sources(kind, [p])
    if kind == "none":
        return Sources(kind)
    enemies = [int(j) for j in np.nonzero(ly.adversary[p])[0] if j != i]
    help_ = [
        (k.index, float(ly.felt_weight[k.index, p]), k.target)
        for k in ly.channels
        if k.owner not in (i, p)
        and k.felt_by_adversaries
        and ly.adversary[p, k.target]
        and not ly.adversary[k.owner, k.target]
        and not k.continuous
    ]
    return Sources(kind, enemies, help_)


def pairs(ly: Any, c: int, src: Sources) -> list[tuple[int, int]]:
    """Perception pairs (observer, channel) the stimulus of ``c`` reads."""
    return [(ly.channels[c].owner, k) for k, _, _ in src.help]


def stimulus(
    model: Any, i: int, src: Sources, hostility: np.ndarray, pe: np.ndarray
) -> tuple[np.ndarray, ...]:
    """(s_threat, b_threat, s_help, b_help): what channel's owner i answers, source by source.

    ``hostility`` (R, A, A) and ``pe`` (R, P) are the perceived hostilities and pair hostilities
    read: the model's current ones, or those of the initial rungs for the rest point.

    ``s_threat`` (n, R): the hostility i perceives from each actor of ``src.actors``;
    ``s_help`` (m, R): each help channel to the recipient's adversaries, as i sees it, at the
    recipient's felt share. Each comes with i's belief P(expansionist) about the actor behind
    it. Sources are answered one by one (their terms add up), so a change of one source moves
    the ideal whatever the others do — a max over sources would hide all but the largest.
    """
    s_t = np.stack([hostility[:, i, j] for j in src.actors]) if src.actors else None
    b_t = np.stack([model.minds.belief[:, i, j] for j in src.actors]) if src.actors else None
    s_h = b_h = None
    if src.help:
        index = model.perception.index
        s_h = np.stack([pe[:, index[(i, k)]] * share for k, share, _ in src.help])
        b_h = np.stack([model.minds.belief[:, i, who] for _, _, who in src.help])
    return s_t, b_t, s_h, b_h


def ideal(e0: np.ndarray, s: np.ndarray, s0: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ê = e₀ + r(b)·(s − s₀) on the 0–10 scale.

    Richardson's grievance term g is calibrated so that the scenario's initial rungs are a rest
    point: at the initial stimulus s₀ the ideal is the initial rung's hostility e₀ (the status
    quo the scenario documents), and the actor reacts to departures from it — as reciprocity is
    measured in event data, changes answering changes (Goldstein & Pevehouse 1997).
    """
    return np.clip(e0 + ((1.0 - b) * R_SPIRAL + b * R_DETER) * (s - s0), 0.0, 10.0)


def term(
    e_rungs: np.ndarray, e0: np.ndarray, s: np.ndarray, s0: np.ndarray, b: np.ndarray, w: np.ndarray
) -> np.ndarray:
    """(K, R) ``−REACT·w·mean_n((e(a) − ê_n)/10)²`` over the n sources (s, s0, b: (n, R)).

    e_rungs is (K, 1) or (K, R); w (R,) the weight of this group of sources.
    """
    out = None
    for n in range(s.shape[0]):
        d = (e_rungs - ideal(e0, s[n], s0[n], b[n])) / 10.0
        out = d * d if out is None else out + d * d
    return out * (-REACT * w / s.shape[0])
