"""Sensitivity analysis proper: which methods and design sizes are allowed, and SALib's indices.

:mod:`sim.experiments.sensitivity` orchestrates (factors, the design as ensemble arms, the
results folder); :mod:`sim.experiments.design` makes the design; this module checks a method
and a size, and turns a design and its outputs into Morris or Sobol indices with bootstrap
intervals, one table for every target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.tables import INDICES

from .design import LEVELS, problem_of
from .errors import ExperimentError

METHODS = ("morris", "sobol")
MIN_SAMPLES = {"morris": 4, "sobol": 16}
"""Fewest trajectories (Morris) or base samples (Sobol) that give usable intervals."""
DEFAULT_SAMPLES = {"morris": 20, "sobol": 256}
RESAMPLES = 1000
"""Bootstrap resamples behind SALib's confidence intervals."""


def check_method(method: str) -> None:
    """Refuse a method other than Morris and Sobol."""
    if method not in METHODS:
        raise ExperimentError(f"--method: expected one of {', '.join(METHODS)}, got {method!r}")


MAX_SAMPLES = 2**14
"""Most Morris trajectories or Sobol base samples (the design is built in memory)."""


def check_samples(method: str, samples: int) -> None:
    """Refuse a design too small for ``method`` (or a Sobol size that is not a power of 2)."""
    check_method(method)
    low = MIN_SAMPLES[method]
    unit = "trajectories" if method == "morris" else "base samples"
    if samples < low:
        raise ExperimentError(
            f"--samples {samples}: too small for {method}; give at least {low} {unit}"
            f" (e.g. --samples {DEFAULT_SAMPLES[method]})"
        )
    if samples > MAX_SAMPLES:  # the design is made in memory before any run
        raise ExperimentError(f"--samples {samples}: at most {MAX_SAMPLES:,} {unit}")
    if method == "sobol" and samples & (samples - 1):
        up = 1 << (samples - 1).bit_length()
        raise ExperimentError(
            f"--samples {samples}: Sobol sampling needs a power of two (e.g. {up // 2} or {up})"
        )


def analyze(
    method: str,
    names: Sequence[str],
    x: np.ndarray,
    ys: Mapping[str, np.ndarray],
    seed: int,
    levels: int = LEVELS,
) -> pd.DataFrame:
    """Indices with 95 % confidence intervals per target, most influential factor first.

    Args:
        method: ``morris`` or ``sobol``.
        names: The factor names (columns of ``x``).
        x: The unit-cube design :func:`design` returned.
        ys: Target → outputs, one per design point (in design order).
        seed: Seed of the bootstrap.
        levels: The Morris grid levels of the design.

    Returns:
        Morris: ``target, factor, mu_star, mu_star_conf, mu, sigma, rank``; Sobol: ``target,
        factor, ST, ST_conf, S1, S1_conf, rank``. A constant target (no variance) gets NaN
        indices and no rank: nothing moves it.
    """
    problem = problem_of(names)
    frames = []
    for target, y in ys.items():
        y = np.asarray(y, dtype=float)
        if y.shape[0] != x.shape[0]:
            raise ValueError(f"{target}: {y.shape[0]} outputs for {x.shape[0]} design points")
        constant = not np.isfinite(y).all() or float(np.nanstd(y)) == 0.0
        cols = INDICES[method]
        if constant:
            res = {c: np.full(len(names), np.nan) for c in cols.columns}
        else:
            res = _salib_analyze(method, problem, x, y, seed, levels)
        key = cols.main
        df = pd.DataFrame({"target": target, "factor": list(names)})
        for c in cols.columns:
            df[c] = np.asarray(np.ma.filled(np.ma.asarray(res[c], dtype=float), np.nan))
        df = df.sort_values(key, ascending=False, na_position="last", kind="stable")
        df["rank"] = np.where(df[key].notna(), np.arange(1, len(df) + 1), np.nan)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _salib_analyze(
    method: str, problem: dict[str, Any], x: np.ndarray, y: np.ndarray, seed: int, levels: int
) -> Mapping[str, Any]:
    """SALib's indices of one target, with bootstrap 95 % confidence intervals."""
    if method == "morris":
        from SALib.analyze import morris

        return morris.analyze(
            problem,
            x,
            y,
            num_resamples=RESAMPLES,
            conf_level=0.95,
            num_levels=levels,
            seed=seed,
        )
    from SALib.analyze import sobol

    return sobol.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=RESAMPLES,
        conf_level=0.95,
        seed=seed,
    )


__all__ = [
    "DEFAULT_SAMPLES",
    "MAX_SAMPLES",
    "METHODS",
    "MIN_SAMPLES",
    "RESAMPLES",
    "analyze",
    "check_method",
    "check_samples",
]
