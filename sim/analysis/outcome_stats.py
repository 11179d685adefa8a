"""Aggregates of the outcomes table (one row per run), asked where the table lies.

The summary of a 1,000,000-run ensemble needs a few hundred numbers — counts of crossings,
quantiles of peak escalation, territory and reversals — not the 234 columns × a million rows
that pandas would hold (1.9 GB). :class:`ArmOutcomes` asks DuckDB for all of them in one scan
per arm (:mod:`sim.analysis.query`).
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any

from sim.analysis.query import Query, _ident, _literal, clean


class ArmOutcomes:
    """The rows of one arm of the outcomes table (all rows for ``arm=None``)."""

    def __init__(self, query: Query, arm: str | None = None):
        self.query = query
        self.arm = arm
        self.where = f"CAST(arm AS VARCHAR) = {_literal(arm)}" if arm is not None else "TRUE"

    @cached_property
    def columns(self) -> list[str]:
        return self.query.columns("outcomes")

    def __contains__(self, column: str) -> bool:
        return column in self.columns

    @cached_property
    def n(self) -> int:
        """How many runs the arm has."""
        return int(self.stats({"n": "count(*)"})["n"])

    def stats(self, exprs: dict[str, str]) -> dict[str, Any]:
        """The value of each aggregate SQL expression over the arm's rows, in one scan.

        Missing values come back as NaN.
        """
        if not exprs:
            return {}
        names = list(exprs)
        select = ", ".join(f"{e} AS _{i}" for i, e in enumerate(exprs.values()))
        row = self.query.run(f"SELECT {select} FROM outcomes WHERE {self.where}")[0]
        return {name: _value(v) for name, v in zip(names, row, strict=True)}

    def bands(
        self, columns: list[str], level: float = 0.90
    ) -> dict[str, tuple[float, float, float]]:
        """Median and the central ``level`` band of each column, NaNs left out (as
        :func:`sim.analysis.estimands.band`)."""
        tail = (1.0 - level) / 2.0
        qs = f"[{tail!r}, 0.5, {1.0 - tail!r}]"
        found = self.stats({c: f"quantile_cont({clean(_ident(c))}, {qs})" for c in columns})
        out = {}
        for c, v in found.items():
            lo, med, hi = v if isinstance(v, list) else (math.nan,) * 3
            out[c] = (_value(med), _value(lo), _value(hi))
        return out

    def medians(self, columns: list[str]) -> dict[str, float]:
        """The median of each column, NaNs left out."""
        return self.stats({c: f"quantile_cont({clean(_ident(c))}, 0.5)" for c in columns})


def flag(column: str, columns: list[str]) -> str:
    """A boolean outcome as SQL: missing (no such column, or NaN) is false."""
    if column not in columns:
        return "FALSE"
    return f"coalesce(CAST({_ident(column)} AS BOOLEAN), FALSE)"


def _value(v: Any) -> Any:
    if v is None:
        return math.nan
    if isinstance(v, list):
        return [_value(x) for x in v]
    return v
