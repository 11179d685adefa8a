"""Results of an ensemble: tables read lazily from a results folder, or held in memory.

``sim.open_results(DIR)`` gives the same object as ``sim.run(..., out=DIR)``. A table is read
the first time it is asked for (``results.dyads``) and kept; :meth:`Results.dataset` gives the
pyarrow dataset instead, for a filtered or column-selected scan of a table too large for memory::

    import pyarrow.dataset as ds
    r = sim.open_results("runs/seoul")
    late = r.dataset("dyads").to_table(filter=ds.field("step") >= 20).to_pandas()
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.storage import StorageError, check, for_reading, is_remote, pyarrow_source
from sim.tables import TABLES

from .errors import ExperimentError
from .store import read_manifest, schema_from_b64

if TYPE_CHECKING:
    import pyarrow.dataset as pads

    from sim.analysis.estimands import Summary


class Results:
    """The tables of an ensemble, its manifest and its scenario.

    Attributes:
        path: The results folder, or ``None`` for results held in memory.
        manifest: What ran (scenario hash, seed, runs, chunks, versions, command line...).

    Tables (``None`` when the scenario has nothing that table records, or the run recorded
    outcomes only): ``actors``, ``stocks``, ``channels``, ``dyads``, ``fronts``, ``events``,
    ``params``, ``outcomes``.
    """

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        *,
        tables: Mapping[str, pd.DataFrame] | None = None,
        manifest: Mapping[str, Any] | None = None,
        scenario: Any = None,
    ):
        self.path = for_reading(path) if path is not None else None
        self._tables: dict[str, pd.DataFrame] = dict(tables or {})
        if manifest is None and self.path is not None:
            manifest = read_manifest(self.path)
        self.manifest: dict[str, Any] = dict(manifest or {})
        self._scenario = scenario

    def _parts(self) -> dict[str, Any]:
        """The arguments that build another result over the same folder or tables: what a
        comparison or a sensitivity result wraps."""
        return {
            "path": self.path,
            "tables": self._tables,
            "manifest": self.manifest,
            "scenario": self._scenario,
        }

    # -- what is here --

    @property
    def names(self) -> list[str]:
        """The tables this result has, in folder order."""
        if self.path is None:
            return list(self._tables)
        return list(self.manifest.get("tables", {}))

    @property
    def scenario(self) -> Any:
        """The resolved scenario as run (read from ``scenario.yaml`` for a folder)."""
        if self._scenario is None and self.path is not None:
            file = self.path / "scenario.yaml"
            if file.is_file():
                from sim.scenario import load_scenario

                if is_remote(file):  # the loader reads local files: a copy, read and dropped
                    import tempfile

                    with tempfile.TemporaryDirectory() as tmp:
                        local = Path(tmp) / file.name
                        local.write_bytes(file.read_bytes())
                        self._scenario = load_scenario(local)
                else:
                    self._scenario = load_scenario(file)
        return self._scenario

    @property
    def arms(self) -> list[str]:
        """The arms of a comparison, in their declared order (empty for a single arm)."""
        return list(self.manifest.get("arms") or [])

    def dataset(self, name: str) -> pads.Dataset:
        """The table ``name`` as a lazy pyarrow dataset (only for a results folder)."""
        import pyarrow.dataset as ds

        if self.path is None:
            raise ValueError("results held in memory have no dataset; use results.table(name)")
        info = self.manifest.get("tables", {}).get(name)
        if info is None:
            raise KeyError(f"{self.path}: no table {name!r} (has: {', '.join(self.names)})")
        file = self.path / info["file"]
        if file.suffix == ".csv":
            import pyarrow.csv as pacsv

            schema = schema_from_b64(info["arrow_schema"])
            plain = {f.name: (f.type.value_type if _is_dict(f.type) else f.type) for f in schema}
            # In CSV an empty field is a missing value: the one thing CSV cannot keep apart
            # from an empty string.
            opts = pacsv.ConvertOptions(column_types=plain, strings_can_be_null=True)
            fmt = ds.CsvFileFormat(convert_options=opts)
            src, fs = pyarrow_source(file)
            return ds.dataset(src, format=fmt, filesystem=fs)
        # A folder of one file per chunk; files are read in name order, which is run order.
        src, fs = pyarrow_source(file)
        return ds.dataset(src, format="parquet", filesystem=fs)

    def table(self, name: str) -> pd.DataFrame | None:
        """The table ``name`` as a DataFrame (read once, then kept), or ``None``."""
        if name in self._tables:
            return self._tables[name]
        if self.path is None or name not in self.manifest.get("tables", {}):
            return None
        table = self.dataset(name).to_table()
        info = self.manifest["tables"][name]
        if info["file"].endswith(".csv"):
            table = table.cast(schema_from_b64(info["arrow_schema"]))
        df = table.to_pandas()
        self._tables[name] = df
        return df

    # -- estimands --

    def summary(self) -> Summary:
        """The key estimands with their intervals (see :mod:`sim.analysis.estimands`)."""
        from sim.analysis.estimands import summarize

        return summarize(self)

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else "in memory"
        runs = self.manifest.get("runs", "?")
        return f"<Results {self.manifest.get('scenario_id', '?')}: {runs} runs, {where}>"


def _table_property(name: str) -> property:
    def get(self: Results) -> pd.DataFrame | None:
        return self.table(name)

    get.__doc__ = f"The {name} table (``None`` when this result has none); see :meth:`table`."
    return property(get)


for _name in TABLES:  # results.actors, results.outcomes...: one attribute per table of sim.tables
    setattr(Results, _name, _table_property(_name))


def _is_dict(t: Any) -> bool:
    import pyarrow as pa

    return pa.types.is_dictionary(t)


KINDS: dict[str, Callable[[Path, dict[str, Any]], Results]] = {}
"""The manifest's ``kind`` → what reads such a folder back (``compare`` → ``Comparison``...):
filled by the modules of those kinds (:func:`register_kind`), so that this module, which they
build on, never imports them. A kind not listed opens as a plain :class:`Results`."""


def register_kind(kind: str, reader: Callable[[Path, dict[str, Any]], Results]) -> None:
    """Let :func:`open_results` give ``reader(path, manifest)`` for folders of ``kind``."""
    KINDS[kind] = reader


def open_results(path: str | os.PathLike) -> Results:
    """Open a finished results folder (tables are read lazily, when asked for).

    Raises:
        ExperimentError: when ``path`` is not a results folder, or has not finished (the
            message says how to resume it).
    """
    try:
        p = for_reading(path)
        check(p)  # a URL: its protocol, endpoint, bucket and permission
    except StorageError as exc:
        raise ExperimentError(f"{path}: {exc}") from None
    manifest = read_manifest(p)
    status = manifest.get("status")
    if manifest.get("kind") == "calibrate":
        raise ExperimentError(
            f"{p}: a calibration folder, not an ensemble: its figure is prior_posterior.png, its"
            " tables posterior/diagnostics/parameters.parquet, and calibrated.yaml is the"
            f" scenario to run (wargame run {p / 'calibrated.yaml'}); each gen-NN folder is the"
            " ensemble of one generation"
        )
    if status != "complete":
        done = sum(1 for c in manifest.get("chunks", []) if c.get("status") == "done")
        total = len(manifest.get("chunks", []))
        raise ExperimentError(
            f"{p}: the ensemble has not finished (status {status}, about {done} of {total}"
            " chunks done); finish it with the same command and --resume"
        )
    missing = [n for n, t in manifest.get("tables", {}).items() if not (p / t["file"]).exists()]
    if missing:
        raise ExperimentError(f"{p}: tables missing from the folder: {', '.join(missing)}")
    _check_files(p, manifest)
    reader = KINDS.get(manifest.get("kind"))
    if reader is not None:
        return reader(p, manifest)
    return Results(p, manifest=manifest)


def _check_files(p: Any, manifest: Mapping[str, Any]) -> None:
    """Refuse a folder whose files are not what its manifest says: a ``scenario.yaml`` that
    was edited or swapped (its hash), a truncated or foreign Parquet file (its footer)."""
    import hashlib

    import pyarrow.parquet as pq

    want = (manifest.get("scenario") or {}).get("sha256_resolved")
    file = p / "scenario.yaml"
    if want and file.is_file() and hashlib.sha256(file.read_bytes()).hexdigest() != want:
        raise ExperimentError(
            f"{file}: changed since the run (its hash is not the manifest's);"
            " put back the scenario.yaml the run wrote, or run again"
        )
    for name, info in manifest.get("tables", {}).items():
        where = p / info["file"]
        files = sorted(where.glob("*.parquet")) if where.is_dir() else [where]
        for f in files:
            if f.suffix != ".parquet":
                continue
            try:
                if is_remote(f):
                    with f.open("rb") as fh:
                        pq.read_metadata(fh)
                else:
                    pq.read_metadata(f)
            except Exception as exc:  # ArrowInvalid, OSError: not a whole Parquet file
                raise ExperimentError(
                    f"{f}: table {name} is damaged ({str(exc).splitlines()[0][:120]});"
                    " run the ensemble again"
                ) from None


__all__ = ["KINDS", "Results", "open_results", "register_kind"]
