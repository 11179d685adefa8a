"""The design of a sensitivity analysis: SALib's points in the unit cube, as quantiles, in
groups (a Morris trajectory, a Saltelli group) whose points are run as arms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

LEVELS = 4
"""Morris grid levels (the usual p = 4)."""


def problem_of(names: Sequence[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def design(
    method: str, names: Sequence[str], samples: int, seed: int, levels: int = LEVELS
) -> np.ndarray:
    """The SALib design in the unit cube, shape (points, factors).

    Morris: ``samples`` trajectories of ``k + 1`` points on a ``levels`` grid. Sobol:
    Saltelli's ``samples·(k + 2)`` points (first and total order).
    """
    problem = problem_of(names)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, samples, num_levels=levels, seed=seed)
    from SALib.sample import sobol

    return sobol.sample(problem, samples, calc_second_order=False, seed=seed)


def to_quantiles(method: str, x: np.ndarray, levels: int = LEVELS) -> np.ndarray:
    """The quantile at which each factor is taken at each design point (see module notes)."""
    if method == "morris":
        return (x * (levels - 1) + 0.5) / levels
    return np.clip(x, 1e-12, 1 - 1e-12)


def group_size(method: str, k: int) -> int:
    """Design points per group: a Morris trajectory (``k + 1``) or a Saltelli group (``k + 2``)."""
    return k + 1 if method == "morris" else k + 2


def point_arms(m: int) -> list[str]:
    """The arm of each point position of a group: ``p00``, ``p01``, ..."""
    return [f"p{q:02d}" for q in range(m)]
