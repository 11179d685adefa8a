"""What ``wargame run``, ``compare``, ``sensitivity``, ``sweep`` and the history commands share.

The options they all take (declared once, :func:`shared_options`, and handed to a command as
one :class:`Shared`, which builds the experiments layer's ``ExecOptions``), the checks of those
options, the default ``--out`` folder, the progress display (:mod:`sim.cli.progress`), and
what each failure becomes — bad input: exit 2 and nothing written;
Ctrl-C: exit 130 with finished chunks kept and the command that resumes; a failed chunk: exit 1
naming the chunk. :func:`run_experiment` strings them together around one call of the
experiments layer.

The experiments layer (and with it Mesa and pandas) is imported only when a command runs, so
that ``wargame --help`` stays fast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import inspect
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from .app import BadInput
from .progress import make_progress

MAX_NAME = 80
"""Longest scenario id used in a default ``--out`` name (file names stop at 255 bytes)."""


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
    from sim.experiments.options import FORMATS
    from sim.tables import RECORDS

    if fmt not in FORMATS:
        found.append(f"--format: expected {' or '.join(FORMATS)}, got {fmt!r}")
    if record is not None and record not in RECORDS:
        found.append(f"--record: expected {' or '.join(RECORDS)}, got {record!r}")
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


def out_location(out: str) -> Any:
    """``--out`` as a :class:`~pathlib.Path`, or as a URL's location (``s3://...``), or
    :class:`BadInput` for a URL whose protocol cannot be used (checked before any work)."""
    from sim.storage import StorageError, check_protocol, location

    try:
        check_protocol(out)
        return location(out)
    except StorageError as exc:
        raise BadInput(f"--out {out}: {exc}") from None


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
    str | None,
    typer.Option(
        "--out",
        "-o",
        help="Results folder, or an fsspec URL such as s3://bucket/prefix"
        " (default: runs/<scenario-id>-<timestamp>).",
    ),
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


# --- the shared options as one object ---------------------------------------------------------


@dataclass(frozen=True)
class Shared:
    """The options experiment commands share, as typed on the command line (a command given
    :func:`shared_options` receives them as one ``shared`` argument)."""

    horizon: int | None = None
    set_: list[str] | None = None
    out: str | None = None
    workers: int | None = None
    scheduler: str | None = None
    chunk_size: int | None = None
    resume: bool = False
    force: bool = False
    fmt: str = "parquet"
    quiet: bool = False
    allow_version_change: bool = False
    no_memory_check: bool = False

    def check(
        self, *, runs: int | None = None, record: str | None = None, problems: Sequence[str] = ()
    ) -> None:
        """:func:`check_common` on these options (and the command's ``--runs``, ``--record``
        and own ``problems``)."""
        check_common(
            runs=runs,
            horizon=self.horizon,
            chunk_size=self.chunk_size,
            workers=self.workers,
            resume=self.resume,
            force=self.force,
            scheduler=self.scheduler,
            fmt=self.fmt,
            record=record,
            problems=problems,
        )

    @property
    def overrides(self) -> list[str]:
        """``--set`` and ``--horizon`` as overrides."""
        return overrides_of(self.set_, self.horizon)

    def options(self, folder: Any, label: str) -> Any:
        """The :class:`~sim.experiments.options.ExecOptions` of these options, writing into
        ``folder``, with the progress display of ``label``."""
        from sim.experiments.options import ExecOptions

        return ExecOptions(
            out=folder,
            workers=self.workers,
            scheduler=self.scheduler,
            chunk_size=self.chunk_size,
            resume=self.resume,
            force=self.force,
            progress=make_progress(label, self.quiet),
            format=self.fmt,
            overrides=self.overrides,
            command=["wargame", *sys.argv[1:]],
            allow_version_change=self.allow_version_change,
            memory_check=not self.no_memory_check,
        )


OPTIONS: dict[str, Any] = {
    "horizon": HorizonOpt,
    "set_": SetOpt,
    "out": OutOpt,
    "workers": WorkersOpt,
    "scheduler": SchedulerOpt,
    "chunk_size": ChunkOpt,
    "resume": ResumeOpt,
    "force": ForceOpt,
    "fmt": FormatOpt,
    "quiet": QuietOpt,
    "allow_version_change": VersionChangeOpt,
    "no_memory_check": NoMemoryCheckOpt,
}
"""The command-line option of each field of :class:`Shared`."""


def shared_options(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command the shared options ``names`` (default: all of them), after its own.

    The command declares a ``shared: Shared`` parameter instead of a dozen; Typer sees the
    options (the wrapper's signature lists them), and the command gets them as one
    :class:`Shared` (options it does not take keep their defaults).
    """
    chosen = names or tuple(OPTIONS)
    defaults = {f.name: f.default for f in dataclasses.fields(Shared)}

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(func, eval_str=True)
        own = [p for p in sig.parameters.values() if p.name != "shared"]
        extra = [
            inspect.Parameter(
                n, inspect.Parameter.KEYWORD_ONLY, default=defaults[n], annotation=OPTIONS[n]
            )
            for n in chosen
        ]

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            shared = Shared(**{n: kwargs.pop(n) for n in chosen})
            return func(*args, shared=shared, **kwargs)

        params = own + extra
        command.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command

    return decorate


# --- one experiment, start to finish ----------------------------------------------------------


def run_experiment(
    call: Callable[[Any], Any],
    scenario: Path,
    shared: Shared,
    *,
    label: str,
    runs: int | None = None,
    record: str | None = None,
    out_name: Sequence[str] = (),
    problems: Sequence[str] = (),
) -> tuple[Any, Path]:
    """Check the shared options, then run one experiment under :func:`drive`.

    Args:
        call: Runs the experiment; it is given the
            :class:`~sim.experiments.options.ExecOptions` that ``sim.experiments``' ``run``,
            ``compare``, ``sensitivity`` and ``sweep`` take, and imports the experiments layer
            itself.
        scenario: The scenario file.
        shared: The command's shared options.
        label: The command's name, shown by the progress display.
        runs, record: The command's ``--runs`` and ``--record`` when it has them (checked
            here; ``call`` passes them on itself).
        out_name: Words added to the default folder's name (the counterfactual, say).
        problems: The command's own bad options, reported with the shared ones.

    Returns:
        What ``call`` returned, and the results folder.
    """
    shared.check(runs=runs, record=record, problems=problems)
    check_scenario_file(scenario)
    out = shared.out
    folder = out_location(out) if out is not None else default_out(scenario, *out_name)
    return drive(lambda: call(shared.options(folder, label)), folder), folder
