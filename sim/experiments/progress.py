"""What the driver tells a progress display, and how a chunk's steps move it.

A chunk of a thousand runs takes seconds; a bar that moved only when chunks finished would sit
still, then jump. So each chunk's model reports its steps (``run_chunk``'s ``on_step``, which
draws no random number: the tables are the same with or without it) and :class:`StepCredit`
turns unit ``t`` of ``T`` (the model's steps, then building and writing its tables) into
``⌊runs·t/(T + 1)⌋`` runs shown, the rest when the driver has stored the chunk.
"""

from __future__ import annotations

from typing import Any, Protocol


class Progress(Protocol):
    """What the driver tells a progress display (the command line's bar or lines)."""

    def start(self, total: int, done: int) -> None: ...

    def advance(self, runs: int) -> None: ...

    def stop(self) -> None: ...


class NoProgress:
    """Progress that shows nothing (the Python API's default)."""

    def start(self, total: int, done: int) -> None:
        pass

    def advance(self, runs: int) -> None:
        pass

    def stop(self) -> None:
        pass


class StepCredit:
    """Runs of running chunks shown on ``progress`` from their steps, never more than once."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.shown: dict[str, int] = {}

    def step(self, task: Any, done: float, total: int) -> None:
        """Chunk ``task`` has done ``done`` of its ``total`` units of work."""
        key, runs = task.chunk.key, task.chunk.runs
        now = int(runs * done / (total + 1))
        if now > self.shown.get(key, 0):
            self.progress.advance(now - self.shown.get(key, 0))
            self.shown[key] = now

    def done(self, task: Any) -> None:
        """Chunk ``task`` is stored: the runs not yet shown."""
        self.progress.advance(task.chunk.runs - self.shown.pop(task.chunk.key, 0))
