"""The results folder: manifest, resolved scenario, tables — never half-written.

Layout while an ensemble runs::

    DIR/manifest.json          what ran, with what, and the status of every chunk
    DIR/scenario.yaml          the resolved scenario (includes merged, overrides applied)
    DIR/chunks/c000000/        one folder per finished chunk: <table>.parquet
    DIR/chunks/<arm>/c000000/  (when a counterfactual runs several arms)

and when it has finished, the chunks are consolidated into one file per table (``DIR/actors
.parquet``, ... or ``.csv``) and ``chunks/`` is removed.

Every file is written under a temporary name that starts with ``.`` and contains ``.tmp-``,
then renamed with :func:`os.replace`; a chunk folder is filled under a temporary name and
renamed as a whole. So at any moment — a SIGKILL included — every table file and every chunk
folder in ``DIR`` is complete, and :meth:`FolderStore.finished` (what ``--resume`` keeps) is
exactly the set of chunk folders present. A consolidated table reads one chunk at a time into
a streaming writer, so memory stays flat however many runs there are.
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


def to_arrow(df: pd.DataFrame) -> pa.Table:
    """A DataFrame as an Arrow table without the pandas index or metadata."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    return table.replace_schema_metadata(None)


def _normal_type(t: pa.DataType) -> pa.DataType:
    # Dictionary indices widen from int8 to int16 with the number of categories: make every
    # chunk agree so that they can be concatenated into one table.
    if pa.types.is_dictionary(t):
        return pa.dictionary(pa.int32(), _normal_type(t.value_type))
    if pa.types.is_large_string(t):
        return pa.string()
    return t


def unified_schema(schemas: Sequence[pa.Schema]) -> pa.Schema:
    """One schema for the chunks of a table (a column that was all-null in one chunk adopts
    the type the others give it)."""
    normal = [
        pa.schema([pa.field(f.name, _normal_type(f.type)) for f in s]) for s in schemas
    ]
    return pa.unify_schemas(normal, promote_options="permissive")


def arm_column(arm: str, arms: Sequence[str], n: int) -> pa.DictionaryArray:
    """An ``arm`` column whose categories are all arms in their declared order."""
    import numpy as np

    codes = pa.array(np.full(n, list(arms).index(arm), dtype=np.int32))
    return pa.DictionaryArray.from_arrays(codes, pa.array(list(arms), pa.string()))


def conform(table: pa.Table, schema: pa.Schema, arm: str | None, arms: Sequence[str]) -> pa.Table:
    """``table`` cast to ``schema``, with the ``arm`` column first when there are arms."""
    table = table.replace_schema_metadata(None).select(schema.names).cast(schema)
    if arms:
        table = table.add_column(0, "arm", arm_column(arm, arms, table.num_rows))
    return table


def final_schema(schema: pa.Schema, arms: Sequence[str]) -> pa.Schema:
    if arms:
        return schema.insert(0, pa.field("arm", pa.dictionary(pa.int32(), pa.string())))
    return schema


def table_names(names: Iterable[str]) -> list[str]:
    """Table names in folder order: the known tables first, the rest by name."""
    names = set(names)
    known = [n for n in TABLE_ORDER if n in names]
    return known + sorted(names - set(known))


def combine(parts: Sequence[tuple[str | None, pa.Table]], arms: Sequence[str]) -> pa.Table:
    """The chunks of one table, in order, as one Arrow table (in memory)."""
    schema = unified_schema([t.schema for _, t in parts])
    return pa.concat_tables([conform(t, schema, arm, arms) for arm, t in parts])


def schema_b64(schema: pa.Schema) -> str:
    """An Arrow schema as text (restores the column types of a CSV table)."""
    return base64.b64encode(schema.serialize().to_pybytes()).decode("ascii")


def schema_from_b64(text: str) -> pa.Schema:
    return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text)))


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
    except FileNotFoundError:
        raise ExperimentError(f"{path}: not a results folder (no {MANIFEST})") from None
    except json.JSONDecodeError as exc:
        raise ExperimentError(f"{file}: unreadable manifest ({exc})") from None


# --- the folder store -------------------------------------------------------------------------


