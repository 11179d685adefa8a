"""A results folder that holds some of the runs of another: the runs an analysis selected.

``wargame run --from DATE`` simulates candidate futures and keeps those consistent with the
record up to ``DATE`` (:mod:`sim.history.condition`); this module writes the kept runs as an
ordinary results folder, so that the summary, figures, report, ``explain`` and ``backtest`` read
it like any other. The runs keep their ids (``explain --run N`` re-simulates run ``N`` of the
candidates' seed and chunks), the chunks their keys; each chunk is read from the source with a
filter on ``run`` (Parquet row-group statistics), so memory follows one chunk, not the folder.
The store's guarantees hold: locked while written, chunks committed whole, ``--resume``.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc
import pyarrow.dataset as pads

from .ensemble import Ensemble
from .manifest import manifest_for
from .results import Results
from .store import FolderStore, read_manifest


def write_subset(
    source: str | os.PathLike,
    scenario: Any,
    runs: np.ndarray,
    out: str | os.PathLike,
    *,
    info: dict[str, Any],
    resume: bool = False,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Results:
    """Write the runs ``runs`` of the finished folder ``source`` into ``out``.

    Args:
        source: A complete ``--record full`` parquet results folder.
        scenario: Its scenario.
        runs: The run ids to keep.
        out: The new folder.
        info: What selected the runs (recorded in the manifest as ``conditioned``).
    """
    src = Path(source)
    old = read_manifest(src)
    keep = np.unique(np.asarray(runs, dtype=np.int64))
    ens = Ensemble(
        scenario,
        old.get("kind", "run"),
        int(old["runs"]),
        int(old["seed"]),
        int(old["chunk_size"]),
        old.get("record", "full"),
        identity={"kept_sha256": _digest(keep)},
        info={"conditioned": info},
    )
    chunks = ens.chunks()
    manifest = manifest_for(ens, "parquet", chunks, command)
    manifest["runs"] = int(keep.size)
    manifest["candidates"] = int(old["runs"])
    store = FolderStore(out, manifest, "parquet")
    store.check(resume=resume, force=force)
    try:
        done = store.open()
        if store.manifest.get("status") == "complete":
            return Results(path=store.path, scenario=scenario)
        datasets = {
            name: pads.dataset(src / t["file"], format="parquet")
            for name, t in old.get("tables", {}).items()
        }
        for c in chunks:
            if c.key in done:
                continue
            t0 = time.perf_counter()
            mine = keep[(keep >= c.start) & (keep < c.stop)]
            tables = {
                name: ds.to_table(filter=pc.field("run").isin(mine)).to_pandas()
                for name, ds in datasets.items()
            }
            store.put(c.key, tables, time.perf_counter() - t0)
        store.finish([c.key for c in chunks])
    finally:
        store.close()
    return Results(path=store.path, scenario=scenario)


def _digest(keep: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(keep).tobytes()).hexdigest()


__all__ = ["write_subset"]
