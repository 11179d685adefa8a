"""The one read path of the analysis: SQL over a result's tables, aggregated where they lie.

A 100,000-run flagship has a dyads table of 60 million rows; read whole into pandas it took
12 GB to draw the figures. Every figure, the summary, the report and the comparison table
ask for far less: quantiles per step, runs per rung, counts of crossings, sums of paired
differences, the rows of one run. :class:`Query` asks DuckDB for exactly that, over the Parquet
files of a results folder (projection, filter and aggregation pushed down; one run's rows
found through the row groups' run statistics), or over DataFrames held in memory — one code
path for both, so a folder and the tables it was written from give the same numbers.

DuckDB rather than Polars' lazy scans (not tried): its exact ``quantile_cont`` is NumPy's
linear quantile, so the figures keep their numbers; its aggregates spill to disk past the
memory limit set here; it reads pandas frames in place; and row-group statistics on ``run``
let it read one run's rows alone. One reduction is not SQL's: pairing a dyad's two directions
is a group-by over 30 million (run, step, dyad) groups at 100,000 runs, a minute in DuckDB; it
streams Arrow batches instead (:meth:`Query.batches`, ``sim.analysis.series.dyad_cube``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.fan import QUANTILES, Fan, Shares, sample_positions
from sim.storage import glob_for_duckdb, is_remote, readable

_NO_LOCK = contextlib.nullcontext()

MEMORY_LIMIT = os.environ.get("WARGAME_QUERY_MEMORY", "1GB")
"""DuckDB's memory limit; past it, aggregates spill to a temporary folder."""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def clean(expr: str) -> str:
    """``expr`` as a DOUBLE with NaN as NULL: aggregates skip NULL as NumPy's nan* skip NaN."""
    return f"CASE WHEN isnan(CAST({expr} AS DOUBLE)) THEN NULL ELSE CAST({expr} AS DOUBLE) END"


