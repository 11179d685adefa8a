"""What an ensemble says about each observation: an outcome per run, and the naive forecasts.

For an event (a rung window, a rung reached, an alliance triggered, a red line crossed or
not) :func:`outcomes` gives a boolean per run: did the observed thing happen in that run. For a
quantity (territory, a gain, a stock's flow, approval) it gives the value per run. Both are
read from the ensemble's tables (``docs/contracts.md``), never from the model's internals.

:func:`persistence` gives the same for the naive forecast "everything stays as at step 0":
channels at their step-0 rungs, no alliance triggered or red line crossed after step 0, the
front moving each step as it did in the first step, approval and flows as at the start.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.outcomes import column
from sim.scenario.history import (
    AllianceObs,
    ApprovalObs,
    GainedObs,
    ReachedObs,
    RedLineObs,
    RungsObs,
    StockObs,
    TerritoryObs,
    observation_steps,
)


class Ensemble:
    """(runs × steps) arrays of an ensemble's tables, built on demand.

    Each array is asked of the query layer (:class:`sim.analysis.query.Query`): the rows of one
    entity and the columns it needs, filtered where the Parquet files lie, so that memory
    follows the arrays asked for — runs × steps per observed entity — not the size of the
    tables (a 100,000-run channels table is 10 million rows; a backtest reads a few channels).
    """

    def __init__(self, tables: Any, scenario: Any) -> None:
        from sim.analysis.query import Query

        self.tables = tables
        self.query = Query(tables)
        self.scenario = scenario
        self.T = scenario.time.horizon
        self._need("outcomes")
        self.runs = self.query.frame("SELECT DISTINCT run FROM outcomes ORDER BY run")[
            "run"
        ].to_numpy()
        self.R = self.runs.size

    def _need(self, name: str) -> None:
        if name not in self.query.tables and not _given_empty(self.tables, name):
            raise ValueError(f"the ensemble has no {name} table (run it with --record full)")

    def _rows(self, name: str, columns: list[str], **equal: str) -> pd.DataFrame:
        """The rows of table ``name`` whose text columns equal ``equal``, only ``columns``."""
        from sim.analysis.query import _ident, _literal

        self._need(name)
        if name not in self.query.tables:  # given, but empty
            return pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
        where = " AND ".join(
            f"CAST({_ident(c)} AS VARCHAR) = {_literal(v)}" for c, v in equal.items()
        )
        return self.query.rows(name, where or "TRUE", columns)

    def _grid(self, df: pd.DataFrame, column: str) -> np.ndarray:
        """(R, T+1) array of ``column`` from rows of one entity (run, step)."""
        out = np.full((self.R, self.T + 1), np.nan)
        r = np.searchsorted(self.runs, df["run"].to_numpy())
        out[r, df["step"].to_numpy()] = df[column].to_numpy(dtype=float, na_value=np.nan)
        return out

    def levels(self, ref: str) -> np.ndarray:
        actor, _, channel = ref.partition(".")
        rows = self._rows("channels", ["run", "step", "rung"], actor=actor, channel=channel)
        return self._grid(rows, "rung")

    def position(self, ref: str, rung: str | float) -> float:
        ladder = self.scenario.ladder_of(ref)
        return float(ladder.index(rung)) if isinstance(rung, str) else float(rung)

    def red_line_step(self, rid: str) -> np.ndarray:
        """First crossing step per run (NaN: never)."""
        col = column("red_line", rid, "step")
        if col not in self.query.columns("outcomes"):
            raise KeyError(col)
        df = self._rows("outcomes", ["run", col])
        out = np.full(self.R, np.nan)
        out[np.searchsorted(self.runs, df["run"].to_numpy())] = df[col].to_numpy(
            dtype=float, na_value=np.nan
        )
        return out

    def trigger_step(self, aid: str) -> np.ndarray:
        """First step the alliance was triggered, per run (NaN: never)."""
        ev = self._rows("events", ["run", "step"], kind="alliance_triggered", subject=aid)
        first = ev.groupby("run")["step"].min()
        out = np.full(self.R, np.nan)
        out[np.searchsorted(self.runs, first.index.to_numpy())] = first.to_numpy(dtype=float)
        return out

    def territory(self, front: str) -> np.ndarray:
        df = self._rows("fronts", ["run", "step", "side", "territory"], front=front)
        first_side = df["side"].astype(str).iloc[0] if len(df) else None
        return self._grid(df[df["side"].astype(str) == first_side], "territory")

    def approval(self, actor: str) -> np.ndarray:
        rows = self._rows("actors", ["run", "step", "approval"], actor=actor)
        return self._grid(rows, "approval")

    def flow(self, stock_ref: str, flow: str) -> np.ndarray:
        actor, _, stock = stock_ref.partition(".")
        rows = self._rows("stocks", ["run", "step", flow], actor=actor, stock=stock)
        return self._grid(rows, flow)


def _given_empty(tables: Any, name: str) -> bool:
    """Whether ``tables`` holds ``name`` with no rows (the query layer has no view of it)."""
    table = tables.get(name) if isinstance(tables, Mapping) else None
    if table is None and not isinstance(tables, Mapping) and hasattr(tables, "names"):
        return name in tables.names
    return isinstance(table, pd.DataFrame)


def _before(step: np.ndarray, by: int) -> np.ndarray:
    return np.nan_to_num(step, nan=np.inf) <= by


def outcomes(obs: Any, ens: Ensemble, *, persistence: bool = False) -> np.ndarray:
    """Per run: whether the observed event happened (bool), or the quantity's value (float).

    ``persistence``: the same for the naive forecast that everything stays as at step 0.
    """
    st = observation_steps(obs, ens.scenario.time)
    if isinstance(obs, RungsObs | ReachedObs):
        lv = ens.levels(obs.channel)
        if persistence:
            lv = np.repeat(lv[:, :1], lv.shape[1], axis=1)
        if isinstance(obs, ReachedObs):
            return (lv[:, : st["by"] + 1] >= ens.position(obs.channel, obs.reached)).any(axis=1)
        window = lv[:, st["from"] : st["until"] + 1]
        ok = np.ones(ens.R, dtype=bool)
        if obs.at_least is not None:
            ok &= (window >= ens.position(obs.channel, obs.at_least)).all(axis=1)
        if obs.at_most is not None:
            ok &= (window <= ens.position(obs.channel, obs.at_most)).all(axis=1)
        return ok
    if isinstance(obs, AllianceObs | RedLineObs):
        if isinstance(obs, AllianceObs):
            first, happened = ens.trigger_step(obs.alliance), obs.triggered
        else:
            first, happened = ens.red_line_step(obs.red_line), obs.crossed
        by = 0 if persistence else st["by"]
        hit = _before(first, by)
        return hit if happened else ~hit
    if isinstance(obs, TerritoryObs | GainedObs):
        terr = ens.territory(obs.front)
        if persistence:
            terr = terr[:, :1] + np.arange(ens.T + 1) * (terr[:, 1:2] - terr[:, :1])
        if isinstance(obs, TerritoryObs):
            return terr[:, st["at"]]
        change = terr[:, st["until"]] - terr[:, st["from"]]
        return change / (st["until"] - st["from"]) if obs.per_step else change
    if isinstance(obs, StockObs):
        f = ens.flow(obs.stock, obs.flow)
        if persistence:
            f = np.repeat(f[:, 1:2], f.shape[1], axis=1)  # flows start at step 1
        return f[:, st["from"] + 1 : st["until"] + 1].mean(axis=1)
    if isinstance(obs, ApprovalObs):
        a = ens.approval(obs.actor)
        return a[:, 0] if persistence else a[:, st["at"]]
    raise TypeError(f"unknown observation {obs!r}")  # pragma: no cover


def observed_quantity(obs: Any) -> Any:
    """What a quantity observation saw: a number, an interval or a distribution."""
    for key in ("territory", "gained", "per_step", "approval"):
        if hasattr(obs, key):
            return getattr(obs, key)
    raise TypeError(obs)  # pragma: no cover


def series(obs: Any, ens: Ensemble) -> tuple[str, str, np.ndarray] | None:
    """The simulated series an observation is a point of: (panel key, title, R × (T+1))."""
    if isinstance(obs, TerritoryObs):
        return (
            f"territory:{obs.front}",
            f"front {obs.front}: territory (km²)",
            ens.territory(obs.front),
        )
    if isinstance(obs, GainedObs) and obs.in_ is not None:
        terr = ens.territory(obs.front)
        change = np.full_like(terr, np.nan)
        change[:, 1:] = np.diff(terr, axis=1)
        return f"gained:{obs.front}", f"front {obs.front}: gain per step (km²)", change
    if isinstance(obs, ApprovalObs):
        return f"approval:{obs.actor}", f"{obs.actor}: approval", ens.approval(obs.actor)
    if isinstance(obs, StockObs):
        return (
            f"stock:{obs.stock}:{obs.flow}",
            f"{obs.stock}: {obs.flow} per step",
            ens.flow(obs.stock, obs.flow),
        )
    return None
