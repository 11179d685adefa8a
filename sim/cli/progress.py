"""The progress display of the commands: a Rich bar on a terminal, a plain line every few
seconds elsewhere (logs, CI, pipes), nothing with ``--quiet``. Each has the
:class:`~sim.experiments.progress.Progress` interface (``start``, ``advance``, ``stop``).
"""

from __future__ import annotations

import sys
import time
from typing import Any

PLAIN_INTERVAL = 5.0
"""Seconds between progress lines when the output is not a terminal."""


class PlainProgress:
    """A progress line on stderr at most every ``interval`` seconds (logs, CI, pipes)."""

    def __init__(
        self, label: str, interval: float = PLAIN_INTERVAL, stream: Any = None, unit: str = "runs"
    ):
        self.label, self.unit = label, unit
        self.interval = interval
        self.stream = stream or sys.stderr
        self.total = self.done = self.first = 0
        self.t0 = self.last = 0.0

    def start(self, total: int, done: int) -> None:
        self.total, self.done, self.first = total, done, done
        self.t0 = self.last = time.monotonic()
        if done:
            self._line(f"resuming: {done:,} of {total:,} {self.unit} already done")

    def advance(self, runs: int) -> None:
        self.done += runs
        now = time.monotonic()
        if now - self.last >= self.interval and self.done < self.total:
            self.last = now
            self._line(self._status(now))

    def stop(self) -> None:
        if self.total:
            self._line(self._status(time.monotonic()))
            self.total = 0

    def _status(self, now: float) -> str:
        elapsed = max(now - self.t0, 1e-9)
        rate = (self.done - self.first) / elapsed
        pct = self.done / self.total if self.total else 1.0
        eta = (self.total - self.done) / rate if rate > 0 else float("nan")
        text = f"{self.done:,}/{self.total:,} {self.unit} ({pct:.0%}), {_rate(rate, self.unit)}"
        if self.done < self.total and eta == eta:
            text += f", about {_duration(eta)} left"
        else:
            text += f", {_duration(elapsed)}"
        return text

    def _line(self, text: str) -> None:
        print(f"{self.label}: {text}", file=self.stream, flush=True)


def _rate(rate: float, unit: str) -> str:
    """``1,280 runs/s``, ``0.8 figures/s``."""
    return f"{rate:,.0f} {unit}/s" if rate >= 10 else f"{rate:.1f} {unit}/s"


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class RichProgress:
    """One Rich bar across all chunks, with runs/s and the time left (on a terminal)."""

    def __init__(self, label: str, unit: str = "runs"):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        def rate(task: Any) -> float | None:
            # Runs per second since the start (the chunks of a pool arrive in bursts, so an
            # instantaneous rate jumps around); runs done before a resume do not count.
            done = task.completed - task.fields.get("first", 0)
            return done / task.elapsed if task.elapsed and done > 0 else None

        class Rate(ProgressColumn):
            def render(self, task: Any) -> Text:
                r = rate(task)
                return Text(_rate(r, unit) if r else f"… {unit}/s", style="cyan")

        class Left(ProgressColumn):
            def render(self, task: Any) -> Text:
                r = rate(task)
                if task.finished or not r:
                    return Text("ETA -:--" if not task.finished else "", style="green")
                return Text(f"ETA {_duration((task.total - task.completed) / r)}", style="green")

        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(unit),
            Rate(),
            TimeElapsedColumn(),
            Left(),
            console=Console(stderr=True),
            transient=False,
        )
        self.label = label
        self._task: Any = None

    def start(self, total: int, done: int) -> None:
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=total, completed=done, first=done)

    def advance(self, runs: int) -> None:
        self._bar.advance(self._task, runs)

    def stop(self) -> None:
        self._bar.stop()


def make_progress(label: str, quiet: bool, unit: str = "runs") -> Any:
    """The progress display for this terminal, or ``None`` with ``--quiet``; ``unit`` is what
    it counts (runs, figures...)."""
    if quiet:
        return None
    if sys.stderr.isatty():
        return RichProgress(label, unit)
    return PlainProgress(label, unit=unit)