class Query:
    """DuckDB over the tables of one result (a results folder, or DataFrames in memory).

    Each table is a view named as the table (``dyads``, ``outcomes``...), so SQL reads as the
    contracts describe the tables.
    """

    def __init__(self, obj: Any):
        import duckdb

        self._main = duckdb.connect(config={"threads": min(os.cpu_count() or 1, 4)})
        self._main.execute(f"SET memory_limit = {_literal(MEMORY_LIMIT)}")
        self._main.execute(f"SET temp_directory = {_literal(tempfile.gettempdir())}")
        self._main.execute("SET enable_progress_bar = false")
        # a folder of a million runs holds a thousand files: read their footers once
        self._main.execute("SET parquet_metadata_cache = true")
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._lock = threading.RLock()
        self._registered = False
        self.tables: list[str] = []
        self._frames: dict[str, pd.DataFrame] = {}
        self._files: dict[str, Any] = {}
        self._datasets: dict[str, Any] = {}
        path = None if isinstance(obj, Mapping) else getattr(obj, "path", None)
        if path is not None:
            for name, info in (getattr(obj, "manifest", {}) or {}).get("tables", {}).items():
                self._view_file(obj, name, path / info["file"])
        else:
            for name in ("actors", "stocks", "channels", "dyads", "fronts", "events", "params",
                         "outcomes"):  # fmt: skip
                df = obj.get(name) if isinstance(obj, Mapping) else _held(obj, name)
                if isinstance(df, pd.DataFrame) and not df.empty:
                    self._frames[name] = df
                    self._registered = True
                    self.con.register(f"_frame_{name}", df)
                    self.con.execute(f"CREATE VIEW {_ident(name)} AS SELECT * FROM _frame_{name}")
                    self.tables.append(name)
        self._columns: dict[str, list[str]] = {}
        self._has: dict[str, bool] = {}

    def _view_file(self, obj: Any, name: str, where: Any) -> None:
        self._datasets[name] = obj.dataset(name)
        if where.suffix == ".csv" or (where.is_file() and where.suffix != ".parquet"):
            self._registered = True
            self.con.register(f"_data_{name}", self._datasets[name])
            scan = f"_data_{name}"
        else:
            # at a URL: its file system registered, on one connection (see :attr:`con`)
            self._registered = self._registered or is_remote(where)
            glob = glob_for_duckdb(self.con, where)
            self._files[name] = readable(min(where.glob("*.parquet")) if where.is_dir() else where)
            scan = f"read_parquet({_literal(glob)})"
        self.con.execute(f"CREATE VIEW {_ident(name)} AS SELECT * FROM {scan}")
        self.tables.append(name)

    @property
    def con(self) -> Any:
        """This thread's DuckDB connection.

        The figures' aggregates may be asked from a second thread while the first draws
        (:func:`sim.analysis.plots.prefetch`): a DuckDB connection must not serve two threads
        at once, so every other thread gets its own cursor on the same database — the views
        over the files are shared, and the two queries run side by side. Tables held in memory,
        and a URL's file system, are registered on one connection only; then every thread takes
        the lock and the one connection.
        """
        if self._registered or threading.get_ident() == self._owner:
            return self._main
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self._main.cursor()
            con.execute("SET enable_progress_bar = false")
        return con

    def run(self, sql: str, params: list | None = None, fetch: str = "fetchall") -> Any:
        """``sql`` executed on this thread's connection and fetched (``fetchall``, ``fetchdf``)."""
        with self._lock if self._registered else _NO_LOCK:
            return getattr(self.con.execute(sql, params or []), fetch)()

    # --- what is here -------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        """Whether the table exists and has rows."""
        if name not in self._has:
            self._has[name] = name in self.tables and bool(
                self.run(f"SELECT EXISTS (SELECT 1 FROM {_ident(name)})")[0][0]
            )
        return self._has[name]

    def columns(self, name: str) -> list[str]:
        """The table's columns (empty when it does not exist)."""
        if name not in self._columns:
            self._columns[name] = (
                [r[0] for r in self.run(f"DESCRIBE {_ident(name)}")] if name in self.tables else []
            )
        return self._columns[name]

    def categories(self, name: str, column: str) -> list[str] | None:
        """The categories of a column in their stored order (a Parquet dictionary's, the order
        the model writes: the scenario's), or ``None`` for a plain column."""
        if name in self._frames:
            col = self._frames[name].get(column)
            if col is not None and isinstance(col.dtype, pd.CategoricalDtype):
                return [str(c) for c in col.cat.categories]
            return None
        file = self._files.get(name)
        if file is None:
            return None
        import pyarrow as pa
        import pyarrow.parquet as pq

        f = pq.ParquetFile(file)
        if column not in f.schema_arrow.names or f.metadata.num_row_groups == 0:
            return None
        col = f.read_row_group(0, columns=[column]).column(0)
        if not pa.types.is_dictionary(col.type) or col.num_chunks == 0:
            return None
        return [str(v) for v in col.chunk(0).dictionary.to_pylist()]

    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """The answer of ``sql`` as a DataFrame (it must be small: an aggregate, one run)."""
        return self.run(sql, params, "fetchdf")

    def scalar(self, sql: str) -> Any:
        return self.run(sql)[0][0]

    def steps(self, name: str) -> np.ndarray:
        """The steps of a time table, sorted."""
        df = self.frame(f"SELECT DISTINCT step FROM {_ident(name)} ORDER BY step")
        return df["step"].to_numpy()

    def arms(self, name: str, declared: list[str] | None = None) -> list[str]:
        """The arms present in a table, in ``declared`` order (a manifest's), else in a held
        frame's category (or first-seen) order, else sorted; ``[]`` without arms."""
        if "arm" not in self.columns(name):
            return []
        t = _ident(name)
        present = {str(a) for a in self.frame(f"SELECT DISTINCT arm FROM {t}")["arm"]}
        if not declared and name in self._frames:  # categories, else first seen (pandas)
            col = self._frames[name]["arm"]
            cats = col.cat.categories if isinstance(col.dtype, pd.CategoricalDtype) else None
            declared = [str(a) for a in (cats if cats is not None else pd.unique(col))]
        order = [a for a in (declared or []) if a in present]
        return order + sorted(present - set(order))

    def step_dates(self, name: str) -> pd.Series:
        """The date of each step of a time table, indexed by step."""
        df = self.frame(
            f"SELECT step, max(date) AS date FROM {_ident(name)} GROUP BY step ORDER BY step"
        )
        dates = df["date"]
        if pd.api.types.is_datetime64_any_dtype(dates):
            dates = dates.astype("datetime64[ns]")
        return pd.Series(dates.to_numpy(), index=df["step"].to_numpy())

    def batches(self, name: str, columns: list[str]):
        """The columns of a table streamed as Arrow record batches (about a million rows each),
        category columns as dictionaries: for the one reduction SQL cannot do cheaply (see
        :func:`sim.analysis.series.dyad_cube`). Read by Arrow's dataset scanner, which keeps
        dictionary columns as small integer codes that DuckDB would spell out as strings."""
        import pyarrow as pa

        if name in self._frames:
            table = pa.Table.from_pandas(self._frames[name][columns], preserve_index=False)
            yield from table.to_batches(max_chunksize=1 << 20)
        elif name in self._datasets:
            # little read-ahead: a few batches in flight, not sixteen per file
            yield from self._datasets[name].to_batches(
                columns=columns, batch_size=1 << 20, batch_readahead=2, fragment_readahead=1
            )

    def rows(
        self, name: str, where: str = "TRUE", columns: list[str] | None = None
    ) -> pd.DataFrame:
        """The rows of a table that meet ``where`` (one run's: ``run = 17``), in stored order.

        The files hold runs in order and each row group records its smallest and largest run,
        so DuckDB reads only the row groups that can hold the run.
        """
        cols = ", ".join(_ident(c) for c in columns) if columns else "*"
        return self.frame(f"SELECT {cols} FROM {_ident(name)} WHERE {where}")

    # --- aggregates -----------------------------------------------------------------------------

    def fans(
        self,
        relation: str,
        keys: list[str],
        steps: np.ndarray,
        samples: int = 5,
    ) -> dict[tuple, Fan]:
        """The fan of every group of ``relation`` (SQL with columns ``keys``, step, run, v).

        Each group's quantiles per step (:data:`QUANTILES`), range, and ``samples`` runs evenly
        spread over the runs that have a value — what :meth:`Fan.of` gives for the steps ×
        runs array of the group.
        """
        return self.fans_of(relation, keys, steps, ["v"], samples)["v"]

    def fans_of(
        self,
        relation: str,
        keys: list[str],
        steps: np.ndarray,
        values: list[str],
        samples: int = 5,
    ) -> dict[str, dict[tuple, Fan]]:
        """:meth:`fans` of several value columns of ``relation`` at once: one scan for all."""
        kk = "".join(f"{_ident(c)}, " for c in keys)
        qs = ", ".join(repr(q) for q in QUANTILES)
        cleaned = ", ".join(f"{clean(_ident(v))} AS _v{j}" for j, v in enumerate(values))
        base = f"(SELECT {kk}step, run, {cleaned} FROM ({relation}))"
        stats = []
        for j in range(len(values)):
            v = f"_v{j}"
            stats.append(
                f"quantile_cont({v}, [{qs}]) AS q{j}, min({v}) AS lo{j}, max({v}) AS hi{j}, "
                f"bool_or({v} <> 0) AS nz{j}, count({v}) AS n{j}, "
                f"min(run) FILTER (WHERE {v} IS NOT NULL) AS r0{j}, "
                f"max(run) FILTER (WHERE {v} IS NOT NULL) AS r1{j}"
            )
        per_step = self.frame(f"SELECT {kk}step, {', '.join(stats)} FROM {base} GROUP BY ALL")
        names = ("q", "lo", "hi", "nz", "n", "r0", "r1")
        tables = {
            v: per_step[[*keys, "step", *(f"{c}{j}" for c in names)]].set_axis(
                [*keys, "step", *names], axis=1
            )
            for j, v in enumerate(values)
        }
        picks = {
            v: self._sample_runs(
                f"(SELECT {kk}step, run, _v{j} AS v FROM {base})", keys, tables[v], samples
            )
            for j, v in enumerate(values)
        }
        wanted = sorted({int(x) for p in picks.values() for runs in p.values() for x in runs})
        sample_rows = pd.DataFrame()
        if wanted:
            sample_rows = self.frame(
                f"SELECT * FROM {base} WHERE run IN ({', '.join(map(str, wanted))})"
            )
        return {
            v: self._fans(tables[v], picks[v], sample_rows, f"_v{j}", keys, steps)
            for j, v in enumerate(values)
        }

    def _fans(
        self,
        per_step: pd.DataFrame,
        picks: dict[tuple, list[int]],
        sample_rows: pd.DataFrame,
        column: str,
        keys: list[str],
        steps: np.ndarray,
    ) -> dict[tuple, Fan]:
        out: dict[tuple, Fan] = {}
        pos = {int(s): i for i, s in enumerate(steps)}
        for key, g in _groups(per_step, keys):
            q = np.full((len(QUANTILES), len(steps)), np.nan)
            at = np.array([pos[int(s)] for s in g["step"]], dtype=int)
            for i, (qq, lo) in enumerate(zip(g["q"], g["lo"], strict=True)):
                if not pd.isna(lo):
                    q[:, at[i]] = qq
            runs = np.asarray(picks.get(key, []), dtype=np.int64)
            vals = np.full((len(steps), runs.size), np.nan)
            if runs.size and not sample_rows.empty:
                mine = _select(sample_rows, keys, key)
                col = {int(x): j for j, x in enumerate(runs)}
                mine = mine[mine["run"].isin(runs).to_numpy()]
                si = np.array([pos[int(s)] for s in mine["step"]], dtype=int)
                ri = np.array([col[int(x)] for x in mine["run"]], dtype=int)
                vals[si, ri] = mine[column].to_numpy(dtype=float, na_value=np.nan)
            lo, hi = g["lo"].min(), g["hi"].max()
            out[key] = Fan(
                q,
                runs,
                vals,
                float(lo) if not pd.isna(lo) else np.nan,
                float(hi) if not pd.isna(hi) else np.nan,
                bool(g["nz"].fillna(False).any()),
            )
        return out

    def _sample_runs(
        self, r: str, keys: list[str], per_step: pd.DataFrame, samples: int
    ) -> dict[tuple, list[int]]:
        """Per group, the runs at the evenly spread positions among its runs with a value.

        When some step has a value in every run from the group's first to its last (the rule:
        every run records every step), those runs are that range and no further pass is made.
        """
        if samples <= 0 or per_step.empty:
            return {}
        out: dict[tuple, list[int]] = {}
        gaps = []
        for key, g in _groups(per_step, keys):
            if g["n"].max() == 0:
                continue
            r0, r1, most = int(g["r0"].min()), int(g["r1"].max()), int(g["n"].max())
            if most == r1 - r0 + 1:
                out[key] = [r0 + int(p) for p in sample_positions(most, samples)]
            else:
                gaps.append(key)
        if gaps:
            out.update(self._sparse_sample_runs(r, keys, samples, gaps))
        return out

    def _sparse_sample_runs(
        self, r: str, keys: list[str], samples: int, groups: list[tuple]
    ) -> dict[tuple, list[int]]:
        """The sample runs of groups whose runs with a value are not one range: ranked."""
        kk = "".join(f"{_ident(c)}, " for c in keys)
        ranked = self.frame(
            f"SELECT {kk}run, row_number() OVER (PARTITION BY {kk}NULL ORDER BY run) - 1 AS pos, "
            f"count(*) OVER (PARTITION BY {kk}NULL) AS n "
            f"FROM (SELECT DISTINCT {kk}run FROM {r} WHERE v IS NOT NULL)"
        )
        out = {}
        for key, g in _groups(ranked, keys):
            if key in groups:
                g = g.sort_values("pos")
                runs = g["run"].to_numpy()
                out[key] = [int(runs[p]) for p in sample_positions(len(g), samples)]
        return out

    def shares(self, relation: str, keys: list[str], steps: np.ndarray) -> dict[tuple, Shares]:
        """Runs on each rung per step of every group of ``relation`` (columns ``keys``, step,
        v = the rung index)."""
        kk = "".join(f"{_ident(c)}, " for c in keys)
        r = f"(SELECT {kk}step, {clean('v')} AS v FROM ({relation}))"
        df = self.frame(
            f"SELECT {kk}step, v, count(*) AS c FROM {r} WHERE v IS NOT NULL GROUP BY ALL"
        )
        pos = {int(s): i for i, s in enumerate(steps)}
        out: dict[tuple, Shares] = {}
        for key, g in _groups(df, keys):
            rung = g["v"].to_numpy(dtype=float)
            top = int(rung.max())
            counts = np.zeros((top + 1, len(steps)))
            at = np.array([pos[int(s)] for s in g["step"]], dtype=int)
            whole = rung == np.floor(rung)
            np.add.at(counts, (rung[whole].astype(int), at[whole]), g["c"].to_numpy()[whole])
            n = np.zeros(len(steps))
            np.add.at(n, at, g["c"].to_numpy(dtype=float))
            out[key] = Shares(counts, n, float(rung.min()), float(top))
        return out


def _held(obj: Any, name: str) -> pd.DataFrame | None:
    """A table of a ``Results`` held in memory (no folder behind it)."""
    table = getattr(obj, "table", None)
    return table(name) if callable(table) else getattr(obj, name, None)


def _groups(df: pd.DataFrame, keys: list[str]):
    """``(key tuple of str, rows)`` per group of ``df`` by ``keys`` (one group ``()`` without)."""
    if df.empty:
        return
    if not keys:
        yield (), df
        return
    labels = [df[c].astype(str) for c in keys]
    for key, g in df.groupby(labels, sort=True, observed=True):
        yield tuple(str(x) for x in (key if isinstance(key, tuple) else (key,))), g


def _select(df: pd.DataFrame, keys: list[str], key: tuple) -> pd.DataFrame:
    sel = np.ones(len(df), dtype=bool)
    for c, v in zip(keys, key, strict=True):
        sel &= df[c].astype(str).to_numpy() == v
    return df[sel]
