"""What ``wargame run``, ``compare`` and ``sensitivity`` share.

The options they all take, the checks of those options, the default ``--out`` folder, the
progress display (a Rich bar on a terminal, a plain line every few seconds elsewhere, nothing
with ``--quiet``), and what each failure becomes — bad input: exit 2 and nothing written;
Ctrl-C: exit 130 with finished chunks kept and the command that resumes; a failed chunk: exit 1
naming the chunk. :func:`run_experiment` strings them together around one call of the
experiments layer.

The experiments layer (and with it Mesa and pandas) is imported only when a command runs, so
that ``wargame --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from .app import BadInput

MAX_NAME = 80
"""Longest scenario id used in a default ``--out`` name (file names stop at 255 bytes)."""
PLAIN_INTERVAL = 5.0
"""Seconds between progress lines when the output is not a terminal."""


# --- progress ---------------------------------------------------------------------------------


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


# --- shared option handling -------------------------------------------------------------------


def check_common(
    *,
    runs: int | None = None,
    horizon: int | None = None,
    chunk_size: int | None = None,
    workers: int | None = None,
    resume: bool = False,
    force: bool = False,
    scheduler: str | None = None,
    fmt: str = "parquet",
    record: str | None = None,
    problems: Sequence[str] = (),
) -> None:
    """Check the options every experiment command shares; one line per problem.

    ``problems`` are the command's own, reported after the shared ones.
    """
    found = []
    if runs is not None and runs < 1:
        found.append(f"--runs: expected at least 1 run, got {runs}")
    if horizon is not None and horizon < 1:
        found.append(f"--horizon: expected a positive number of steps, got {horizon}")
    if chunk_size is not None and chunk_size < 1:
        found.append(f"--chunk-size: expected at least 1 run per chunk, got {chunk_size}")
    if workers is not None and workers < 1:
        found.append(f"--workers: expected at least 1, got {workers}")
    if workers is not None and scheduler:
        found.append("--workers and --scheduler: choose one (the cluster has its own workers)")
    if resume and force:
        found.append("--resume and --force: choose one (continue the folder, or replace it)")
    if scheduler is not None:
        from sim.experiments.errors import ExperimentError
        from sim.experiments.executors import check_address

        try:
            check_address(scheduler)
        except ExperimentError as exc:
            found += exc.lines
    if fmt not in ("parquet", "csv"):
        found.append(f"--format: expected parquet or csv, got {fmt!r}")
    if record is not None and record not in ("full", "outcomes"):
        found.append(f"--record: expected full or outcomes, got {record!r}")
    found += problems
    if found:
        raise BadInput(*found)


def overrides_of(sets: list[str] | None, horizon: int | None) -> list[str]:
    """``--set`` overrides, with ``--horizon T`` as ``time.horizon=T``."""
    out = list(sets or [])
    if horizon is not None:
        out.append(f"time.horizon={horizon}")
    return out


def check_scenario_file(path: Path) -> None:
    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if path.is_dir():
        raise BadInput(f"{path}: is a folder; expected a scenario file (YAML)")


def default_out(scenario_path: Path, *parts: str) -> Path:
    """``runs/<scenario-id>[-parts]-<timestamp>/`` (a fresh folder, never an existing one)."""
    sid = re.sub(r"[^A-Za-z0-9_.-]+", "_", _scenario_id(scenario_path))[:MAX_NAME].strip(".")
    sid = sid or "scenario"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path("runs") / "-".join([sid, *parts, stamp])
    out, n = base, 2
    while out.exists():
        out = base.with_name(f"{base.name}-{n}")
        n += 1
    return out


def _scenario_id(path: Path) -> str:
    """The scenario's ``id`` (read cheaply from its top level), else the file's stem."""
    try:
        with open(path, "rb") as f:  # the head only: the file may be huge, or /dev/zero
            head = f.read(65536).decode("utf-8", errors="replace")
        for line in head.splitlines():
            if line.startswith("id:"):
                value = line[3:].split("#", 1)[0].strip().strip("'\"")
                if value:
                    return value
    except (OSError, UnicodeDecodeError):
        pass
    return path.stem


def resume_hint(out: Path) -> str:
    """The command that continues an interrupted folder."""
    args = [a for a in sys.argv[1:] if a not in ("--force", "--resume")]
    if "--out" not in args and not any(a.startswith("--out=") for a in args):
        args += ["--out", str(out)]
    return shlex.join(["wargame", *args, "--resume"])


def drive(action: Callable[[], Any], out: Path) -> Any:
    """Run an experiment; turn its failures into the command line's exit statuses."""
    from sim.experiments.errors import ChunkFailed, ExperimentError

    try:
        return action()
    except ExperimentError as exc:
        raise BadInput(*exc.lines) from None
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        if out.is_dir():
            print(
                f"interrupted: finished chunks are kept in {out}\n"
                f"continue with: {resume_hint(out)}",
                file=sys.stderr,
            )
        else:
            print("interrupted before anything was written", file=sys.stderr)
        sys.exit(130)
    except OSError as exc:  # the disk, after the folder was opened (full, removed, ...)
        print(f"error: {exc.strerror or exc}: {exc.filename or out}", file=sys.stderr)
        print(
            f"finished chunks are kept in {out}; after fixing the cause,"
            f" continue with: {resume_hint(out)}",
            file=sys.stderr,
        )
        sys.exit(1)
    except ChunkFailed as exc:
        print(f"error: {', '.join(exc.chunks)} failed:", file=sys.stderr)
        print(exc.detail, file=sys.stderr)
        print(
            f"finished chunks are kept in {out}; after fixing the cause,"
            f" continue with: {resume_hint(out)}",
            file=sys.stderr,
        )
        sys.exit(1)


