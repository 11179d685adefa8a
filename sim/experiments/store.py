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
present. The dataset's files are hard links to the chunk files (no copy, no rewrite) — but
for small chunks, joined into parts of 100,000 rows (:mod:`sim.experiments.compact`) — so
finishing costs little and memory stays flat however many runs there are.

Chunks are written by whoever ran them: a local worker process writes its own chunk (the
tables never travel through a pipe); a Dask cluster's — whose workers may not share this disk —
come back as DataFrames and are written here by :func:`write_chunk`, unless the folder is at a
URL, where every worker writes its own (:mod:`sim.experiments.object_store`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.storage import is_remote, location, read_text
from sim.tables import ordered

from . import compact
from .arrowtables import (  # noqa: F401  (re-exported: the store's public helpers)
    arm_column,
    combine,
    conform,
    plain_schema,
    schema_b64,
    schema_from_b64,
    table_info,
    to_arrow,
    unified_schema,
)
from .errors import ExperimentError
from .guard import FolderLock, check_replaceable, clear, has_content, identity_diff
from .options import FORMATS

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
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half
    (at a URL: one PUT, which is atomic)."""
    if is_remote(path):
        return path.write_text(text, encoding="utf-8")
    tmp = temp_name(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def is_temporary(path: Path) -> bool:
    """Whether ``path`` is a temporary file or folder of this module (left by a kill)."""
    return path.name.startswith(".") and TMP_MARK in path.name


def write_chunk(
    folder: str | os.PathLike,
    tables: Mapping[str, pd.DataFrame],
    arm: str | None = None,
    arms: Sequence[str] = (),
    on_table: Any = None,
) -> None:
    """Commit one chunk: its tables written into a temporary folder, renamed as a whole
    (``on_table(k, n)`` hears of each; progress). After a crash there is either the whole
    chunk folder or none of it.
    """
    final = Path(folder)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(final)
    tmp.mkdir()
    try:
        for k, (name, df) in enumerate(tables.items(), 1):
            pq.write_table(
                to_arrow(df, arm, arms), tmp / f"{name}.parquet", compression=COMPRESSION
            )
            if on_table is not None:
                on_table(k, len(tables))
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
    file = location(path) / MANIFEST
    try:
        return json.loads(read_text(file))
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

    def __init__(
        self,
        path: str | os.PathLike,
        manifest: dict[str, Any],
        fmt: str = "parquet",
        allow_version_change: bool = False,
    ):
        if fmt not in FORMATS:
            raise ExperimentError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
        self.path = Path(path)
        self.manifest = manifest
        self.fmt = fmt
        self.resuming = False
        self.allow_version_change = allow_version_change
        self._flags = {"resume": False, "force": False}
        self._status = {c["key"]: c for c in manifest["chunks"]}
        self._last_write = 0.0
        self._lock = FolderLock(self.path)
        self._new_versions: dict[str, str] | None = None

    # -- before anything is written --

    def check(self, *, resume: bool = False, force: bool = False) -> None:
        """Refuse an existing non-empty folder unless resuming (and it matches: settings and
        package versions) or forcing (and the folder is one this tool made).

        Writes nothing, so that bad input leaves the file system as it was; :meth:`open`
        checks again under the folder's lock.
        """
        self._flags = {"resume": resume, "force": force}
        try:
            self._check(resume, force)
        except OSError as exc:  # an unreadable folder, a path under a file, a name too long
            raise ExperimentError(
                f"--out {self.path}: cannot use this folder ({exc.strerror or exc})"
            ) from None

    def _check(self, resume: bool, force: bool) -> None:
        p = self.path
        if p.exists() and not p.is_dir():
            raise ExperimentError(f"{p}: exists and is not a folder")
        if not has_content(p):
            self.resuming = False
            return
        has_manifest = (p / MANIFEST).is_file()
        if resume:
            if not has_manifest:
                raise ExperimentError(f"{p}: cannot resume: not a results folder (no {MANIFEST})")
            old = read_manifest(p)
            diff = identity_diff(old.get("identity", {}), self.manifest["identity"])
            if diff:
                raise ExperimentError(
                    f"{p}: cannot resume: the folder was started with different settings:",
                    *(f"  {line}" for line in diff),
                    "run into a new --out folder, or use --force to replace this one",
                )
            changed = identity_diff(old.get("versions", {}), versions())
            if changed and not self.allow_version_change:
                raise ExperimentError(
                    f"{p}: cannot resume: the folder was started with other package versions:",
                    *(f"  {line}" for line in changed),
                    "its chunks would come from two versions; use --allow-version-change to"
                    " resume anyway (recorded per chunk), or --force to start again",
                )
            self.resuming = True
            return
        if force:
            check_replaceable(p)
            return
        raise ExperimentError(
            f"{p}: already exists and is not empty;"
            " use --resume to continue it or --force to replace it"
        )

    # -- writing --

    def open(self) -> set[str]:
        """Lock the folder, check it again, then create (or reopen, when resuming) it; the
        keys of chunks already done. File-system failures become :class:`ExperimentError`."""
        created = [q for q in (self.path, *self.path.parents) if not q.exists()]
        try:
            self._lock.acquire()
            try:
                self.check(**self._flags)  # the folder may have changed since the first check
                return self._open()
            except BaseException:
                self.close()
                raise
        except OSError as exc:
            for q in created:  # leave no empty folder behind
                try:
                    q.rmdir()
                except OSError:
                    pass
            where = exc.filename or self.path
            raise ExperimentError(
                f"--out {self.path}: cannot write the results folder"
                f" ({exc.strerror or exc}: {where})"
            ) from None

    def close(self) -> None:
        """Release the folder's lock."""
        self._lock.release()

    def _open(self) -> set[str]:
        p = self.path
        scenario_yaml = self.manifest.pop("_scenario_yaml", "")
        if not self.resuming and has_content(p):
            clear(p)  # --force, checked by check()
        self._clean_temporaries()
        if not self.resuming:
            self.manifest["status"] = "running"
            self.write_manifest()  # first: a folder with anything in it has its manifest
            atomic_write_text(p / SCENARIO, scenario_yaml)
            return set()
        if not (p / SCENARIO).is_file():  # killed between the manifest and the scenario
            atomic_write_text(p / SCENARIO, scenario_yaml)
        old = read_manifest(p)
        if old.get("status") == "complete" and all(
            (p / t["file"]).exists() for t in old.get("tables", {}).values()
        ):
            self.manifest = old
            return set(self._status)
        done = self.finished()
        again = {"at": self.manifest.get("started"), "command": self.manifest.get("command")}
        if identity_diff(old.get("versions", {}), self.manifest["versions"]):
            self._new_versions = again["versions"] = self.manifest["versions"]
            self.manifest["versions"] = old.get("versions")
        self.manifest["started"] = old.get("started", again["at"])
        self.manifest["command"] = old.get("command", again["command"])
        self.manifest["resumed"] = [*old.get("resumed", []), again]
        previous = {c["key"]: c for c in old.get("chunks", [])}
        for key in done:
            before = previous.get(key, {})
            self._status[key].update(status="done", seconds=before.get("seconds"))
            if "versions" in before:
                self._status[key]["versions"] = before["versions"]
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
        if self._new_versions is not None:
            self._status[key]["versions"] = self._new_versions
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
        for name in ordered(names):
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

    def _schema(self, files: Sequence[Path]) -> tuple[pa.Schema, list[pa.Schema], list[int]]:
        metas = [pq.read_metadata(f) for f in files]
        schemas = [m.schema.to_arrow_schema().remove_metadata() for m in metas]
        rows = [m.num_rows for m in metas]
        return unified_schema(schemas, rows), schemas, rows

    def _dataset(self, name: str, files: Sequence[Path]) -> dict[str, Any]:
        """The table as a folder of the chunk files, in row order: linked, not copied, but
        for small files, joined into parts (:mod:`sim.experiments.compact`)."""
        schema, schemas, counts = self._schema(files)
        final = self.path / f"{name}.parquet"
        tmp = temp_name(final)
        tmp.mkdir()
        rows = 0
        parts = compact.plan(counts)
        try:
            for i, group in enumerate(parts):
                part = tmp / f"part-{i:06d}.parquet"
                if len(group) == 1 and schemas[group[0]].equals(schema):
                    _link_or_copy(files[group[0]], part)
                    rows += counts[group[0]]
                else:  # small chunks, or one whose types differ (an empty one): rewritten
                    rows += compact.join([files[k] for k in group], schema, part, COMPRESSION)
            if final.exists():  # left by a finish that was interrupted
                shutil.rmtree(final)
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return table_info(final.name, rows, len(parts), schema)

    def _csv(self, name: str, files: Sequence[Path]) -> dict[str, Any]:
        """The table as one CSV file, written chunk after chunk."""
        import pyarrow.csv as pacsv

        schema, *_ = self._schema(files)
        plain = plain_schema(schema)
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
        return table_info(final.name, rows, 1, schema)
