"""A tidy time table as paths: one steps × runs array per entity (and arm).

Fan charts, rung shares and the representative run all need, per entity, the value of every
run at every step. Pivoting with pandas per entity is slow at 10,000 runs; here the run and
step axes are indexed once for the whole table and each group is one fancy-indexed write.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Paths:
    """Values of one or more entities on a shared steps × runs grid.

    Attributes:
        steps: The steps (rows), sorted.
        runs: The run ids (columns), sorted.
        groups: Group key → positions of its rows in the table.
        step_index: Row of every table row.
        run_index: Column of every table row.
    """

    steps: np.ndarray
    runs: np.ndarray
    groups: dict
    step_index: np.ndarray
    run_index: np.ndarray

    def array(self, values: np.ndarray, key: object) -> np.ndarray:
        """The steps × runs array of ``values`` (a table column) for the group ``key``.

        Cells the group does not have (a run of another arm) are NaN.
        """
        pos = self.groups[key]
        out = np.full((self.steps.size, self.runs.size), np.nan)
        out[self.step_index[pos], self.run_index[pos]] = np.asarray(values)[pos]
        return out

    def runs_of(self, key: object) -> np.ndarray:
        """The run ids the group ``key`` has."""
        return np.unique(self.runs[self.run_index[self.groups[key]]])


def paths(df: pd.DataFrame, by: list[str]) -> Paths:
    """Index ``df`` (with ``run`` and ``step`` columns) for per-group steps × runs arrays.

    Args:
        df: A tidy time table.
        by: Columns that name a group (e.g. ``["actor", "target"]``, plus ``"arm"``); empty for
            a single group keyed ``()``.
    """
    steps, step_index = np.unique(df["step"].to_numpy(), return_inverse=True)
    runs, run_index = np.unique(df["run"].to_numpy(), return_inverse=True)
    if by:
        grouped = df.groupby(by, observed=True, sort=True).indices
        groups = {(k if isinstance(k, tuple) else (k,)): v for k, v in grouped.items()}
    else:
        groups = {(): np.arange(len(df))}
    return Paths(steps, runs, groups, step_index, run_index)


def arms_of(df: pd.DataFrame) -> list[str]:
    """The arms in a table, in their categorical (or first-seen) order; ``[]`` without arms."""
    if "arm" not in df:
        return []
    col = df["arm"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.unique())
        return [str(a) for a in col.cat.categories if a in present]
    return [str(a) for a in pd.unique(col)]
