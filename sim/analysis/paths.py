"""A tidy time table as paths: one steps × runs array per entity (and arm).

Fan charts, rung shares and the representative run all need, per entity, the value of every
run at every step. A 10,000-run flagship has tables of several million rows, so nothing here
sorts or groups with pandas: id columns become integer codes (categories are codes already),
steps and runs are indexed through lookup tables, and one scatter fills a groups × steps × runs
cube. Everything is linear in the number of rows.

Which dyads' paths come first — those the scenario's red lines are about
(:func:`red_line_dyads`) — is here too, for the figures, the summary and the stories alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from sim.scenario import conditions
from sim.scenario.schema import dyad_key

_LUT_LIMIT = 50_000_000
"""Largest id for which a lookup table (instead of a sort) indexes steps and runs."""


def _index(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(uniques, inverse)`` of non-negative integers, in linear time when they are small."""
    v = np.asarray(values)
    if v.size and np.issubdtype(v.dtype, np.integer) and v.min() >= 0 and v.max() < _LUT_LIMIT:
        present = np.flatnonzero(np.bincount(v))
        lut = np.empty(int(v.max()) + 1, dtype=np.int64)
        lut[present] = np.arange(present.size)
        return present.astype(v.dtype), lut[v]
    uniques, inverse = np.unique(v, return_inverse=True)
    return uniques, inverse


def _codes(col: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (``-1`` for missing) and the value of each code."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(dtype=np.int64), [str(c) for c in col.cat.categories]
    codes, uniques = pd.factorize(col, sort=True)
    return codes.astype(np.int64), [str(u) if isinstance(u, str) else u for u in uniques]


@dataclass(frozen=True)
class Paths:
    """Rows of a time table indexed by group, step and run.

    Attributes:
        steps: The steps (rows of every array), sorted.
        runs: The run ids (columns of every array), sorted.
        keys: The groups present, as tuples of the ``by`` values, in code order.
        group_index: Group of every table row (``-1`` for a row with a missing id).
        step_index: Row of every table row.
        run_index: Column of every table row.
    """

    steps: np.ndarray
    runs: np.ndarray
    keys: list[tuple]
    group_index: np.ndarray
    step_index: np.ndarray
    run_index: np.ndarray

    @cached_property
    def groups(self) -> dict[tuple, int]:
        """Group key → group number."""
        return {k: g for g, k in enumerate(self.keys)}

    def arrays(self, values: np.ndarray) -> dict[tuple, np.ndarray]:
        """Every group's steps × runs array of ``values`` (a table column), in one scatter.

        Cells a group does not have (a run of another arm) are NaN.
        """
        cube = np.full((len(self.keys), self.steps.size, self.runs.size), np.nan)
        ok = self.group_index >= 0
        v = np.asarray(values, dtype=float)
        if ok.all():
            cube[self.group_index, self.step_index, self.run_index] = v
        else:
            cube[self.group_index[ok], self.step_index[ok], self.run_index[ok]] = v[ok]
        return {k: cube[g] for g, k in enumerate(self.keys)}

    def array(self, values: np.ndarray, key: tuple) -> np.ndarray:
        """One group's steps × runs array of ``values``."""
        pos = self.positions(key)
        out = np.full((self.steps.size, self.runs.size), np.nan)
        out[self.step_index[pos], self.run_index[pos]] = np.asarray(values, dtype=float)[pos]
        return out

    def positions(self, key: tuple) -> np.ndarray:
        """Positions in the table of the rows of group ``key``."""
        return np.flatnonzero(self.group_index == self.groups[key])


def paths(df: pd.DataFrame, by: list[str]) -> Paths:
    """Index ``df`` (with ``run`` and ``step`` columns) for per-group steps × runs arrays.

    Args:
        df: A tidy time table.
        by: Columns that name a group (e.g. ``["actor", "target"]``, plus ``"arm"``); empty for
            a single group keyed ``()``.
    """
    steps, step_index = _index(df["step"].to_numpy())
    runs, run_index = _index(df["run"].to_numpy())
    if not by:
        return Paths(steps, runs, [()], np.zeros(len(df), dtype=np.int64), step_index, run_index)
    columns = [_codes(df[c]) for c in by]
    sizes = [max(len(values), 1) for _, values in columns]
    combined = np.zeros(len(df), dtype=np.int64)
    missing = np.zeros(len(df), dtype=bool)
    for (codes, _), size in zip(columns, sizes, strict=True):
        missing |= codes < 0
        combined = combined * size + np.maximum(codes, 0)
    if not missing.any():
        present, group_index = _index(combined)
    else:  # rows with a missing id belong to no group
        present = np.unique(combined[~missing])
        group_index = np.where(missing, -1, np.searchsorted(present, combined))
    keys = []
    for code in present:
        parts = np.unravel_index(int(code), sizes)
        keys.append(tuple(values[i] for (_, values), i in zip(columns, parts, strict=True)))
    return Paths(steps, runs, keys, group_index, step_index, run_index)


def equals(col: pd.Series, value: str) -> np.ndarray:
    """``col == value`` as a boolean array, on the codes when ``col`` is categorical.

    Comparing a categorical column of millions of rows through ``astype(str)`` costs a second;
    through its codes, milliseconds.
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in col.cat.categories]
        if value not in cats:
            return np.zeros(len(col), dtype=bool)
        return col.cat.codes.to_numpy() == cats.index(value)
    return col.to_numpy() == value


def arms_of(df: pd.DataFrame) -> list[str]:
    """The arms in a table, in their categorical (or first-seen) order; ``[]`` without arms."""
    if "arm" not in df:
        return []
    col = df["arm"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.unique())
        return [str(a) for a in col.cat.categories if a in present]
    return [str(a) for a in pd.unique(col)]


def red_line_dyads(scenario: Any) -> list[str]:
    """Dyads the scenario's red lines are about (owner and watched actor), in document order."""
    out: list[str] = []
    for rl in getattr(scenario, "red_lines", {}).values():
        for _, leaf in conditions.leaves(rl.watch, ()):
            key = dyad_key(rl.owner, conditions.leaf_channel(leaf).split(".", 1)[0])
            if key not in out:
                out.append(key)
    return out