class FolderStore:
    """A results folder being written: chunks committed atomically, consolidated at the end.

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
                raise ExperimentError(
                    f"{p}: cannot resume: not a results folder (no {MANIFEST})"
                )
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
        if not self.resuming and p.exists() and any(p.iterdir()):
            shutil.rmtree(p)  # --force, checked by check()
        p.mkdir(parents=True, exist_ok=True)
        self._clean_temporaries()
        done: set[str] = set()
        if self.resuming:
            old = read_manifest(p)
            if old.get("status") == "complete" and all(
                (p / self.table_file(n)).is_file() for n in old.get("tables", {})
            ):
                self.manifest = old
                return {c["key"] for c in old["chunks"]}
            done = self.finished()
            again = {"at": self.manifest.get("started"), "command": self.manifest.get("command")}
            self.manifest["started"] = old.get("started", again["at"])
            self.manifest["command"] = old.get("command", again["command"])
            self.manifest["resumed"] = [*old.get("resumed", []), again]
            for key in done:
                if key in self._status:
                    prev = next((c for c in old.get("chunks", []) if c["key"] == key), {})
                    self._status[key].update(status="done", seconds=prev.get("seconds"))
        else:
            atomic_write_text(p / SCENARIO, self.manifest.pop("_scenario_yaml", ""))
        self.manifest.pop("_scenario_yaml", None)
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

    def put(self, key: str, tables: Mapping[str, pd.DataFrame], seconds: float) -> None:
        """Commit one chunk's tables: written into a temporary folder, renamed as a whole."""
        final = self.chunk_dir(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_name(final)
        tmp.mkdir()
        try:
            for name, df in tables.items():
                pq.write_table(to_arrow(df), tmp / f"{name}.parquet", compression="zstd")
            if final.exists():  # a chunk that ran twice (a resumed resume): same content
                shutil.rmtree(final)
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
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

    def table_file(self, name: str) -> str:
        return f"{name}.{self.fmt}"

    # -- the end --

    def finish(self, order: Sequence[tuple[str, str | None]]) -> None:
        """Consolidate the chunks into one file per table, then drop the chunk folders.

        Args:
            order: ``(chunk key, arm)`` in the order their rows go into the tables.
        """
        arms = self.manifest["identity"].get("arms") or []
        names: set[str] = set()
        for key, _ in order:
            names.update(f.stem for f in self.chunk_dir(key).glob("*.parquet"))
        tables: dict[str, Any] = {}
        for name in table_names(names):
            tables[name] = self._consolidate(name, order, arms)
        self.manifest["tables"] = tables
        self.manifest["status"] = "complete"
        self.manifest["finished"] = now()
        self.write_manifest()
        shutil.rmtree(self.path / CHUNKS, ignore_errors=True)

    def _consolidate(
        self, name: str, order: Sequence[tuple[str, str | None]], arms: Sequence[str]
    ) -> dict[str, Any]:
        files = [
            (self.chunk_dir(key) / f"{name}.parquet", arm)
            for key, arm in order
            if (self.chunk_dir(key) / f"{name}.parquet").is_file()
        ]
        schema = unified_schema([pq.read_schema(f) for f, _ in files])
        out_schema = final_schema(schema, arms)
        final = self.path / self.table_file(name)
        tmp = temp_name(final)
        rows = 0
        try:
            if self.fmt == "parquet":
                with pq.ParquetWriter(tmp, out_schema, compression="zstd") as writer:
                    for f, arm in files:
                        t = conform(pq.read_table(f), schema, arm, arms)
                        writer.write_table(t)
                        rows += t.num_rows
            else:
                import pyarrow.csv as pacsv

                plain = _plain_schema(out_schema)
                with pacsv.CSVWriter(tmp, plain) as writer:
                    for f, arm in files:
                        t = conform(pq.read_table(f), schema, arm, arms).cast(plain)
                        writer.write_table(t)
                        rows += t.num_rows
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        return {
            "file": final.name,
            "rows": rows,
            "columns": {f.name: str(f.type) for f in out_schema},
            "arrow_schema": schema_b64(out_schema),
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

    The tables go through the same Arrow schema unification as a folder, so a table is the
    same whether it was read from a folder or built here.
    """

    def __init__(self, manifest: dict[str, Any]):
        self.manifest = manifest
        self.manifest.pop("_scenario_yaml", None)
        self._parts: dict[str, dict[str, pa.Table]] = {}

    def open(self) -> set[str]:
        self.manifest["status"] = "running"
        return set()

    def put(self, key: str, tables: Mapping[str, pd.DataFrame], seconds: float) -> None:
        self._parts[key] = {name: to_arrow(df) for name, df in tables.items()}
        for c in self.manifest["chunks"]:
            if c["key"] == key:
                c.update(status="done", seconds=round(seconds, 3))

    def mark(self, status: str, *, failed: Sequence[str] = (), error: str | None = None) -> None:
        self.manifest["status"] = status

    def finish(self, order: Sequence[tuple[str, str | None]]) -> dict[str, pd.DataFrame]:
        """The tables, each one DataFrame with the chunks in ``order``."""
        arms = self.manifest["identity"].get("arms") or []
        names: set[str] = set()
        for part in self._parts.values():
            names.update(part)
        out = {}
        for name in table_names(names):
            parts = [(arm, self._parts[key][name]) for key, arm in order if name in self._parts[key]]
            out[name] = combine(parts, arms).to_pandas()
        self._parts.clear()
        self.manifest["status"] = "complete"
        self.manifest["finished"] = now()
        return out
