"""What an analysis adds to a finished results folder: tables and figures, written whole.

``wargame sweep`` adds its response-curve table and figure, ``wargame discover`` its PRIM box
and feature scores. Each file is written under a temporary name and renamed into place (a
reader sees the old file or the new one, never half of one), and all of them under the
folder's lock (:class:`~sim.experiments.guard.FolderLock`), so that they never interleave with
a ``run --force`` or ``--resume`` of the same folder. In a folder at a URL each file is made
locally, then uploaded as one object (which appears whole), under the folder's lease. Their
names are ones a results folder may hold (``guard._OWN_NAMES``): ``<name>.parquet`` at the
top, figures under ``figures/``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sim.storage import is_remote, location, upload

from .guard import FolderLock
from .object_lock import ObjectLock
from .store import temp_name


def write_extras(
    folder: str | os.PathLike,
    tables: Mapping[str, pd.DataFrame] = {},
    figures: Mapping[str, Any] = {},
) -> list[Path]:
    """Write ``tables`` (file name → DataFrame, as Parquet) and ``figures`` (path relative to
    the folder → matplotlib Figure, as PNG) into ``folder``; the paths written.

    Raises:
        ExperimentError: another wargame process is writing the folder.
    """
    root = location(folder)
    remote = is_remote(root)
    written = []
    with ObjectLock(root.fs, root.path, str(root)) if remote else FolderLock(root):
        jobs = [
            (root / n, lambda tmp, df=df: df.to_parquet(tmp, index=False))
            for n, df in tables.items()
        ]
        jobs += [
            (root / n, lambda tmp, fig=fig: fig.savefig(tmp, format="png"))
            for n, fig in figures.items()
        ]
        for final, write in jobs:
            if remote:
                import tempfile

                with tempfile.TemporaryDirectory() as here:
                    local = Path(here) / final.name
                    write(local)
                    upload(local, final)
                written.append(final)
                continue
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp = temp_name(final)
            try:
                write(tmp)
                os.replace(tmp, final)
            finally:
                tmp.unlink(missing_ok=True)
            written.append(final)
    return written
