"""A results folder at an fsspec URL (``s3://bucket/prefix``...): the guarantees of a local
folder without renames.

The layout is that of :mod:`sim.experiments.store`, and so are the checks (``--resume``,
``--force``, ownership); what changes is how each step is made atomic, since an object store
has no rename and no ``flock``:

- **A chunk** is written by the worker that ran it (a Dask worker, a pool process), straight
  to ``DIR/chunks/<key>/<table>.parquet``, one PUT per file, then committed by a marker written
  **last**, ``DIR/chunks/<key>/_COMMITTED``: the files with their sizes and rows, and the
  writer's host and PID. :meth:`ObjectStore.finished` is the chunks whose marker exists and
  whose listed files exist with those sizes; anything else under ``chunks/`` is what a kill
  left, removed when the folder is opened again. The client receives no tables: it reads the
  marker and records the writer in the manifest.
- **The end**: each table's dataset, ``DIR/<table>.parquet/part-NNNNNN.parquet``, is made by
  server-side copies of the chunk files (``fs.copy``; small chunks are joined into parts of
  100,000 rows, and a chunk whose types differ is rewritten, as on a disk),
  then the manifest marked ``complete`` is written — one PUT, atomic — which is the commit
  point; then ``chunks/`` is deleted. A reader trusts only the manifest. A kill before the
  manifest leaves the chunks and their markers (``--resume`` finishes again); after it, at
  worst ``chunks/`` left over, removed by the next open.
- **The lock** is a lease (:mod:`sim.experiments.object_lock`).

``memory://`` lives in one process's memory: its chunks come back to the client, which
writes them (the same function, the same marker).
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.storage import StorageError, check, check_protocol, filesystem, is_url, location
from sim.tables import ordered

from . import compact
from .arrowtables import (
    conform,
    plain_schema,
    schema_b64,
    schema_from_b64,
    table_info,
    to_arrow,
    unified_schema,
)
from .errors import ExperimentError
from .object_lock import ObjectLock
from .store import CHUNKS, COMPRESSION, MANIFEST, MANIFEST_INTERVAL, FolderStore, now

MARKER = "_COMMITTED"


def write_chunk_object(
    url: str,
    tables: Mapping[str, pd.DataFrame],
    arm: str | None = None,
    arms: Sequence[str] = (),
    on_table: Any = None,
) -> None:
    """Write one chunk's tables at ``url`` (one object each), then its marker, last."""
    fs, root = filesystem(url)
    files, blobs = {}, {}
    for k, (name, df) in enumerate(tables.items(), 1):
        table = to_arrow(df, arm, arms)
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression=COMPRESSION)
        data = sink.getvalue()
        blobs[f"{root}/{name}.parquet"] = data.to_pybytes()
        schema = schema_b64(table.schema.remove_metadata())
        files[f"{name}.parquet"] = {"size": data.size, "rows": table.num_rows, "schema": schema}
        if on_table is not None:
            on_table(k, len(tables))
    fs.pipe(blobs)  # concurrently, where the file system can (s3fs, gcsfs)
    marker = {"files": files, "host": socket.gethostname(), "pid": os.getpid(), "at": now()}
    fs.pipe_file(f"{root}/{MARKER}", json.dumps(marker).encode())


