"""What a figure or a report reads: tables from a ``Results`` or from a plain mapping.

Plots and the report accept either a :class:`sim.experiments.Results` (tables loaded lazily
from a results folder) or a mapping of table name → DataFrame (what ``sim.model.simulate``
returns, or what a test builds). :func:`as_source` wraps both behind one small interface so
that every figure asks the same questions: *is this table here?*, *what is the scenario?*,
*which date is step t?*
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.tables import TIME_TABLES

READ_COLUMNS = {"dyads": ("run", "step", "date", "actor", "target", "escalation")}
"""Columns the figures read of a table in a results folder, when far fewer than it holds: the
dyads table of a 10,000-run flagship reads in 0.2 s instead of 1.8 s without its belief and
hostility columns."""

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
    _tables: dict = field(default_factory=dict, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)
    _locks: dict = field(default_factory=dict, repr=False)
    _guard: Any = field(default_factory=threading.Lock, repr=False)

    def table(self, name: str) -> pd.DataFrame | None:
        """The table ``name`` (read once), or ``None`` when the result has none or it is empty."""
        if name not in self._tables:
            if isinstance(self.obj, Mapping):
                df = self.obj.get(name)
            elif name in READ_COLUMNS and getattr(self.obj, "path", None) is not None:
                df = self._read(name, READ_COLUMNS[name])
            else:
                df = getattr(self.obj, name, None)
            self._tables[name] = df if isinstance(df, pd.DataFrame) and not df.empty else None
        return self._tables[name]

    def _read(self, name: str, columns: tuple[str, ...]) -> pd.DataFrame | None:
        """Only ``columns`` (and ``arm``) of a table in a results folder."""
        try:
            dataset = self.obj.dataset(name)
        except KeyError:  # the folder has no such table
            return None
        present = [c for c in (*columns, "arm") if c in dataset.schema.names]
        return dataset.to_table(columns=present).to_pandas()

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per source (paths several figures and the stories share).

        Safe from two threads (the figures' data is asked ahead while they are drawn,
        :func:`sim.analysis.plots.prefetch`): a thread asking for a value another is computing
        waits for it rather than computing it again.
        """
        if key in self._memo:
            return self._memo[key]
        with self._guard:
            lock = self._locks.setdefault(key, threading.RLock())
        with lock:
            if key not in self._memo:
                self._memo[key] = compute()
        return self._memo[key]

    @property
    def on_disk(self) -> bool:
        """Whether the tables are in a results folder (read through the query layer only)."""
        return not isinstance(self.obj, Mapping) and getattr(self.obj, "path", None) is not None

    @property
    def query(self) -> Any:
        """The :class:`~sim.analysis.query.Query` over the tables (one per source)."""
        from sim.analysis.query import Query

        return self.memo("query", lambda: Query(self.obj))

    def has(self, name: str) -> bool:
        """Whether the table ``name`` exists and has rows (a folder's is not read for it)."""
        if name in self._tables or not self.on_disk:
            return self.table(name) is not None
        return self.query.has(name)

    def frame(self, name: str, columns: list[str]) -> pd.DataFrame | None:
        """Only ``columns`` (those present, with ``arm``) of a table, or ``None`` without it:
        the red-line figures read 21 of the outcomes' 234 columns."""
        if name in self._tables or not self.on_disk:
            df = self.table(name)
            return None if df is None else df[[c for c in df.columns if c in columns or c == "arm"]]
        if not self.has(name):
            return None
        present = [c for c in self.columns(name) if c in columns or c == "arm"]
        return self.memo(f"frame:{name}:{present}", lambda: self.query.rows(name, columns=present))

    def columns(self, name: str) -> list[str]:
        """The columns of the table ``name`` (empty when there is none)."""
        if name in self._tables or not self.on_disk:
            df = self.table(name)
            return [] if df is None else [str(c) for c in df.columns]
        return self.query.columns(name) if self.query.has(name) else []

    def extra(self, name: str) -> Any:
        """A non-table part of the result (``counterfactual``, ``sensitivity``), or ``None``.

        A ``Comparison`` has a ``counterfactual`` table and a ``SensitivityResult`` a
        ``sensitivity`` table; a mapping may carry either under that key.
        """
        if isinstance(self.obj, Mapping):
            return self.obj.get(name)
        return getattr(self.obj, name, None)

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
            if self.has(name):
                return int(self.query.scalar(f"SELECT max(step) FROM {name}"))
        return None

    def dates(self, steps: np.ndarray) -> np.ndarray:
        """The calendar date of each step (``datetime64[ns]``), or the steps when none is known.

        Dates come from a loaded time table when there is one (they are the model's own), else
        from the scenario's ``time.start`` and ``time.step``.
        """
        steps = np.asarray(steps)
        loaded = [n for n in TIME_TABLES if self._tables.get(n) is not None]
        if self.scenario is None:  # no calendar at hand: ask a time table for its dates
            loaded += [n for n in TIME_TABLES if n not in loaded and self.has(n)]
        for name in loaded:
            if "date" not in self.columns(name):
                continue
            known = self.memo(f"dates:{name}", lambda name=name: self.query.step_dates(name))
            if np.isin(steps, known.index.to_numpy()).all():
                return known.loc[steps].to_numpy()
        if self.scenario is not None:
            start = pd.Timestamp(self.scenario.time.start)
            offset = _STEP_OFFSETS[self.scenario.time.step]
            return np.array(
                [(start + offset(int(s))).to_datetime64() for s in steps], dtype="datetime64[ns]"
            )
        return steps

    @property
    def title(self) -> str:
        """The scenario's title, or its id, or a neutral name."""
        if self.scenario is not None:
            return str(self.scenario.title or self.scenario.id)
        return str(self.manifest.get("scenario_id", self.manifest.get("scenario", "results")))


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
