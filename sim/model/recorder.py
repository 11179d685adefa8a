"""The recorder: preallocated (R, T+1, ...) arrays during a run, tidy tables at the end.

The arrays are laid out run-major, in the row order of the tables (run, step, entity; entity in
scenario order), so a value column of a table is a flat view of its array: tables cost no copy
of the recorded values. ``run`` is ``run_offset + r``. With ``full=False`` only what the
``outcomes`` table needs is kept (levels, escalation, territory, balance, approval, payoff).
Columns and dtypes are those of docs/contracts.md: ids are ``category``,
``date`` is ``datetime64[ns]``, ``run`` and ``step`` are int64, ``rung`` is int64 on discrete
ladders (float64 if the scenario has a continuous ladder), values are float64.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.outcomes import column, forces_column, param_column
from sim.tables import TABLES, check_record

from .eventlog import events_table
from .logistics import readiness
from .persistence import reversals
from .scripted import forced_crossings

if TYPE_CHECKING:
    from .wargame import Wargame


class Recorder:
    """Arrays of every recorded variable, filled step by step."""

    def __init__(self, model: Wargame, full: bool = True) -> None:
        self.model = model
        self.full = full
        ly = model.layout
        T1, R = ly.horizon + 1, model.R
        S, D, F, A, C = ly.S, ly.D, ly.F, ly.A, ly.C

        def arr(*shape, keep=True):
            return np.zeros((R, T1, *shape)) if keep else None

        self.level = arr(C)
        self.flow = arr(C, keep=full)
        self.delivered = arr(C, keep=full)
        self.interdicted = arr(C, keep=full)
        self.economy = arr(A)
        self.stock = arr(S, keep=full)
        self.produced = arr(S, keep=full)
        self.inflow = arr(S, keep=full)
        self.outflow = arr(S, keep=full)
        self.used = arr(S, keep=full)
        self.approval = arr(A)
        self.pressure = np.full((R, T1, A), np.nan) if full else None
        self.payoff = arr(A)
        self.escalation = arr(D)
        self.goldstein = arr(D, keep=full)
        self.hostility = arr(D, keep=full)
        self.belief = arr(D, keep=full)
        self.forces = arr(F, 2, keep=full)
        self.balance = arr(F)
        self.territory = arr(F)
        self.fire = arr(F, 2, keep=full)
        self.shortfall = arr(F, 2, keep=full)
        self.requirement = model.world.requirement[:, ly.stock_actor, ly.stock_cat].copy()
        self.final_stock = model.world.stock[:, ly.stock_actor, ly.stock_cat].copy()
        # pressure felt by each client actor: column of its alliance
        self._pressure_cols = [
            (al.index, al.pressure_client) for al in ly.alliances if al.pressure is not None
        ]

    def record(self, s: int) -> None:
        """Copy the model's state at step s into column s."""
        m, ly = self.model, self.model.layout
        w = m.world
        sa, sc = ly.stock_actor, ly.stock_cat
        self.level[:, s] = m.level
        self.approval[:, s] = w.approval
        self.economy[:, s] = w.economy.index
        self.payoff[:, s] = m.payoff
        if ly.D:
            self.escalation[:, s] = m.escalation.value
        if ly.F:
            self.balance[:, s] = w.balance
            self.territory[:, s] = w.territory
        self.final_stock = w.stock[:, sa, sc]
        if not self.full:
            return
        for k, c in enumerate(ly.link_channel):
            first = k == 0 or c not in ly.link_channel[:k]
            for out, value in (
                (self.flow, w.shipped),
                (self.delivered, w.delivered),
                (self.interdicted, w.interdicted),
            ):
                if first:
                    out[:, s, c] = value[:, k]
                else:
                    out[:, s, c] += value[:, k]
        self.stock[:, s] = self.final_stock
        if s > 0:
            self.produced[:, s] = w.produced[:, sa, sc]
            self.inflow[:, s] = w.inflow[:, sa, sc]
            self.outflow[:, s] = w.outflow[:, sa, sc]
            self.used[:, s] = w.used[:, sa, sc]
        for al, client in self._pressure_cols:
            self.pressure[:, s, client] = np.fmax(
                self.pressure[:, s, client], m.allies.pressure[:, al]
            )
        if ly.D:
            i, j = ly.dyad_src, ly.dyad_dst
            self.goldstein[:, s] = m.escalation.goldstein
            self.hostility[:, s] = m.hostility[:, i, j]
            self.belief[:, s] = m.minds.belief[:, i, j]
        if ly.F:
            self.forces[:, s] = w.forces
            self.fire[:, s] = w.fire
            self.shortfall[:, s] = w.shortfall

    # --- tables -------------------------------------------------------------------------------

    def tables(self, *, record: str = "full", run_offset: int = 0) -> dict[str, pd.DataFrame]:
        """The tables of docs/contracts.md; ``record="outcomes"`` gives only ``outcomes``."""
        check_record(record)
        out = {"outcomes": self.outcomes(run_offset)}
        if record == "outcomes":
            return out
        if not self.full:
            raise ValueError("this model recorded outcomes only (record='outcomes')")
        ly = self.model.layout
        out["actors"] = self.actors_table(run_offset)
        if ly.S:
            out["stocks"] = self.stocks_table(run_offset)
        if ly.C:
            out["channels"] = self.channels_table(run_offset)
        if ly.D:
            out["dyads"] = self.dyads_table(run_offset)
        if ly.F:
            out["fronts"] = self.fronts_table(run_offset)
        out["events"] = events_table(ly, self.model.eventlog.arrays(), run_offset)
        out["params"] = self.params_table(run_offset)
        return {k: out[k] for k in TABLES if k in out}

    def _frame(
        self,
        run_offset: int,
        n: int,
        ids: dict[str, tuple[np.ndarray, list[str]]],
        values: dict[str, Any],
    ) -> pd.DataFrame:
        """Long table from (R, T+1, n) arrays: rows ordered run, step, entity.

        ``values`` holds (R, T+1, n) arrays (flattened without a copy when contiguous) or
        ready columns (1-D arrays, Categoricals). Id columns repeat one (T+1)·n block per run.
        """
        ly = self.model.layout
        T1, R = ly.horizon + 1, self.model.R
        block = T1 * n
        steps = np.repeat(np.arange(T1, dtype=np.int64), n)

        def per_run(x: np.ndarray) -> np.ndarray:
            return np.broadcast_to(x, (R, block)).reshape(-1)

        cols: dict[str, Any] = {
            "run": np.broadcast_to(
                (np.arange(R, dtype=np.int64) + run_offset)[:, None], (R, block)
            ).reshape(-1),
            "step": per_run(steps),
            "date": per_run(ly.dates[steps]),
        }
        for name, (codes, cats) in ids.items():
            codes = np.asarray(codes, dtype=_code_dtype(len(cats)))
            cols[name] = pd.Categorical.from_codes(per_run(np.tile(codes, T1)), categories=cats)
        for name, v in values.items():
            cols[name] = _long(v) if isinstance(v, np.ndarray) and v.ndim == 3 else v
        return pd.DataFrame(cols, copy=False)

    def actors_table(self, run_offset: int) -> pd.DataFrame:
        ly = self.model.layout
        return self._frame(
            run_offset,
            ly.A,
            {"actor": (np.arange(ly.A), ly.actors)},
            {
                "approval": self.approval,
                "pressure": self.pressure,
                "payoff": self.payoff,
                "economy": self.economy,
            },
        )

    def stocks_table(self, run_offset: int) -> pd.DataFrame:
        ly = self.model.layout
        req = np.broadcast_to(self.requirement[:, None, :], self.stock.shape)
        return self._frame(
            run_offset,
            ly.S,
            {"actor": (ly.stock_actor, ly.actors), "stock": (ly.stock_cat, ly.categories)},
            {
                "level": self.stock,
                "production": self.produced,
                "inflow": self.inflow,
                "outflow": self.outflow,
                "consumption": self.used,
                "requirement": req,
                "readiness": readiness(self.stock, req),
            },
        )

    def channels_table(self, run_offset: int) -> pd.DataFrame:
        ly = self.model.layout
        rung_e = self.model.rung_e
        C = ly.C
        names = [c.name for c in ly.channels]
        uniq_names = list(dict.fromkeys(names))
        name_codes = np.array([uniq_names.index(n) for n in names])
        rung_ids = sorted({r for c in ly.channels for r in c.rung_ids})
        rung_index = {r: k for k, r in enumerate(rung_ids)}
        # rung_id codes per (channel, rung); -1 (missing) on continuous channels
        table = np.full((C, ly.k_max), -1, dtype=np.int64)
        for c in ly.channels:
            for k, r in enumerate(c.rung_ids):
                table[c.index, k] = rung_index[r]
        lv = self.level
        shape = lv.shape
        rung = np.empty(shape, dtype=np.int64)
        rid = np.empty(shape, dtype=_code_dtype(len(rung_ids)))
        e = np.empty(shape)
        table = table.astype(rid.dtype)
        for c in ly.channels:  # per channel: gathers of (R, T+1), no big temporaries
            k = c.index
            if c.continuous:
                rung[:, :, k] = 0
                rid[:, :, k] = -1
                e[:, :, k] = rung_e.of(lv[:, :, k], np.array([k]))
            else:
                rung[:, :, k] = lv[:, :, k]
                rid[:, :, k] = table[k][rung[:, :, k]]
                e[:, :, k] = rung_e.at_rung(k, rung[:, :, k])
        return self._frame(
            run_offset,
            C,
            {
                "actor": (ly.owner, ly.actors),
                "channel": (name_codes, uniq_names),
                "target": (ly.target, ly.actors),
            },
            {
                "rung": lv if ly.has_continuous else rung,
                "rung_id": pd.Categorical.from_codes(_long(rid), categories=rung_ids),
                "e": e,
                "flow": self.flow,
                "delivered": self.delivered,
                "interdicted": self.interdicted,
            },
        )

    def dyads_table(self, run_offset: int) -> pd.DataFrame:
        ly = self.model.layout
        return self._frame(
            run_offset,
            ly.D,
            {"actor": (ly.dyad_src, ly.actors), "target": (ly.dyad_dst, ly.actors)},
            {
                "escalation": self.escalation,
                "goldstein": self.goldstein,
                "perceived_hostility": self.hostility,
                "belief_expansionist": self.belief,
            },
        )

    def fronts_table(self, run_offset: int) -> pd.DataFrame:
        ly = self.model.layout
        F = ly.F
        side_ids = sorted({s for f in ly.fronts for s in f.side_ids})
        side_codes = np.array([side_ids.index(s) for f in ly.fronts for s in f.side_ids])
        front_codes = np.repeat(np.arange(F), 2)
        T1, R = ly.horizon + 1, self.model.R

        def per_front(v):
            return np.repeat(v, 2, axis=2)

        return self._frame(
            run_offset,
            2 * F,
            {"front": (front_codes, [f.id for f in ly.fronts]), "side": (side_codes, side_ids)},
            {
                "forces": self.forces.reshape(R, T1, 2 * F),
                "balance": per_front(self.balance),
                "territory": per_front(self.territory),
                "fire": self.fire.reshape(R, T1, 2 * F),
                "shortfall": self.shortfall.reshape(R, T1, 2 * F),
            },
        )

    def params_table(self, run_offset: int) -> pd.DataFrame:
        values = self.model.params.table_values()
        R = self.model.R
        names = list(values)
        if not names:
            return pd.DataFrame(
                {
                    "run": np.zeros(0, dtype=np.int64),
                    "parameter": pd.Categorical([], categories=[]),
                    "value": np.zeros(0),
                }
            )
        mat = np.stack([values[n] for n in names], axis=1)  # (R, n)
        return pd.DataFrame(
            {
                "run": np.repeat(np.arange(R, dtype=np.int64) + run_offset, len(names)),
                "parameter": pd.Categorical.from_codes(
                    np.tile(np.arange(len(names)), R), categories=names
                ),
                "value": mat.reshape(-1),
            }
        )

    def outcomes(self, run_offset: int) -> pd.DataFrame:
        """One row per run: red lines, escalation, fronts, actors, measures, parameters."""
        m = self.model
        ly = m.layout
        T = ly.horizon
        R = m.R
        cols: dict[str, Any] = {"run": np.arange(R, dtype=np.int64) + run_offset}
        scripted, scripted_step, by_bound = forced_crossings(m, self.level)
        for rl in ly.red_lines:
            cols[column("red_line", rl.id, "crossed")] = m.red.ever[:, rl.index].copy()
            cols[column("red_line", rl.id, "step")] = m.red.first_step[:, rl.index].copy()
            cols[column("red_line", rl.id, "scripted")] = scripted[:, rl.index].copy()
            cols[column("red_line", rl.id, "scripted_step")] = scripted_step[:, rl.index].copy()
            cols[column("red_line", rl.id, "set_by_arm")] = by_bound[:, rl.index].copy()
        dyad_index = self.dyad_index_series()
        for k, (key, series) in enumerate(dyad_index.items()):
            cols[column("escalation", key, "max")] = series.max(axis=1)
            cols[column("escalation", key, "final")] = series[:, T]
            cols[column("escalation", key, "spiral")] = m.spirals.value[:, k].copy()
        for f in ly.fronts:
            cols[column("front", f.id, "territory")] = self.territory[:, T, f.index]
            cols[column("front", f.id, "balance")] = self.balance[:, T, f.index]
            for k, side in enumerate(f.side_ids):
                cols[forces_column(f.id, side)] = m.world.forces[:, f.index, k].copy()
        flips = reversals(self.level)
        for c in ly.channels:
            cols[column("channel", c.ref, "level")] = self.level[:, T, c.index].copy()
            if not c.continuous:
                cols[column("channel", c.ref, "reversals")] = flips[:, c.index]
        req = self.requirement
        ready = readiness(self.final_stock, req)
        for i, aid in enumerate(ly.actors):
            cols[column("actor", aid, "approval")] = self.approval[:, T, i]
            mine = ly.stock_actor == i
            has = mine & (req > 0).any(axis=0)
            if has.any():
                cols[column("actor", aid, "readiness")] = np.nanmin(ready[:, has], axis=1)
            else:
                cols[column("actor", aid, "readiness")] = np.full(R, np.nan)
            cols[column("actor", aid, "payoff")] = self.payoff[:, T, i]
            cols[column("actor", aid, "economy")] = self.economy[:, T, i]
        for cf in ly.scenario.counterfactuals.values():
            for meas in cf.measure:
                label = meas.label
                if label in cols:
                    continue
                cols[label] = self.measure(meas, dyad_index)
        for path, v in m.params.table_values().items():
            cols[param_column(path)] = v
        return pd.DataFrame(cols)

    def dyad_index_series(self) -> dict[str, np.ndarray]:
        """(R, T+1) dyad index max(E_ij, E_ji) per unordered dyad key."""
        ly = self.model.layout
        return {
            key: np.maximum(self.escalation[:, :, d], self.escalation[:, :, r])
            for key, (d, r) in ly.dyad_keys.items()
        }

    def measure(self, meas: Any, dyad_index: dict[str, np.ndarray]) -> np.ndarray:
        """Values (R,) of one counterfactual measure."""
        m = self.model
        ly = m.layout
        T = ly.horizon

        def at(step):
            return T if step is None else min(int(step), T)

        if hasattr(meas, "red_line"):
            k = next(rl.index for rl in ly.red_lines if rl.id == meas.red_line)
            first = m.red.first_step[:, k]
            return ~np.isnan(first) & (np.nan_to_num(first, nan=np.inf) <= at(meas.crossed_by))
        if hasattr(meas, "front"):
            return self.territory[:, at(meas.territory_at), ly.front_index[meas.front]].copy()
        if hasattr(meas, "dyad"):
            from sim.scenario.schema import dyad_key

            key = dyad_key(*meas.dyad.split("-"))
            if key not in dyad_index:
                return np.zeros(m.R)
            return dyad_index[key][:, : at(meas.max_escalation_by) + 1].max(axis=1)
        if hasattr(meas, "actor"):
            return self.approval[:, at(meas.approval_at), ly.actor_index[meas.actor]].copy()
        raise ValueError(f"unknown measure {meas!r}")  # pragma: no cover


def _long(v: np.ndarray) -> np.ndarray:
    """(R, T+1, n) → flat, ordered run, step, entity (a view when v is contiguous)."""
    return np.ascontiguousarray(v).reshape(-1)


def _code_dtype(n: int) -> type:
    """Smallest signed integer type for categorical codes of n categories."""
    return np.int8 if n < 127 else np.int16 if n < 32_000 else np.int32
