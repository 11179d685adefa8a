"""How an experiment runs, apart from what it runs: one :class:`ExecOptions` shared by ``run``,
``compare``, ``sensitivity``, ``sweep``, the history commands and the command line.

Where the tables go (``out``, ``format``, ``resume``, ``force``), who computes them
(``workers``, ``scheduler``, ``chunk_size``), what is told along the way (``progress``) and
what is recorded (``command``, ``overrides``) do not change *what* an experiment is; listing
them once keeps the entry points from each repeating (and drifting on) a dozen keywords. The
Python functions still take them as keywords (``sim.run(path, workers=2)``), or a whole
``options=ExecOptions(...)``; :meth:`ExecOptions.of` merges the two.

A leaf: no pandas, no model, so that the command line builds one before anything heavy loads.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .progress import Progress

FORMATS = ("parquet", "csv")
"""The formats of a results folder's tables (``--format``)."""


@dataclass(frozen=True)
class ExecOptions:
    """The execution options of an experiment.

    Attributes:
        out: A results folder; ``None`` keeps the tables in memory.
        workers: Local processes (``None``: every core; 1: this process).
        scheduler: A Dask scheduler address (``tcp://host:port``) instead of local processes.
        chunk_size: Runs per chunk (default: the scenario's ``run.chunk_size``); part of what
            fixes the results, with the seed.
        resume: Continue an interrupted folder: run only its missing chunks.
        force: Replace an existing results folder.
        progress: Where to report progress (the command line passes its bar).
        format: ``parquet`` or ``csv`` (:data:`FORMATS`) for the tables of the folder.
        overrides: ``PATH=VALUE`` strings or a mapping, applied when loading the scenario.
        command: The command line to record in the manifest (default ``sys.argv``).
        allow_version_change: Resume a folder started with other package versions (each chunk
            then records the versions that made it).
        memory_check: Refuse chunks that would not fit in memory (see
            :mod:`sim.experiments.budget`); ``False`` skips that check.
    """

    out: str | os.PathLike | None = None
    workers: int | None = 1
    scheduler: str | None = None
    chunk_size: int | None = None
    resume: bool = False
    force: bool = False
    progress: Progress | None = None
    format: str = "parquet"
    overrides: Any = None
    command: Sequence[str] | None = None
    allow_version_change: bool = False
    memory_check: bool = True

    @classmethod
    def of(
        cls, options: ExecOptions | None, keywords: Mapping[str, Any], caller: str
    ) -> ExecOptions:
        """``options`` (default: the defaults) with ``keywords`` replacing its fields.

        Raises:
            TypeError: for a keyword that is no option, as Python says it of ``caller()``
                (with the nearest option's name).
        """
        names = [f.name for f in dataclasses.fields(cls)]
        for key in keywords:
            if key not in names:
                near = difflib.get_close_matches(key, names, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise TypeError(f"{caller}() got an unexpected keyword argument {key!r}{hint}")
        base = options if options is not None else cls()
        return dataclasses.replace(base, **keywords) if keywords else base

    def replace(self, **changes: Any) -> ExecOptions:
        """A copy with ``changes``."""
        return dataclasses.replace(self, **changes)
