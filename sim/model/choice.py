"""Quantal response: the logit choice every stochastic discrete policy draws through.

``P(a) ∝ exp(λ·EU(a))`` over the allowed rungs (McKelvey & Palfrey 1995): λ = 0 picks uniformly,
λ → ∞ picks the best rung. A choice is one uniform per replication through the inverse CDF of
that distribution, so the same uniform picks the same or a neighbouring rung when utilities
change a little (common random numbers pair counterfactual arms closely).

Arrays are laid out rungs first, (K, R): reductions over a handful of rungs then run along
contiguous rows of R replications, which numpy does an order of magnitude faster than along a
short trailing axis.
"""

from __future__ import annotations

import numpy as np


def logit_probabilities(
    eu: np.ndarray, lam: np.ndarray, allowed: np.ndarray | None = None
) -> np.ndarray:
    """Choice probabilities of a logit quantal response.

    Args:
        eu: (K, R) expected utility of each rung in each replication.
        lam: (R,) precision λ ≥ 0.
        allowed: (K, R) bool, rungs that may be chosen (all if None); at least one per column.

    Returns:
        (K, R) probabilities, columns summing to 1, zero on rungs not allowed.
    """
    x = np.asarray(lam, float) * eu
    if allowed is not None:
        x = np.where(allowed, x, -np.inf)
    x = x - x.max(axis=0)
    w = np.exp(x)
    return w / w.sum(axis=0)


def quantal_choice(
    eu: np.ndarray, lam: np.ndarray, u: np.ndarray, allowed: np.ndarray | None = None
) -> np.ndarray:
    """Draw one rung per replication from the logit quantal response.

    The distribution of :func:`logit_probabilities`, sampled by inverse CDF on the unnormalised
    weights: rung k is picked when ``cdf[k-1] <= u·total < cdf[k]`` (rungs not allowed have
    zero width).

    Args:
        eu: (K, R) expected utilities.
        lam: (R,) precision λ.
        u: (R,) uniforms in [0, 1).
        allowed: (K, R) bool mask of choosable rungs.

    Returns:
        (R,) chosen rung indices (int).
    """
    x = np.multiply(np.asarray(lam, float), eu)
    if allowed is not None:
        x[~allowed] = -np.inf
    x -= x.max(axis=0)
    np.exp(x, out=x)
    for k in range(1, x.shape[0]):  # cumulative sum over rungs, row by row (fast for small K)
        x[k] += x[k - 1]
    k = (x <= u * x[-1]).sum(axis=0)
    return np.minimum(k, eu.shape[0] - 1)
