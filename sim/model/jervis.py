"""Predicting the other side: Jervis's spiral and deterrence models, and learning which holds.

An agent i predicts j's hostility toward it after its own move as a mixture (model.md §5,
Jervis 1976)::

    spiral      ĥ_S = h̄ + K·(e − h̄)                  j reciprocates: moves toward i's hostility e
    deterrence  ĥ_D = h̄ + G − D·(e − ē)              firmness deters, weakness invites
    ĥ = (1 − b)·ĥ_S + b·ĥ_D,   clipped to [0, 10]

with h̄ the hostility i now perceives from j, e the hostility i would show j after the move,
ē the hostility i shows j now, and b = P(j is expansionist). After j moves, b is updated by
Bayes' rule on the hostility i then perceives, with Gaussian likelihoods around the two
predictions and a conservatism exponent ν ≤ 1 (Edwards 1968: people under-update)::

    b' = b·L_D^ν / (b·L_D^ν + (1 − b)·L_S^ν),   L_m = exp(−(h − ĥ_m)² / 2σ²)
"""

from __future__ import annotations

import numpy as np

SPIRAL_K = 0.5
"""K: share of the gap to i's hostility that an insecure j closes in a step."""
DETER_G = 0.5
"""G: hostility an expansionist j adds whatever i does (probing)."""
DETER_D = 0.5
"""D: hostility an expansionist j drops per unit of added firmness from i."""
SIGMA = 1.5
"""σ: spread (escalation units) of the likelihood of an observed hostility under each model."""
BELIEF_FLOOR = 1e-4
"""Beliefs are kept in [floor, 1 − floor] so that evidence can always move them back."""


def predict(hbar: np.ndarray, e_new: np.ndarray, e_now: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ĥ: the hostility i expects from j after a move that shows j hostility ``e_new``.

    Computed as ``α + β·e_new`` (the mixture is linear in e_new), so that only one multiply-add
    runs over the rungs when ``hbar``, ``e_now`` and ``b`` are per replication (R, 1).
    """
    slope = (1.0 - b) * SPIRAL_K - b * DETER_D
    level = hbar * (1.0 - (1.0 - b) * SPIRAL_K) + b * (DETER_G + DETER_D * e_now)
    return np.clip(level + slope * e_new, 0.0, 10.0)


def update(
    b: np.ndarray,
    h_prev: np.ndarray,
    h_obs: np.ndarray,
    e_shown: np.ndarray,
    e_before: np.ndarray,
    nu: np.ndarray,
) -> np.ndarray:
    """Posterior P(j expansionist) after seeing j's hostility go from ``h_prev`` to ``h_obs``.

    Args:
        b: prior, any shape.
        h_prev: hostility i perceived from j before j's move.
        h_obs: hostility i perceives from j now.
        e_shown: hostility i showed j when j moved.
        e_before: hostility i showed j the step before (ē for the deterrence model).
        nu: conservatism exponent ν in (0, 1].
    """
    mu_s = h_prev + SPIRAL_K * (e_shown - h_prev)
    mu_d = h_prev + DETER_G - DETER_D * (e_shown - e_before)
    # log-likelihood ratio D vs S, tempered by ν
    llr = nu * ((h_obs - mu_s) ** 2 - (h_obs - mu_d) ** 2) / (2.0 * SIGMA**2)
    logit = np.log(b) - np.log1p(-b) + llr
    post = 0.5 * (1.0 + np.tanh(0.5 * logit))
    return np.clip(post, BELIEF_FLOOR, 1.0 - BELIEF_FLOOR)
