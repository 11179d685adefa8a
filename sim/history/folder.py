"""A calibration's results folder: the same guarantees as any results folder.

Locked while written (:class:`sim.experiments.guard.FolderLock`), replaced with ``--force``
only when this tool made it, resumed with ``--resume`` only with the same scenario and
settings; every file written whole (a temporary sibling, renamed). Each generation is an
ordinary results folder ``gen-NN/`` of its own, resumable chunk by chunk.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.errors import ExperimentError
from sim.experiments.guard import (
    OWNER,
    FolderLock,
    check_replaceable,
    clear,
    has_content,
    identity_diff,
)
from sim.experiments.store import MANIFEST, atomic_write_text, now, temp_name, versions

KIND = "calibrate"


class CalibrationFolder:
    """The folder of one calibration (see the module docstring)."""

    def __init__(self, path: str | os.PathLike, identity: dict[str, Any]) -> None:
        self.path = Path(path)
        self.identity = identity
        self.lock = FolderLock(self.path)

    def check(self, *, resume: bool, force: bool) -> None:
        """Refuse what cannot be done, before anything is written."""
        p = self.path
        try:
            if p.exists() and not p.is_dir():
                raise ExperimentError(f"{p}: exists and is not a folder")
            if not has_content(p):
                return
            if force:
                check_replaceable(p)
                return
            if not resume:
                raise ExperimentError(
                    f"{p}: already exists and is not empty;"
                    " use --resume to continue it or --force to replace it"
                )
            old = self._manifest()
            if old.get("kind") != KIND:
                raise ExperimentError(f"{p}: cannot resume: not a calibration folder")
            diff = identity_diff(old.get("identity", {}), self.identity)
            if diff:
                raise ExperimentError(
                    f"{p}: cannot resume: the calibration was started with other settings:",
                    *(f"  {line}" for line in diff),
                    "calibrate into a new --out folder, or use --force to replace this one",
                )
        except OSError as exc:
            raise ExperimentError(
                f"--out {p}: cannot use this folder ({exc.strerror or exc})"
            ) from None

    def _manifest(self) -> dict[str, Any]:
        try:
            return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ExperimentError(f"{self.path}: cannot resume: no readable {MANIFEST}") from None

    def acquire(self, *, force: bool) -> None:
        """Lock the folder; with ``force``, empty it (it was checked to be ours)."""
        self.lock.acquire()
        if force and has_content(self.path):
            check_replaceable(self.path)  # again, under the lock
            clear(self.path)
        self._write_manifest("running")

    def release(self) -> None:
        self.lock.release()

    def generation(self, g: int) -> Path:
        return self.path / f"gen-{g:02d}"

    def _write_manifest(self, status: str, **extra: Any) -> None:
        manifest = {
            "wargame_results": 1,
            "written_by": OWNER,
            "kind": KIND,
            "status": status,
            "identity": self.identity,
            "versions": versions(),
            "updated": now(),
            **extra,
        }
        atomic_write_text(self.path / MANIFEST, json.dumps(manifest, indent=2, default=str))

    def write(
        self,
        scenario: Any,
        cal: Any,
        scales: dict[str, float],
        posterior_name: str,
        scenario_name: str,
    ) -> Path:
        """Write the tables, the figure and the calibrated scenario; mark the folder complete."""
        from sim.scenario import dump_resolved

        from .calibration_figure import prior_posterior

        self._table(cal.posterior, posterior_name)
        self._table(cal.particles, "particles.parquet")
        self._table(cal.diagnostics, "diagnostics.parquet")
        self._table(cal.summary(), "parameters.parquet")
        digest = _sha256(self.path / posterior_name)
        text = dump_resolved(scenario).replace(
            "# Resolved scenario: includes merged, overrides applied, defaults filled in.\n",
            "# Calibrated scenario (wargame calibrate): the fitted parameters are drawn jointly\n"
            f"# from {posterior_name}; the rest as before. Includes merged, defaults filled in.\n",
        )
        text += f"posterior:\n  file: {posterior_name}\n  sha256: {digest}\n"
        final = self.path / scenario_name
        atomic_write_text(final, text)
        fig = prior_posterior(cal)
        tmp = temp_name(self.path / "prior_posterior.png")
        try:
            fig.savefig(tmp, format="png", dpi=110)
            os.replace(tmp, self.path / "prior_posterior.png")
        finally:
            tmp.unlink(missing_ok=True)
        self._write_manifest(
            "complete",
            observations=cal.observations,
            scales=scales,
            generations=len(cal.diagnostics),
        )
        return final

    def _table(self, df: pd.DataFrame, name: str) -> None:
        final = self.path / name
        tmp = temp_name(final)
        try:
            df.to_parquet(tmp, index=False)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)


def _sha256(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def load(path: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """The tables of a finished calibration folder."""
    p = Path(path)
    out = {}
    for name in ("posterior", "particles", "diagnostics", "parameters"):
        out[name] = pd.read_parquet(p / f"{name}.parquet")
    return out


__all__ = ["KIND", "CalibrationFolder", "load"]
