"""What an ensemble will cost, estimated before it starts, and the limits it must fit.

Before anything is planned or written, :func:`check` refuses (``ExperimentError``, exit 2):

- more than :data:`MAX_RUNS` runs in all (arms included), or a plan of more than
  :data:`MAX_CHUNKS` chunks — a plan is a list of chunk objects and a manifest entry each, so
  ``--runs 1000000000000`` would fill memory before the first run;
- chunks that would not fit in memory: a chunk's runs are one vectorised model and its tables
  are held until written, so ``chunk size × bytes per run × chunks in flight`` must stay below
  :data:`MEMORY_SHARE` of the memory available now. ``memory_check=False`` (the command line's
  ``--no-memory-check``) skips this one check, not the others.

Bytes per run are estimated from the scenario's size: per step and run, a row in the actors,
dyads and channel tables per actor and pair of actors (about :data:`ROW_BYTES` each, in the
DataFrames and their Arrow copy) plus the model's own state (:data:`STATE_BYTES`); with
``record="outcomes"`` only the state. The flagship (7 actors, 24 months) measures about 160 kB
per full run; the estimate says about 280 kB — on the safe side, within a factor of two. The
time is estimated at :data:`SECONDS_PER_RUN_STEP` per run and step and core.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .errors import ExperimentError

MAX_RUNS = 100_000_000
"""Most runs of one ensemble, all arms together (about a day of one core per million steps)."""
MAX_CHUNKS = 200_000
"""Most chunks in one plan (each is an entry of the manifest)."""
MEMORY_SHARE = 0.8
"""The share of the memory available now that the chunks in flight may take."""
ROW_BYTES = 150
STATE_BYTES = 2_800
SECONDS_PER_RUN_STEP = 1e-4


@dataclass(frozen=True)
class Estimate:
    """The cost of an ensemble: bytes per chunk and in flight, and seconds on its workers."""

    bytes_per_run: int
    bytes_per_chunk: int
    in_flight: int
    seconds: float

    @property
    def peak_bytes(self) -> int:
        return self.bytes_per_chunk * self.in_flight

    def as_dict(self) -> dict[str, Any]:
        return {
            "bytes_per_chunk": self.bytes_per_chunk,
            "peak_bytes": self.peak_bytes,
            "seconds": round(self.seconds, 1),
        }


def available_memory() -> int | None:
    """Bytes of memory available to a new process now (Linux ``MemAvailable``), or ``None``."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def estimate(
    scenario: Any, runs: int, chunk_size: int, record: str, workers: int, arms: int = 1
) -> Estimate:
    """The :class:`Estimate` of ``runs`` runs (per arm) in chunks of ``chunk_size``."""
    steps = int(scenario.time.horizon) + 1
    actors = len(scenario.actors)
    rows = actors * actors + actors if record == "full" else 0
    per_run = steps * (rows * ROW_BYTES + STATE_BYTES)
    size = min(chunk_size, runs)
    chunks = -(-runs // chunk_size) * arms
    in_flight = max(1, min(workers, chunks))
    seconds = runs * arms * steps * SECONDS_PER_RUN_STEP / in_flight
    return Estimate(per_run, per_run * size, in_flight, seconds)


def _size(n: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n / 1e3:,.0f} kB"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86_400:,.0f} days"


def check(
    scenario: Any,
    runs: int,
    chunk_size: int,
    record: str,
    workers: int,
    arms: int = 1,
    memory_check: bool = True,
) -> Estimate:
    """Refuse an ensemble that exceeds the limits (module docstring); its :class:`Estimate`."""
    total = runs * arms
    if total > MAX_RUNS:
        raise ExperimentError(
            f"--runs: {total:,} runs{f' ({arms} arms)' if arms > 1 else ''} is more than the"
            f" {MAX_RUNS:,} one ensemble may hold; split it into several folders"
        )
    chunks = -(-runs // chunk_size) * arms
    if chunks > MAX_CHUNKS:
        raise ExperimentError(
            f"--chunk-size: {chunks:,} chunks is more than {MAX_CHUNKS:,};"
            f" use chunks of at least {-(-total // MAX_CHUNKS):,} runs"
        )
    est = estimate(scenario, runs, chunk_size, record, workers, arms)
    free = available_memory() if memory_check else None
    if free is not None and est.peak_bytes > MEMORY_SHARE * free:
        fit = max(1, int(MEMORY_SHARE * free / est.in_flight / est.bytes_per_run))
        raise ExperimentError(
            f"memory: {est.in_flight} chunk(s) of {min(chunk_size, runs):,} runs at once need"
            f" about {_size(est.peak_bytes)} ({_size(est.bytes_per_run)} per run, record"
            f" {record}); {_size(free)} is available",
            f"use --chunk-size {fit:,} or less (or fewer --workers); the estimated time is"
            f" {_duration(est.seconds)}; --no-memory-check runs it anyway",
        )
    return est
