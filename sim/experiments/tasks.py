"""The unit of work a worker runs: a :class:`Chunk` of runs, its :class:`Task`, and
:func:`run_chunk`, which runs it and writes or returns its tables.

A leaf of :mod:`sim.experiments`: the executors (which ship tasks to processes and clusters)
and the driver in :mod:`sim.experiments.ensemble` (which plans them) both import it, and it
imports neither, so the two never need each other. Pool workers preload it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Chunk:
    """Runs ``[start, stop)`` of one arm, seeded by chunk ``index``.

    Attributes:
        index: The chunk's number (its seed is the ``index``-th child of the ensemble seed).
        start: Its first run id (the ``run_offset`` passed to the model).
        stop: One past its last run id.
        arm: The counterfactual arm, or ``None``.
        order: Its position in the plan (rows of the final tables follow this order).
    """

    index: int
    start: int
    stop: int
    arm: str | None = None
    order: int = 0

    @property
    def runs(self) -> int:
        return self.stop - self.start

    @property
    def key(self) -> str:
        """Its name in a results folder: ``c000003`` or ``<arm>/c000003``."""
        name = f"c{self.index:06d}"
        return f"{self.arm}/{name}" if self.arm is not None else name


@dataclass(frozen=True)
class Task:
    """Everything a worker needs to run one chunk (pickled to another process or machine)."""

    scenario: Scenario
    chunk: Chunk
    seed: np.random.SeedSequence
    record: str = "full"
    interventions: Mapping[str, Any] | None = None
    param_values: Mapping[str, np.ndarray] | None = None
    write_to: str | None = None
    """The chunk's folder (or its URL, on object storage) when the worker can reach the results
    folder (it writes the tables itself); ``None`` to send the tables back."""
    arms: tuple[str, ...] = ()


@dataclass
class ChunkOutput:
    """What a worker returns: the chunk's tables (DataFrames, never lists of tuples), or
    ``None`` when it wrote them into the results folder itself."""

    tables: dict[str, pd.DataFrame] | None
    seconds: float
    pid: int = field(default_factory=os.getpid)


def run_chunk(task: Task, on_step: Any = None) -> ChunkOutput:
    """Run one chunk with the vectorised model (all its runs at once) and write or return it.

    ``on_step(done, total)`` hears of its progress (never of its random numbers): each step of
    the model is a unit, and so are building its tables and writing them (``total`` is the
    horizon + 2), so that a progress bar moves through the whole chunk.
    """
    from sim.model import simulate

    t0 = time.perf_counter()
    total = task.scenario.time.horizon + 2

    def tell(done: float, _horizon: int | None = None) -> None:
        on_step(done, total)

    if on_step is None:
        tell = None  # type: ignore[assignment]
    tables = simulate(
        task.scenario,
        task.chunk.runs,
        task.seed,
        record=task.record,
        run_offset=task.chunk.start,
        interventions=task.interventions,
        param_values=task.param_values,
        on_step=tell,
    )
    if tell is not None:
        tell(total - 1)  # the tables are built
    if task.write_to is None:
        return ChunkOutput(dict(tables), time.perf_counter() - t0)
    wrote = None if tell is None else (lambda k, n: tell(total - 1 + k / n))
    if "://" in task.write_to:  # a folder at a URL: one object per table, then the marker
        from .object_store import write_chunk_object as write
    else:
        from .store import write_chunk as write
    write(task.write_to, tables, task.chunk.arm, task.arms, on_table=wrote)
    return ChunkOutput(None, time.perf_counter() - t0)


def describe(task: Task) -> str:
    """``chunk 3 (runs 3000–3999)``, with the arm when there is one."""
    c = task.chunk
    arm = f" of arm {c.arm}" if c.arm is not None else ""
    return f"chunk {c.index}{arm} (runs {c.start}–{c.stop - 1})"
