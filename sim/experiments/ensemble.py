"""Ensembles in chunks: the plan, the seeds, the task a worker runs, and the driver.

An ensemble of N runs is cut into chunks of a fixed size; chunk ``c`` is seeded by
``SeedSequence(seed).spawn(n_chunks)[c]`` and its runs are numbered from its offset, so a
chunk's tables depend only on the scenario, the seed, the chunk size and ``c`` — never on which
worker ran it, when, or next to what. The same chunk seed serves every arm of a counterfactual
(common random numbers: run r of one arm is paired with run r of the other).

:func:`execute` is the one driver behind :func:`run`, ``compare`` and ``sensitivity``: it
checks the input, plans, connects the executor, and only then opens the store — so bad input
(including an unreachable scheduler) writes nothing — and then streams finished chunks into the
store, marking the folder ``interrupted`` on Ctrl-C and ``failed`` when a chunk fails.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.tables import RECORDS

from .errors import ChunkFailed, ExperimentError
from .manifest import manifest_for, override_lines
from .options import ExecOptions
from .progress import NoProgress, Progress, StepCredit
from .tasks import Chunk, Task

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

    from .results import Results


# --- the plan ---------------------------------------------------------------------------------


def plan(runs: int, chunk_size: int, arms: Sequence[str] | None = None) -> list[Chunk]:
    """The chunks of ``runs`` runs of each arm, ``chunk_size`` runs at most each.

    Chunks are listed arm by arm (the order of rows in the tables); :func:`interleave` gives
    the order they are run in.
    """
    n = math.ceil(runs / chunk_size)
    out: list[Chunk] = []
    for arm in arms or [None]:
        for c in range(n):
            start = c * chunk_size
            out.append(Chunk(c, start, min(start + chunk_size, runs), arm, len(out)))
    return out


def interleave(chunks: Sequence[Chunk]) -> list[Chunk]:
    """Chunk 0 of every arm, then chunk 1...: an interrupted comparison keeps whole pairs."""
    return sorted(chunks, key=lambda c: (c.index, c.order))


def chunk_seeds(seed: int | np.random.SeedSequence, n_chunks: int) -> list[np.random.SeedSequence]:
    """The seed of every chunk: ``SeedSequence(seed).spawn(n_chunks)``."""
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return root.spawn(n_chunks)


# --- the driver -------------------------------------------------------------------------------


@dataclass
class Ensemble:
    """What to run: the scenario, how many runs, seeds, arms and design.

    Attributes:
        scenario: The resolved scenario.
        kind: ``run``, ``compare`` or ``sensitivity`` (recorded in the manifest).
        runs: Runs per arm.
        seed: The ensemble seed.
        chunk_size: Runs per chunk.
        record: ``full`` or ``outcomes``.
        arms: Arm id → interventions (channel ref → ``Bound``), or ``None`` for one arm.
        param_values: Dotted path → array (``runs``,) of values replacing the sampled ones;
            with arms, arm id → such a mapping (each point of a sensitivity design is an arm,
            so that the points of one group share their random numbers).
        identity: Extra entries that a resumed folder must match (counterfactual, design).
        info: Extra entries for the manifest.
    """

    scenario: Scenario
    kind: str
    runs: int
    seed: int
    chunk_size: int
    record: str = "full"
    arms: dict[str, Mapping[str, Any] | None] | None = None
    param_values: dict[str, Any] | None = None
    identity: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def chunks(self) -> list[Chunk]:
        return plan(self.runs, self.chunk_size, list(self.arms) if self.arms else None)

    def tasks(self, chunks: Sequence[Chunk], folder: Path | str | None = None) -> list[Task]:
        """The tasks of ``chunks``; with ``folder`` (a path, or a URL), each worker writes
        into it."""
        seeds = chunk_seeds(self.seed, math.ceil(self.runs / self.chunk_size))
        arms = tuple(self.arms or ())
        out = []
        for c in chunks:
            pv = None
            if self.param_values is not None:
                values = self.param_values[c.arm] if self.arms else self.param_values
                pv = {k: np.asarray(v)[c.start : c.stop] for k, v in values.items()}
            iv = self.arms.get(c.arm) if self.arms and c.arm is not None else None
            where = None
            if folder is not None:  # a URL is joined with "/", as object stores do
                where = f"{folder}/{c.key}" if isinstance(folder, str) else str(folder / c.key)
            out.append(Task(self.scenario, c, seeds[c.index], self.record, iv, pv, where, arms))
        return out


def resolve_settings(
    scenario: Scenario, runs: int | None, seed: int | None, chunk_size: int | None
) -> tuple[int, int, int]:
    """``runs``, ``seed`` and ``chunk_size``: the arguments, else the scenario's ``run`` block.

    Raises:
        ExperimentError: for a count below 1 or a negative seed.
    """
    cfg = scenario.run
    runs = cfg.runs if runs is None else runs
    seed = cfg.seed if seed is None else seed
    chunk_size = cfg.chunk_size if chunk_size is None else chunk_size
    problems = []
    if not isinstance(runs, int | np.integer) or runs < 1:
        problems.append(f"--runs: expected a whole number of at least 1, got {runs}")
    if not isinstance(seed, int | np.integer) or seed < 0:
        problems.append(f"--seed: expected a whole number of at least 0, got {seed}")
    if not isinstance(chunk_size, int | np.integer) or chunk_size < 1:
        problems.append(f"--chunk-size: expected a whole number of at least 1, got {chunk_size}")
    if problems:
        raise ExperimentError(*problems)
    return int(runs), int(seed), int(chunk_size)


def execute(ens: Ensemble, options: ExecOptions | None = None) -> Results:
    """Run an ensemble into a results folder (or memory) and return its :class:`Results`.

    Everything that can be wrong with the input is checked before the first write: the
    record mode, the folder (``resume``/``force``), the executor (a Dask scheduler is
    connected here). Then chunks stream into the store as they finish. ``options`` gives
    where and how; its ``chunk_size`` and ``overrides`` are already in ``ens``.

    Raises:
        ExperimentError: bad input; nothing was written.
        ChunkFailed: a chunk failed; finished chunks are kept, the folder is marked failed.
        KeyboardInterrupt: Ctrl-C; finished chunks are kept, the folder is marked interrupted.
    """
    from . import budget
    from .executors import default_workers
    from .memory_store import MemoryStore
    from .object_store import make_store
    from .store import FolderStore

    opts = options if options is not None else ExecOptions()
    if ens.record not in RECORDS:
        raise ExperimentError(f"--record: expected one of {', '.join(RECORDS)}, got {ens.record!r}")
    local = min(opts.workers or default_workers(), default_workers())
    est = budget.check(
        ens.scenario,
        ens.runs,
        ens.chunk_size,
        ens.record,
        local,
        len(ens.arms or [None]),
        memory_check=opts.memory_check and opts.scheduler is None,
    )
    chunks = ens.chunks()
    manifest = manifest_for(ens, opts.format, chunks, opts.command)
    manifest["estimate"] = est.as_dict()
    store: FolderStore | MemoryStore
    if opts.out is not None:
        store = make_store(opts.out, manifest, opts.format, opts.allow_version_change)
        store.check(resume=opts.resume, force=opts.force)
    else:
        store = MemoryStore(manifest)
    try:
        return _drive(
            ens, store, chunks, opts.workers, opts.scheduler, opts.progress or NoProgress()
        )
    finally:
        if isinstance(store, FolderStore):
            store.close()


def _drive(
    ens: Ensemble,
    store: Any,
    chunks: list[Chunk],
    workers: int | None,
    scheduler: str | None,
    progress: Progress,
) -> Results:
    """Connect the executor, open the store, stream the chunks in, make the tables."""
    from .executors import make_executor
    from .memory_store import MemoryStore
    from .object_store import ObjectStore
    from .results import Results
    from .store import CHUNKS, FolderStore

    with make_executor(workers, scheduler, len(chunks)) as executor:
        store.manifest["executor"] = {"kind": executor.name, "workers": executor.workers}
        if isinstance(store, ObjectStore) and store.workers_write:
            executor.check_storage(store.url)  # before the first write
        done = store.open()
        if store.manifest.get("status") == "complete":
            return Results(path=store.path, scenario=ens.scenario)
        todo = [c for c in interleave(chunks) if c.key not in done]
        total = ens.runs * len(ens.arms or [None])
        progress.start(total, total - sum(c.runs for c in todo))
        # Local workers write their chunks themselves, and so does every worker into a folder
        # at a URL; a cluster's send them back to a local folder.
        folder: Path | str | None = None
        if isinstance(store, ObjectStore):
            folder = store.chunks_url() if store.workers_write else None
        elif isinstance(store, FolderStore) and executor.shares_disk:
            folder = store.path / CHUNKS
        tasks = ens.tasks(todo, folder)
        credit = StepCredit(progress)  # the bar moves as the chunks' models step
        executor.on_step = credit.step
        try:
            for task, output in executor.results(tasks):
                store.put(task.chunk.key, output.tables, output.seconds, task.chunk.arm)
                del output
                credit.done(task)
        except KeyboardInterrupt:
            progress.stop()
            store.mark("interrupted")
            raise
        except ChunkFailed as exc:
            progress.stop()
            store.mark("failed", failed=exc.keys, error=str(exc))
            raise
        except MemoryError:
            progress.stop()
            why = "out of memory (MemoryError): use a smaller --chunk-size or fewer --workers"
            store.mark("failed", error=why)
            raise ChunkFailed(["a chunk"], why) from None
        progress.stop()

    keys = [c.key for c in chunks]
    if isinstance(store, MemoryStore):
        tables = store.finish(keys)
        return Results(tables=tables, manifest=store.manifest, scenario=ens.scenario)
    try:
        store.finish(keys)
    except KeyboardInterrupt:
        store.mark("interrupted")
        raise
    return Results(path=store.path, scenario=ens.scenario)


# --- the public entry point -------------------------------------------------------------------


def load(scenario: Any, overrides: Any = None) -> tuple[Scenario, Path | None]:
    """A scenario object and its file: load a path (with overrides), or take a Scenario."""
    if isinstance(scenario, str | os.PathLike):
        from sim.scenario import load_scenario

        return load_scenario(scenario, overrides=overrides), Path(scenario)
    if overrides:
        from collections.abc import Mapping

        from sim.scenario import load_data, with_values

        if isinstance(overrides, Mapping):
            return with_values(scenario, overrides), None
        data = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
        return load_data(data, "<scenario>", overrides=list(overrides)), None
    return scenario, None


def run(
    scenario: Scenario | str | os.PathLike,
    runs: int | None = None,
    seed: int | None = None,
    *,
    record: str = "full",
    options: ExecOptions | None = None,
    **keywords: Any,
) -> Results:
    """Run an ensemble of the scenario and return its results.

    Args:
        scenario: A loaded scenario, or the path of a scenario file.
        runs: Replications (default: the scenario's ``run.runs``).
        seed: The ensemble seed (default: ``run.seed``).
        record: ``full`` (the per-step tables) or ``outcomes`` (one row per run).
        options: How to run it (:class:`~sim.experiments.options.ExecOptions`: ``out``,
            ``workers``, ``scheduler``, ``chunk_size``, ``resume``, ``force``, ``progress``,
            ``format``, ``overrides``, ``command``, ``allow_version_change``,
            ``memory_check``).
        **keywords: Any of those options by name (``workers=2, out="runs/x"``), replacing
            the field of ``options``.

    Returns:
        The :class:`~sim.experiments.results.Results` (read lazily from ``out`` when given).
    """
    opts = ExecOptions.of(options, keywords, "run")
    sc, source = load(scenario, opts.overrides)
    runs, seed, chunk_size = resolve_settings(sc, runs, seed, opts.chunk_size)
    info = {"overrides": override_lines(opts.overrides)}
    ens = Ensemble(sc, "run", runs, seed, chunk_size, record, info=info, source=source)
    return execute(ens, opts)
