"""The in-memory store: an ensemble's chunks kept in memory, for ``sim.run`` without ``out``.

The same interface as :class:`sim.experiments.store.FolderStore` (``open``, ``put``, ``mark``,
``finish``), so the driver does not care where the tables go.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa

from sim.tables import ordered

from .arrowtables import combine, to_arrow
from .store import now


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
        for name in ordered(names):
            parts = [self._parts[k][name] for k in keys if name in self._parts[k]]
            out[name] = combine(parts).to_pandas()
        self._parts.clear()
        self.manifest["status"] = "complete"
        self.manifest["finished"] = now()
        return out