class ObjectStore(FolderStore):
    """:class:`~sim.experiments.store.FolderStore` at a URL (see the module docstring).

    ``workers_write`` says whether the executor's workers write their chunks themselves
    (always, except for ``memory://``).
    """

    def __init__(
        self,
        url: str,
        manifest: dict[str, Any],
        fmt: str = "parquet",
        allow_version_change: bool = False,
    ):
        super().__init__(".", manifest, fmt, allow_version_change)
        self.url = str(url).rstrip("/")
        try:
            check_protocol(self.url)
            self.path = location(self.url)
        except StorageError as exc:
            raise ExperimentError(f"--out {self.url}: {exc}") from None
        self._fs = None
        self._markers: dict[str, dict[str, Any]] = {}

    @property
    def fs(self) -> Any:
        if self._fs is None:
            self._fs = self.path.fs
        return self._fs

    @property
    def root(self) -> str:
        return self.path.path

    @property
    def workers_write(self) -> bool:
        return "memory" not in self.fs.protocol

    def chunks_url(self) -> str:
        return f"{self.url}/{CHUNKS}"

    # -- before anything is written --

    def check(self, *, resume: bool = False, force: bool = False) -> None:
        try:
            check(self.path)
        except StorageError as exc:
            raise ExperimentError(f"--out {self.url}: {exc}") from None
        super().check(resume=resume, force=force)

    def open(self) -> set[str]:
        """Take the lease, check again, then create or reopen the folder."""
        self._lock = ObjectLock(self.fs, self.root, self.url)
        try:
            self._lock.acquire()
            try:
                self.check(**self._flags)
                done = self._open()
                if self._lock.stale is not None and self.manifest.get("resumed"):
                    self.manifest["resumed"][-1]["took_over_lock"] = self._lock.stale
                    self.write_manifest()  # whose lease had run out, on the record
                return done
            except BaseException:
                self.close()
                raise
        except OSError as exc:  # PermissionError, a broken connection...
            raise ExperimentError(
                f"--out {self.url}: cannot write the results folder ({exc.strerror or exc})"
            ) from None

    def _clean_temporaries(self) -> None:
        """Remove what a killed writer left: chunk objects without a valid marker, and the
        chunks of a folder whose manifest already says complete."""
        fs, base = self.fs, f"{self.root}/{CHUNKS}"
        if not fs.exists(base):
            return
        try:
            status = json.loads(fs.cat_file(f"{self.root}/{MANIFEST}")).get("status")
        except (OSError, ValueError):
            status = None
        if status == "complete":
            fs.rm(base, recursive=True)
            return
        keep = self._committed()
        garbage = [p for p in fs.find(base) if p[len(base) + 1 :].rsplit("/", 1)[0] not in keep]
        if garbage:
            fs.rm(garbage)

    def _committed(self) -> set[str]:
        """The chunks whose marker exists and lists files that exist with their sizes."""
        base = f"{self.root}/{CHUNKS}"
        listing = self.fs.find(base, detail=True) if self.fs.exists(base) else {}
        markers = [p for p in listing if p.endswith(f"/{MARKER}")]
        found = self.fs.cat(markers) if markers else {}
        done = set()
        for path, data in (found or {}).items():
            key = path[len(base) + 1 : -len(MARKER) - 1]
            try:
                marker = json.loads(data)
                ok = all(
                    listing.get(f"{base}/{key}/{f}", {}).get("size") == meta["size"]
                    for f, meta in marker["files"].items()
                )
            except (ValueError, KeyError, TypeError, AttributeError):
                ok = False
            if ok and key in self._status:
                self._markers[key] = marker
                done.add(key)
        return done

    def finished(self) -> set[str]:
        return self._committed()

    # -- writing --

    def put(
        self,
        key: str,
        tables: Mapping[str, pd.DataFrame] | None,
        seconds: float,
        arm: str | None = None,
    ) -> None:
        """Record a chunk its worker committed (or write it, for ``memory://``)."""
        self._lock.check()
        url = f"{self.chunks_url()}/{key}"
        if tables is not None:
            arms = self.manifest["identity"].get("arms") or ()
            write_chunk_object(url, tables, arm, arms)
        try:
            marker = json.loads(self.fs.cat_file(f"{self.root}/{CHUNKS}/{key}/{MARKER}"))
        except FileNotFoundError:
            raise RuntimeError(f"chunk {key} was reported written but has no marker") from None
        self._markers[key] = marker
        status = self._status[key]
        status.update(status="done", seconds=round(seconds, 3))
        status["writer"] = {"host": marker.get("host"), "pid": marker.get("pid")}
        if self._new_versions is not None:
            status["versions"] = self._new_versions
        if time.monotonic() - self._last_write >= MANIFEST_INTERVAL:
            self.write_manifest()

    # -- the end --

    def finish(self, keys: Sequence[str]) -> None:
        """Make the tables by server-side copies, commit the manifest, drop the chunks."""
        self._lock.check()
        base = f"{self.root}/{CHUNKS}"
        names: set[str] = set()
        for key in keys:
            names.update(f.removesuffix(".parquet") for f in self._markers[key]["files"])
        tables: dict[str, Any] = {}
        for name in ordered(names):
            files = [
                f"{base}/{k}/{name}.parquet"
                for k in keys
                if f"{name}.parquet" in self._markers[k]["files"]
            ]
            make = self._dataset if self.fmt == "parquet" else self._csv
            tables[name] = make(name, files)
        self.manifest["tables"] = tables
        self.manifest["status"] = "complete"
        self.manifest["finished"] = now()
        self.write_manifest()  # the commit point
        self.fs.rm(base, recursive=True)

    def _schema(self, files: Sequence[str]) -> tuple[pa.Schema, list[pa.Schema], list[int]]:  # type: ignore[override]
        """The common schema of ``files``, each one's and its rows, from the markers (no
        footer is read)."""
        infos = [self._markers[_key(f, self.root)]["files"][f.rsplit("/", 1)[1]] for f in files]
        schemas = [schema_from_b64(i["schema"]) for i in infos]
        rows = [int(i["rows"]) for i in infos]
        return unified_schema(schemas, rows), schemas, rows

    def _read(self, file: str) -> pa.Table:
        with self.fs.open(file, "rb") as fh:
            return pq.read_table(fh)

    def _dataset(self, name: str, files: Sequence[str]) -> dict[str, Any]:  # type: ignore[override]
        """The table as parts in row order: a chunk file copied server-side, or small chunks
        (and one whose types differ) joined into one part (:mod:`sim.experiments.compact`),
        as on a local disk."""
        schema, schemas, counts = self._schema(files)
        final = f"{self.root}/{name}.parquet"
        if self.fs.exists(final):  # left by a finish that was interrupted
            self.fs.rm(final, recursive=True)
        parts = compact.plan(counts)
        rows, copies = 0, {}
        for i, group in enumerate(parts):
            part = f"{final}/part-{i:06d}.parquet"
            if len(group) == 1 and schemas[group[0]].equals(schema):
                copies[files[group[0]]] = part
                rows += counts[group[0]]
                continue
            sink = pa.BufferOutputStream()
            handles = [self.fs.open(files[k], "rb") for k in group]
            try:
                rows += compact.join(handles, schema, sink, COMPRESSION)
            finally:
                for h in handles:
                    h.close()
            self.fs.pipe_file(part, sink.getvalue().to_pybytes())
        if copies:  # server-side, concurrently where the file system can
            self.fs.copy(list(copies), list(copies.values()))
        return table_info(f"{name}.parquet", rows, len(parts), schema)

    def _csv(self, name: str, files: Sequence[str]) -> dict[str, Any]:  # type: ignore[override]
        """One CSV object, streamed chunk after chunk (it appears only when whole)."""
        import pyarrow.csv as pacsv

        schema, *_ = self._schema(files)
        plain = plain_schema(schema)
        rows = 0
        with self.fs.open(f"{self.root}/{name}.csv", "wb") as out:
            with pacsv.CSVWriter(pa.PythonFile(out, mode="w"), plain) as writer:
                for f in files:
                    t = conform(self._read(f), schema).cast(plain)
                    writer.write_table(t)
                    rows += t.num_rows
        return table_info(f"{name}.csv", rows, 1, schema)


def _key(file: str, root: str) -> str:
    """The chunk key of ``ROOT/chunks/<key>/<table>.parquet``."""
    return file[len(root) + len(CHUNKS) + 2 :].rsplit("/", 1)[0]


def make_store(
    out: Any, manifest: dict[str, Any], fmt: str, allow_version_change: bool
) -> FolderStore:
    """The store of ``--out``: a local folder's, or an object store's for a URL."""
    if is_url(out):
        return ObjectStore(str(out), manifest, fmt, allow_version_change)
    return FolderStore(location(out), manifest, fmt, allow_version_change)
