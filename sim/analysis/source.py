"""What a figure or a report reads: tables from a ``Results`` or from a plain mapping.

Plots and the report accept either a :class:`sim.experiments.Results` (tables loaded lazily
from a results folder) or a mapping of table name → DataFrame (what ``sim.model.simulate``
returns, or what a test builds). :func:`as_source` wraps both behind one small interface so
that every figure asks the same questions: *is this table here?*, *what is the scenario?*,
*which date is step t?*
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

TIME_TABLES = ("actors", "stocks", "channels", "dyads", "fronts")
TABLES = (*TIME_TABLES, "events", "params", "outcomes")

_STEP_OFFSETS = {
    "day": lambda n: pd.DateOffset(days=n),
    "week": lambda n: pd.DateOffset(weeks=n),
    "month": lambda n: pd.DateOffset(months=n),
    "year": lambda n: pd.DateOffset(years=n),
}


@dataclass
class Source:
    """The tables, scenario, manifest and extras (counterfactual, sensitivity) of one result.

    Attributes:
        obj: The wrapped ``Results`` or mapping.
        scenario: The resolved ``Scenario`` when known (titles, ladders, time unit).
        manifest: The results folder's manifest (empty when there is none).
    """

    obj: Any
    scenario: Any = None
    manifest: dict = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False)

    def table(self, name: str) -> pd.DataFrame | None:
        """The table ``name``, or ``None`` when the result has none (or an empty one)."""
        if name in self._cache:
            return self._cache[name]
        if isinstance(self.obj, Mapping):
            df = self.obj.get(name)
        else:
            try:
                df = getattr(self.obj, name, None)
            except (FileNotFoundError, KeyError, LookupError):
                df = None
        if callable(df) and not isinstance(df, pd.DataFrame):
            df = df()
        if df is not None and not isinstance(df, pd.DataFrame):
            df = pd.DataFrame(df)
        if df is not None and df.empty:
            df = None
        self._cache[name] = df
        return df

    def has(self, name: str) -> bool:
        """Whether the table ``name`` exists and has rows."""
        return self.table(name) is not None

    def extra(self, name: str) -> Any:
        """A non-table part of the result (``counterfactual``, ``sensitivity``), or ``None``."""
        if isinstance(self.obj, Mapping):
            return self.obj.get(name)
        try:
            value = getattr(self.obj, name, None)
        except (FileNotFoundError, KeyError, LookupError):
            return None
        return None if callable(value) and not isinstance(value, pd.DataFrame) else value

    def summary(self) -> Any:
        """The result's :class:`~sim.analysis.estimands.Summary` (computed once)."""
        if "_summary" not in self._cache:
            if not isinstance(self.obj, Mapping) and hasattr(self.obj, "summary"):
                self._cache["_summary"] = self.obj.summary()
            else:
                from sim.analysis.estimands import summarize

                self._cache["_summary"] = summarize(self.obj)
        return self._cache["_summary"]

    # --- time ---------------------------------------------------------------------------------

    @property
    def step_unit(self) -> str:
        """The length of one step (``month``...), for axis labels such as "rounds per month"."""
        if self.scenario is not None:
            return str(self.scenario.time.step)
        return "step"

    @property
    def horizon(self) -> int | None:
        """The last step, from the scenario or else from the tables."""
        if self.scenario is not None:
            return int(self.scenario.time.horizon)
        for name in TIME_TABLES:
            df = self.table(name)
            if df is not None:
                return int(df["step"].max())
        return None

    def dates(self, steps: np.ndarray) -> np.ndarray:
        """The calendar date of each step (``datetime64[ns]``), or the steps when none is known.

        Dates come from a loaded time table when there is one (they are the model's own), else
        from the scenario's ``time.start`` and ``time.step``.
        """
        steps = np.asarray(steps)
        for name in TIME_TABLES:
            df = self._cache.get(name)
            if df is not None and "date" in df:
                known = step_dates(df)
                if np.isin(steps, known.index.to_numpy()).all():
                    return known.loc[steps].to_numpy()
        if self.scenario is not None:
            start = pd.Timestamp(self.scenario.time.start)
            offset = _STEP_OFFSETS[self.scenario.time.step]
            return np.array(
                [(start + offset(int(s))).to_datetime64() for s in steps], dtype="datetime64[ns]"
            )
        for name in TIME_TABLES:
            df = self.table(name)
            if df is not None and "date" in df:
                known = step_dates(df)
                if np.isin(steps, known.index.to_numpy()).all():
                    return known.loc[steps].to_numpy()
        return steps

    @property
    def title(self) -> str:
        """The scenario's title, or its id, or a neutral name."""
        if self.scenario is not None:
            return str(self.scenario.title or self.scenario.id)
        return str(self.manifest.get("scenario_id", self.manifest.get("scenario", "results")))


def step_dates(df: pd.DataFrame) -> pd.Series:
    """Date of each step in a time table, indexed by step."""
    steps = df["step"].to_numpy()
    uniq, first = np.unique(steps, return_index=True)
    return pd.Series(df["date"].to_numpy()[first], index=uniq)


def as_source(obj: Any) -> Source:
    """Wrap a ``Results``, a mapping of tables or an existing :class:`Source`."""
    if isinstance(obj, Source):
        return obj
    if isinstance(obj, pd.DataFrame):
        raise TypeError(
            "pass a Results or a mapping of table name to DataFrame, e.g. {'dyads': df}"
        )
    if isinstance(obj, Mapping):
        scenario = obj.get("scenario")
        manifest = obj.get("manifest") or {}
    else:
        scenario = getattr(obj, "scenario", None)
        manifest = getattr(obj, "manifest", None) or {}
    return Source(obj=obj, scenario=scenario, manifest=dict(manifest))