# --- the options every experiment command takes -----------------------------------------------

ScenarioArg = Annotated[Path, typer.Argument(help="The scenario file (YAML).", show_default=False)]
RunsOpt = Annotated[
    int | None, typer.Option("--runs", "-n", help="Runs (default: the scenario's run.runs).")
]
SeedOpt = Annotated[
    int | None, typer.Option("--seed", help="Ensemble seed (default: the scenario's run.seed).")
]
HorizonOpt = Annotated[
    int | None, typer.Option("--horizon", help="Steps to simulate (overrides time.horizon).")
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Override a scenario value, e.g. --set actors.ROK.weights.domestic=0.9 (repeatable).",
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Results folder (default: runs/<scenario-id>-<timestamp>)."),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", "-w", help="Local worker processes (default: every core)."),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs wargame-sim[cluster]).",
    ),
]
ChunkOpt = Annotated[
    int | None,
    typer.Option("--chunk-size", help="Runs per chunk (default: the scenario's run.chunk_size)."),
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Continue an interrupted folder: run missing chunks.")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing results folder.")]
FormatOpt = Annotated[
    str, typer.Option("--format", metavar="parquet|csv", help="Format of the tables.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]
VersionChangeOpt = Annotated[
    bool,
    typer.Option(
        "--allow-version-change",
        help="With --resume: continue a folder started with other package versions"
        " (recorded per chunk).",
    ),
]
NoMemoryCheckOpt = Annotated[
    bool,
    typer.Option(
        "--no-memory-check",
        help="Run even when the chunks are estimated not to fit in the memory available.",
    ),
]


# --- one experiment, start to finish ----------------------------------------------------------


def run_experiment(
    call: Callable[..., Any],
    scenario: Path,
    *,
    label: str,
    out: Path | None,
    horizon: int | None,
    set_: list[str] | None,
    workers: int | None,
    scheduler: str | None,
    chunk_size: int | None,
    resume: bool,
    force: bool,
    fmt: str,
    quiet: bool,
    runs: int | None = None,
    record: str | None = None,
    out_name: Sequence[str] = (),
    problems: Sequence[str] = (),
    allow_version_change: bool = False,
    no_memory_check: bool = False,
) -> tuple[Any, Path]:
    """Check the shared options, then run one experiment under :func:`drive`.

    Args:
        call: Runs the experiment; it is given the keyword arguments that ``sim.experiments``'
            ``run``, ``compare`` and ``sensitivity`` share (``out``, ``workers``,
            ``scheduler``, ``chunk_size``, ``resume``, ``force``, ``progress``, ``format``,
            ``overrides``, ``command``) and imports the experiments layer itself.
        scenario: The scenario file.
        label: The command's name, shown by the progress display.
        out, horizon, set_, workers, scheduler, chunk_size, resume, force, fmt, quiet: The
            command's options of those names.
        runs, record: The command's ``--runs`` and ``--record`` when it has them (checked
            here; ``call`` passes them on itself).
        out_name: Words added to the default folder's name (the counterfactual, say).
        problems: The command's own bad options, reported with the shared ones.
        allow_version_change, no_memory_check: ``--allow-version-change`` and
            ``--no-memory-check``.

    Returns:
        What ``call`` returned, and the results folder.
    """
    check_common(
        runs=runs,
        horizon=horizon,
        chunk_size=chunk_size,
        workers=workers,
        resume=resume,
        force=force,
        scheduler=scheduler,
        fmt=fmt,
        record=record,
        problems=problems,
    )
    check_scenario_file(scenario)
    folder = out if out is not None else default_out(scenario, *out_name)

    def action() -> Any:
        return call(
            out=folder,
            workers=workers,
            scheduler=scheduler,
            chunk_size=chunk_size,
            resume=resume,
            force=force,
            progress=make_progress(label, quiet),
            format=fmt,
            overrides=overrides_of(set_, horizon),
            command=["wargame", *sys.argv[1:]],
            allow_version_change=allow_version_change,
            memory_check=not no_memory_check,
        )

    return drive(action, folder), folder
