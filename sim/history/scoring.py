"""Proper scoring rules: Brier and log score for events, CRPS for quantities, band coverage.

Scores are negatively oriented (lower is better). The rules come from ``scoringrules`` (a
maintained library of proper scoring rules); this module fixes the conventions around them:

- an event's forecast is the ensemble's probability ``p`` that the observed outcome happens
  (every observation states what did happen, so the outcome is 1);
- the log score clips ``p`` to ``[ε, 1 − ε]`` with ``ε = 1 / (2(n + 1))`` for an ensemble of
  ``n`` runs, so that an outcome no run produced costs ``log(2(n + 1))``, not infinity — the
  same clip for the model and for the naive forecasts;
- CRPS is that of the ensemble's empirical distribution (``E|X − y| − ½E|X − X'|``) against
  the observed point (an interval's midpoint);
- a skill score is ``1 − score / reference`` (1 perfect, 0 no better than the reference,
  negative worse); it is undefined (NaN) when the reference scores 0.
"""

from __future__ import annotations

import warnings

import numpy as np

RULES = ("brier", "log", "crps")


def clip_eps(n: int) -> float:
    """The probability floor of an ensemble of ``n`` runs: ``1 / (2(n + 1))``."""
    return 1.0 / (2.0 * (n + 1))


def brier(p: float, outcome: int = 1) -> float:
    """Brier score ``(p − o)²`` of probability ``p`` for a binary outcome ``o``."""
    import scoringrules as sr

    return float(sr.brier_score(outcome, p))


def log_score(p: float, outcome: int = 1, n: int | None = None) -> float:
    """Log score ``−log p`` (``−log(1 − p)`` when ``o = 0``), ``p`` clipped for ``n`` runs."""
    import scoringrules as sr

    if n is not None:
        eps = clip_eps(n)
        p = min(max(p, eps), 1.0 - eps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # log(0) → inf, kept
        return float(sr.log_score(outcome, p))


def crps(samples: np.ndarray, observed: float) -> float:
    """CRPS of the empirical distribution of ``samples`` at ``observed``."""
    import scoringrules as sr

    x = np.asarray(samples, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return float("nan")
    return float(sr.crps_ensemble(observed, x))


def bands(samples: np.ndarray) -> dict[str, float]:
    """The central 50 % and 90 % bands and the median of ``samples``."""
    x = np.asarray(samples, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {k: float("nan") for k in ("q05", "q25", "q50", "q75", "q95")}
    q = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95])
    return dict(zip(("q05", "q25", "q50", "q75", "q95"), (float(v) for v in q), strict=True))


def covered(samples: np.ndarray, observed: float, level: float) -> bool:
    """Whether ``observed`` lies in the central ``level`` band of ``samples`` (ends included)."""
    x = np.asarray(samples, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return False
    lo, hi = np.quantile(x, [(1 - level) / 2, (1 + level) / 2])
    return bool(lo <= observed <= hi)


def skill(score: float, reference: float) -> float:
    """``1 − score / reference``; NaN when the reference is 0 or either is missing."""
    if not (np.isfinite(score) and np.isfinite(reference)) or reference == 0:
        return float("nan")
    return 1.0 - score / reference
