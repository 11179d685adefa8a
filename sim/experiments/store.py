"""The results folder: manifest, resolved scenario, tables — never half-written.

Layout while an ensemble runs::

    DIR/manifest.json          what ran, with what, and the status of every chunk
    DIR/scenario.yaml          the resolved scenario (includes merged, overrides applied)
    DIR/chunks/c000000/        one folder per finished chunk: <table>.parquet
    DIR/chunks/<arm>/c000000/  (when a counterfactual runs several arms)

and when every chunk is in, each table becomes a Parquet dataset — a folder of one file per
chunk, in run order (``DIR/actors.parquet/part-000000.parquet``, ...) that pandas, pyarrow,
Polars, DuckDB and R's arrow read as one table — or, with ``--format csv``, one CSV file per
table (``DIR/actors.csv``); then ``chunks/`` is removed.

Every file is written under a temporary name that starts with ``.`` and contains ``.tmp-``,
then renamed with :func:`os.replace`; a chunk folder is filled under a temporary name and
renamed as a whole, and so is each table's dataset folder. So at any moment — a SIGKILL
included — every table and every chunk folder in ``DIR`` is complete, and
:meth:`FolderStore.finished` (what ``--resume`` keeps) is exactly the set of chunk folders
present. The dataset's files are hard links to the chunk files (no copy, no rewrite), so
finishing costs next to nothing and memory stays flat however many runs there are.

Chunks are written by whoever ran them: a local worker process writes its own chunk (the
tables never travel through a pipe), while the chunks of a Dask cluster — whose workers may
not share this disk — come back as DataFrames and are written here. Either way by
:func:`write_chunk`.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import ExperimentError

TABLE_ORDER = ("actors", "stocks", "channels", "dyads", "fronts", "events", "params", "outcomes")
"""The tables in the order a folder lists them; others (if a model adds some) follow by name."""

FORMATS = ("parquet", "csv")
MANIFEST = "manifest.json"
SCENARIO = "scenario.yaml"
CHUNKS = "chunks"
TMP_MARK = ".tmp-"
COMPRESSION = "zstd"
MANIFEST_INTERVAL = 1.0
"""Seconds between manifest rewrites while chunks stream in (the chunk folders are the truth)."""


# --- atomic files -----------------------------------------------------------------------------


def temp_name(path: Path) -> Path:
    """A hidden temporary sibling of ``path``, unique to this process and call."""
    return path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}")


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half."""
    tmp = temp_name(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def is_temporary(path: Path) -> bool:
    """Whether ``path`` is a temporary file or folder of this module (left by a kill)."""
    return path.name.startswith(".") and TMP_MARK in path.name


# --- arrow tables -----------------------------------------------------------------------------


def _normal_type(t: pa.DataType) -> pa.DataType:
    # Dictionary indices widen from int8 to int16 with the number of categories, and an empty
    # categorical has no value type: make every chunk agree so that they read as one table.
    if pa.types.is_dictionary(t):
        value = t.value_type
        if pa.types.is_null(value) or pa.types.is_large_string(value):
            value = pa.string()
        return pa.dictionary(pa.int32(), value)
    if pa.types.is_large_string(t):
        return pa.string()
    return t


def arm_column(arm: str, arms: Sequence[str], n: int) -> pa.DictionaryArray:
    """An ``arm`` column whose categories are all arms in their declared order."""
    codes = pa.array(np.full(n, list(arms).index(arm), dtype=np.int32))
    return pa.DictionaryArray.from_arrays(codes, pa.array(list(arms), pa.string()))


def to_arrow(df: pd.DataFrame, arm: str | None = None, arms: Sequence[str] = ()) -> pa.Table:
    """A chunk's DataFrame as an Arrow table: no index or pandas metadata, dictionary columns
    with int32 indices, and the ``arm`` column first when there are arms."""
    table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
    schema = pa.schema([pa.field(f.name, _normal_type(f.type)) for f in table.schema])
    if schema != table.schema:
        table = table.cast(schema)
    if arms:
        table = table.add_column(0, "arm", arm_column(arm, arms, table.num_rows))
    return table


def unified_schema(schemas: Sequence[pa.Schema], rows: Sequence[int] | None = None) -> pa.Schema:
    """One schema for the chunks of a table.

    A chunk without rows says little about types (an empty column of strings may come out as
    float or null), so only chunks with rows vote when there are any; a column that was
    all-null in one chunk adopts the type the others give it.
    """
    if rows is not None and any(rows):
        schemas = [s for s, n in zip(schemas, rows, strict=True) if n]
    normal = [pa.schema([pa.field(f.name, _normal_type(f.type)) for f in s]) for s in schemas]
    return pa.unify_schemas(normal, promote_options="permissive")


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with exactly the columns and types of ``schema``."""
    return table.replace_schema_metadata(None).select(schema.names).cast(schema)


def table_names(names: Iterable[str]) -> list[str]:
    """Table names in folder order: the known tables first, the rest by name."""
    names = set(names)
    known = [n for n in TABLE_ORDER if n in names]
    return known + sorted(names - set(known))


def combine(parts: Sequence[pa.Table]) -> pa.Table:
    """The chunks of one table, in order, as one Arrow table (in memory)."""
    schema = unified_schema([t.schema for t in parts], [t.num_rows for t in parts])
    return pa.concat_tables([conform(t, schema) for t in parts])


def schema_b64(schema: pa.Schema) -> str:
    """An Arrow schema as text (restores the column types of a CSV table)."""
    return base64.b64encode(schema.serialize().to_pybytes()).decode("ascii")


def schema_from_b64(text: str) -> pa.Schema:
    return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text)))


def write_chunk(
    folder: str | os.PathLike,
    tables: Mapping[str, pd.DataFrame],
    arm: str | None = None,
    arms: Sequence[str] = (),
) -> None:
    """Commit one chunk: its tables written into a temporary folder, renamed as a whole.

    After a crash there is either the whole chunk folder or none of it.
    """
    final = Path(folder)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(final)
    tmp.mkdir()
    try:
        for name, df in tables.items():
            pq.write_table(
                to_arrow(df, arm, arms), tmp / f"{name}.parquet", compression=COMPRESSION
            )
        if final.exists():  # the same chunk run again (a resumed resume): same content
            shutil.rmtree(final)
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links
        shutil.copyfile(src, dst)


# --- versions and identity --------------------------------------------------------------------


def versions() -> dict[str, str]:
    """Versions of what produced a folder: the package, Mesa, Python and the data stack."""
    import platform
    from importlib import metadata

    out = {"python": platform.python_version()}
    for dist in ("wargame-sim", "mesa", "numpy", "pandas", "pyarrow"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def read_manifest(path: str | os.PathLike) -> dict[str, Any]:
    """The manifest of a results folder."""
    file = Path(path) / MANIFEST
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        raise ExperimentError(f"{path}: not a results folder (no {MANIFEST})") from None
    except json.JSONDecodeError as exc:
        raise ExperimentError(f"{file}: unreadable manifest ({exc})") from None


# --- the folder store -------------------------------------------------------------------------


class FolderStore:
    """A results folder being written: chunks committed atomically, tables made at the end.

    Use :meth:`check` (no writes; raises :class:`ExperimentError` for an existing folder
    without ``resume``/``force`` or a resume that does not match), then :meth:`open`.

    Args:
        path: The folder.
        manifest: The manifest to write. ``manifest["identity"]`` holds what must match for a
            resume (scenario hash, seed, runs, chunk size, record, format, arms, design);
            ``manifest["chunks"]`` lists every planned chunk.
        fmt: ``parquet`` or ``csv`` (chunks are always Parquet; the final tables take ``fmt``).
    """

    def __init__(self, path: str | os.PathLike, manifest: dict[str, Any], fmt: str = "parquet"):
        if fmt not in FORMATS:
            raise ExperimentError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
        self.path = Path(path)
        self.manifest = manifest
        self.fmt = fmt
        self.resuming = False
        self._status = {c["key"]: c for c in manifest["chunks"]}
        self._last_write = 0.0

    # -- before anything is written --

    def check(self, *, resume: bool = False, force: bool = False) -> None:
        """Refuse an existing non-empty folder unless resuming (and it matches) or forcing.

        Writes nothing, so that bad input leaves the file system as it was.
        """
        p = self.path
        if p.exists() and not p.is_dir():
            raise ExperimentError(f"{p}: exists and is not a folder")
        empty = not p.exists() or not any(p.iterdir())
        if empty:
            return
        has_manifest = (p / MANIFEST).is_file()
        if resume:
            if not has_manifest:
                raise ExperimentError(f"{p}: cannot resume: not a results folder (no {MANIFEST})")
            old = read_manifest(p)
            diff = _identity_diff(old.get("identity", {}), self.manifest["identity"])
            if diff:
                raise ExperimentError(
                    f"{p}: cannot resume: the folder was started with different settings:",
                    *(f"  {line}" for line in diff),
                    "run into a new --out folder, or use --force to replace this one",
                )
            self.resuming = True
            return
        if force:
            if not has_manifest:
                raise ExperimentError(
                    f"{p}: not empty and not a results folder (no {MANIFEST});"
                    " refusing to delete it — choose another --out"
                )
            return
        raise ExperimentError(
            f"{p}: already exists and is not empty;"
            " use --resume to continue it or --force to replace it"
        )

    # -- writing --

    def open(self) -> set[str]:
        """Create (or reopen, when resuming) the folder; the keys of chunks already done."""
        p = self.path
        scenario_yaml = self.manifest.pop("_scenario_yaml", "")
        if not self.resuming and p.exists() and any(p.iterdir()):
            shutil.rmtree(p)  # --force, checked by check()
        p.mkdir(parents=True, exist_ok=True)
        self._clean_temporaries()
        if not self.resuming:
            atomic_write_text(p / SCENARIO, scenario_yaml)
            self.manifest["status"] = "running"
            self.write_manifest()
            return set()
        old = read_manifest(p)
        if old.get("status") == "complete" and all(
            (p / t["file"]).exists() for t in old.get("tables", {}).values()
        ):
            self.manifest = old
            return set(self._status)
        done = self.finished()
        again = {"at": self.manifest.get("started"), "command": self.manifest.get("command")}
        self.manifest["started"] = old.get("started", again["at"])
        self.manifest["command"] = old.get("command", again["command"])
        self.manifest["resumed"] = [*old.get("resumed", []), again]
        previous = {c["key"]: c for c in old.get("chunks", [])}
        for key in done:
            self._status[key].update(status="done", seconds=previous.get(key, {}).get("seconds"))
        self.manifest["status"] = "running"
        self.write_manifest()
        return done

    def _clean_temporaries(self) -> None:
        """Remove what a killed writer left under a temporary name (never a finished file)."""
        for q in sorted(self.path.rglob(f".*{TMP_MARK}*"), key=lambda q: len(q.parts)):
            if q.is_dir():
                shutil.rmtree(q, ignore_errors=True)
            else:
                q.unlink(missing_ok=True)

    def chunk_dir(self, key: str) -> Path:
        return self.path / CHUNKS / key

    def finished(self) -> set[str]:
        """Keys of the chunks whose folder is in place (committed, hence complete)."""
        return {key for key in self._status if self.chunk_dir(key).is_dir()}

    def put(
        self,
        key: str,
        tables: Mapping[str, pd.DataFrame] | None,
        seconds: float,
        arm: str | None = None,
    ) -> None:
        """Record a finished chunk, writing its tables unless its worker already did."""
        if tables is not None:
            write_chunk(
                self.chunk_dir(key), tables, arm, self.manifest["identity"].get("arms") or ()
            )
        elif not self.chunk_dir(key).is_dir():
            raise RuntimeError(f"chunk {key} was reported written but its folder is missing")
        self._status[key].update(status="done", seconds=round(seconds, 3))
        if time.monotonic() - self._last_write >= MANIFEST_INTERVAL:
            self.write_manifest()

    def mark(self, status: str, *, failed: Sequence[str] = (), error: str | None = None) -> None:
        """Record how the run ended (``interrupted``, ``failed``) and which chunks failed."""
        for key in failed:
            if key in self._status and self._status[key].get("status") != "done":
                self._status[key].update(status="failed", error=error)
        self.manifest["status"] = status
        if error:
            self.manifest["error"] = error
        self.manifest["finished"] = now()
        self.write_manifest()

    def write_manifest(self) -> None:
        self._last_write = time.monotonic()
        atomic_write_text(self.path / MANIFEST, json.dumps(self.manifest, indent=2) + "\n")

    # -- the end --

    def finish(self, keys: Sequence[str]) -> None:
        """Make the tables from the chunks (``keys`` in row order), then drop the chunks."""
        names: set[str] = set()
        for key in keys:
            names.update(f.stem for f in self.chunk_dir(key).glob("*.parquet"))
        tables: dict[str, Any] = {}
        for name in table_names(names):
            files = [self.chunk_dir(k) / f"{name}.parquet" for k in keys]
            files = [f for f in files if f.is_file()]
            if self.fmt == "parquet":
                tables[name] = self._dataset(name, files)
            else:
                tables[name] = self._csv(name, files)
        self.manifest["tables"] = tables
        self.manifest["status"] = "complete"
        self.manifest["finished"] = now()
        self.write_manifest()
        shutil.rmtree(self.path / CHUNKS, ignore_errors=True)

    def _schema(self, files: Sequence[Path]) -> tuple[pa.Schema, list[pa.Schema]]:
        metas = [pq.read_metadata(f) for f in files]
        schemas = [m.schema.to_arrow_schema().remove_metadata() for m in metas]
        return unified_schema(schemas, [m.num_rows for m in metas]), schemas

    def _dataset(self, name: str, files: Sequence[Path]) -> dict[str, Any]:
        """The table as a folder of the chunk files, in row order (linked, not copied)."""
        schema, schemas = self._schema(files)
        final = self.path / f"{name}.parquet"
        tmp = temp_name(final)
        tmp.mkdir()
        rows = 0
        try:
            for i, (f, s) in enumerate(zip(files, schemas, strict=True)):
                part = tmp / f"part-{i:06d}.parquet"
                if s.equals(schema):
                    _link_or_copy(f, part)
                    rows += pq.read_metadata(f).num_rows
                else:  # a chunk whose types differ (an empty one): rewritten to the common ones
                    t = conform(pq.read_table(f), schema)
                    pq.write_table(t, part, compression=COMPRESSION)
                    rows += t.num_rows
            if final.exists():  # left by a finish that was interrupted
                shutil.rmtree(final)
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return _table_info(final.name, rows, len(files), schema)

    def _csv(self, name: str, files: Sequence[Path]) -> dict[str, Any]:
        """The table as one CSV file, written chunk after chunk."""
        import pyarrow.csv as pacsv

        schema, _ = self._schema(files)
        plain = _plain_schema(schema)
        final = self.path / f"{name}.csv"
        tmp = temp_name(final)
        rows = 0
        try:
            with pacsv.CSVWriter(tmp, plain) as writer:
                for f in files:
                    t = conform(pq.read_table(f), schema).cast(plain)
                    writer.write_table(t)
                    rows += t.num_rows
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        return _table_info(final.name, rows, 1, schema)


def _table_info(file: str, rows: int, parts: int, schema: pa.Schema) -> dict[str, Any]:
    return {
        "file": file,
        "rows": rows,
        "parts": parts,
        "columns": {f.name: str(f.type) for f in schema},
        "arrow_schema": schema_b64(schema),
    }


def _plain_schema(schema: pa.Schema) -> pa.Schema:
    """The schema a CSV file can hold: categories as plain strings."""
    return pa.schema(
        [
            pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
            for f in schema
        ]
    )


def _identity_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    lines = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            lines.append(f"{key}: folder has {_short(old.get(key))}, now {_short(new.get(key))}")
    return lines


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 24 else text[:21] + "..."


# --- the in-memory store ----------------------------------------------------------------------


class MemoryStore:
    """Chunks kept in memory, for ``sim.run(...)`` without an ``out`` folder.

    The tables go through the same Arrow conversion and schema unification as a folder, so a
    table is the same whether it was read from a folder or built here.
    """

    def __init__(self, manifest: dict[str, Any]):
        self.manifest = manifest
        self.manifest.pop("_scenario_yaml", None)
        self.path = None
        self._parts: dict[str, dict[str, pa.Table]] = {}

    def open(self) -> set[str]:
        self.manifest["status"] = "running"
        return set()

    def put(
        self,
        key: str,
        tables: Mapping[str, pd.DataFrame] | None,
        seconds: float,
        arm: str | None = None,
    ) -> None:
        if tables is None:
            raise RuntimeError(f"chunk {key}: an in-memory ensemble needs the tables back")
        arms = self.manifest["identity"].get("arms") or ()
        self._parts[key] = {name: to_arrow(df, arm, arms) for name, df in tables.items()}
        for c in self.manifest["chunks"]:
            if c["key"] == key:
                c.update(status="done", seconds=round(seconds, 3))

    def mark(self, status: str, *, failed: Sequence[str] = (), error: str | None = None) -> None:
        self.manifest["status"] = status

    def finish(self, keys: Sequence[str]) -> dict[str, pd.DataFrame]:
        """The tables, each one DataFrame with the chunks in ``keys`` order."""
        names: set[str] = set()
        for part in self._parts.values():
            names.update(part)
        out = {}
        for name in table_names(names):
            parts = [self._parts[k][name] for k in keys if name in self._parts[k]]
            out[name] = combine(parts).to_pandas()
        self._parts.clear()
        self.manifest["status"] = "complete"
        self.manifest["finished"] = now()
        return out
