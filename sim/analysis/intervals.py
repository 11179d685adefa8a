"""Intervals of the estimands: Wilson for a proportion, quantile bands, paired differences.

Split from :mod:`sim.analysis.estimands` (which re-exports them) so that the summary's
builders and the intervals each stay small:

- a probability carries a 95 % **Wilson** interval (Wilson 1927): unlike the normal
  approximation it stays inside [0, 1] and keeps its coverage when p is near 0 or 1, which is
  where red lines live;
- a distribution across runs is given as its median and 90 % band (5th–95th percentile);
- a counterfactual contrast is the **mean of paired differences** (the arms share their random
  numbers run by run), with its standard error and 95 % interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Z95 = 1.959963984540054
"""The two-sided 95 % standard-normal quantile."""

# --- intervals --------------------------------------------------------------------------------


def wilson(k: Any, n: Any, z: float = Z95) -> tuple[Any, Any, Any]:
    """The proportion ``k / n`` with its Wilson score interval.

    Args:
        k: Successes (a number or an array).
        n: Trials (same shape as ``k``, or a scalar); ``n = 0`` gives NaN.
        z: The normal quantile of the interval (1.96 for 95 %).

    Returns:
        ``(p, low, high)``, floats or arrays like ``k``.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2 = z * z
        denom = 1.0 + z2 / n
        center = (p + z2 / (2.0 * n)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
        low = np.clip(center - half, 0.0, 1.0)
        high = np.clip(center + half, 0.0, 1.0)
    # Exact ends: with no success the lower bound is 0, with all successes the upper bound is 1
    # (the formula gives them up to rounding).
    low = np.where(k == 0, 0.0, low)
    high = np.where(k == n, 1.0, high)
    if p.ndim == 0:
        return float(p), float(low), float(high)
    return p, low, high


@dataclass(frozen=True)
class PairedDifference:
    """Mean of paired differences ``a − b`` with its standard error and 95 % interval.

    With common random numbers the runs of two arms are pairs, so the variance of the
    difference excludes the noise both arms share: the interval is far narrower than the one of
    two independent means.
    """

    mean: float
    se: float
    low: float
    high: float
    n: int


def paired_difference(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, z: float = Z95
) -> PairedDifference:
    """The mean of ``a[r] − b[r]`` over runs ``r``, its standard error and 95 % interval.

    Pairs where either value is NaN (a measure undefined in that run) are left out. The
    interval is the normal one, ``mean ± z·se``; an ensemble has hundreds of runs or more.
    Identical arms give exactly 0 with a zero-width interval.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples differ in length: {a.shape} vs {b.shape}")
    d = a - b
    d = d[~np.isnan(d)]
    n = int(d.size)
    if n == 0:
        return PairedDifference(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(d.mean())
    se = float(d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return PairedDifference(mean, se, mean - z * se, mean + z * se, n)


def band(values: Sequence[float] | np.ndarray, level: float = 0.90) -> tuple[float, float, float]:
    """Median and the central ``level`` band (default 5th–95th percentile), NaNs left out."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return math.nan, math.nan, math.nan
    tail = (1.0 - level) / 2.0
    lo, med, hi = np.quantile(v, [tail, 0.5, 1.0 - tail])
    return float(med), float(lo), float(hi)
