"""What a fan chart or a rung-share picture draws, without the runs behind it.

A fan of an entity over an ensemble is five quantiles per step, a few sample runs and the
range of its values; a rung picture is, per step, how many runs stand on each rung. Both are
the size of the answer (steps × a handful), whatever the number of runs, so the query layer
(:mod:`sim.analysis.query`) computes them where the tables are and the figures draw them.
:meth:`Fan.of` and :meth:`Shares.of` build the same from a steps × runs array held in memory
(a backtest's paths, a test's hand-made table).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""The quantiles of a fan: 90 % band, 50 % band, median."""


@dataclass(frozen=True)
class Fan:
    """One entity's values across runs, per step.

    Attributes:
        q: (5, steps) quantiles :data:`QUANTILES` across runs (NaN where no run has a value).
        sample_runs: Run ids of the sample runs, evenly spread over the runs with a value.
        samples: (steps, len(sample_runs)) their values.
        lo: Smallest value at any step of any run (NaN when there is none).
        hi: Largest value.
        nonzero: Whether any value is other than 0.
    """

    q: np.ndarray
    sample_runs: np.ndarray
    samples: np.ndarray
    lo: float
    hi: float
    nonzero: bool

    @property
    def median(self) -> np.ndarray:
        """The median across runs, per step."""
        return self.q[2]

    @classmethod
    def of(cls, values: np.ndarray, runs: np.ndarray | None = None, samples: int = 5) -> Fan:
        """The fan of a steps × runs array (NaN: a run without a value at that step)."""
        values = np.asarray(values, dtype=float)
        runs = np.arange(values.shape[1]) if runs is None else np.asarray(runs)
        missing = np.isnan(values)
        if missing.any():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN steps stay NaN
                q = np.nanquantile(values, QUANTILES, axis=1)
        else:  # the same numbers without NumPy's row-by-row NaN removal (a third of the time)
            q = np.quantile(values, QUANTILES, axis=1)
        present = np.flatnonzero(~missing.all(axis=0))
        cols = present[sample_positions(present.size, samples)]
        finite = values[~missing]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (np.nan, np.nan)
        return cls(q, runs[cols], values[:, cols], lo, hi, bool(np.nan_to_num(values).any()))


def sample_positions(count: int, n: int) -> np.ndarray:
    """Positions of ``n`` runs spread evenly over ``count`` runs in run order (deterministic)."""
    if n <= 0 or count <= 0:
        return np.array([], dtype=int)
    return np.unique(np.linspace(0, count - 1, min(n, count)).round().astype(int))


@dataclass(frozen=True)
class Shares:
    """How many runs stand on each rung of one channel, per step.

    Attributes:
        counts: (rungs, steps) runs on rung k at each step.
        n: (steps,) runs with a rung at each step.
        lo: Lowest rung seen at any step of any run (NaN when none).
        hi: Highest rung seen.
    """

    counts: np.ndarray
    n: np.ndarray
    lo: float
    hi: float

    def shares(self, count: int) -> np.ndarray:
        """(count, steps) share of runs on each of the first ``count`` rungs."""
        out = np.zeros((count, self.n.size))
        k = min(count, self.counts.shape[0])
        out[:k] = self.counts[:k]
        return out / np.maximum(self.n, 1)

    @classmethod
    def of(cls, values: np.ndarray) -> Shares:
        """The rung counts of a steps × runs array of rung indices."""
        values = np.asarray(values, dtype=float)
        ok = ~np.isnan(values)
        top = int(np.nanmax(values)) if ok.any() else -1
        counts = np.stack([(values == k).sum(axis=1) for k in range(max(top + 1, 0))] or [])
        counts = counts.reshape(max(top + 1, 0), values.shape[0])
        lo, hi = (float(np.nanmin(values)), float(top)) if ok.any() else (np.nan, np.nan)
        return cls(counts.astype(float), ok.sum(axis=1).astype(float), lo, hi)
