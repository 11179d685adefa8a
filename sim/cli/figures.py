"""``wargame plot`` and ``wargame report``: figures and the after-action report of a results folder.

matplotlib is imported inside the commands (and rendered with Agg), so the CLI's start stays
fast for every other command. A results folder at a URL (``s3://bucket/prefix``) is read where
it lies; its figures and report are drawn into a local temporary folder, then uploaded, one
object per file (each appears whole).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from .app import BadInput, app
from .common import QuietOpt
from .progress import make_progress

FIGURE_FORMATS = ("png", "svg", "pdf")


def _open(target: str) -> Any:
    """The results in ``target`` (a folder or a URL), or :class:`BadInput` saying why they
    cannot be read."""
    from sim.storage import StorageError, check, check_protocol, location

    try:
        check_protocol(target)
        results_dir = location(target)
        check(results_dir)
    except StorageError as exc:
        raise BadInput(f"{target}: {exc}") from None
    if not results_dir.exists():
        raise BadInput(f"{results_dir}: no such folder")
    if not results_dir.is_dir():
        raise BadInput(
            f"{results_dir}: not a folder (expected a results folder from 'wargame run')"
        )
    if not (results_dir / "manifest.json").is_file():
        raise BadInput(
            f"{results_dir}: not a results folder (no manifest.json);"
            " make one with 'wargame run SCENARIO --out DIR'"
        )
    from sim.experiments import open_results
    from sim.experiments.errors import ExperimentError

    try:
        return open_results(results_dir)
    except ExperimentError as exc:
        raise BadInput(*exc.lines) from None


def _agg() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")


def _save(fig: Any, path: Any, fmt: str) -> None:
    """Save a figure under a temporary name and rename it: never a half-written file (at a
    URL: saved locally, then uploaded as one object)."""
    from sim.storage import is_remote, upload

    if is_remote(path):
        import tempfile

        with tempfile.TemporaryDirectory() as here:
            local = Path(here) / path.name
            fig.savefig(local, format=fmt)
            upload(local, path)
        return
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fig.savefig(tmp, format=fmt)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _targets(
    names: list[str], results_dir: Any, output: Path | None, fmt: str | None
) -> list[tuple[str, Any, str]]:
    """Where each figure goes and in what format, or :class:`BadInput` before anything is drawn."""
    if fmt is not None and fmt not in FIGURE_FORMATS:
        raise BadInput(f"--format: expected one of {', '.join(FIGURE_FORMATS)}, got {fmt!r}")
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    as_file = output is not None and suffix != "" and not output.is_dir()
    if as_file:
        if len(names) > 1:
            raise BadInput(
                f"-o {output}: several figures go to a folder; give a folder, or one --figure NAME"
            )
        if suffix not in FIGURE_FORMATS:
            raise BadInput(
                f"-o {output}: unknown figure format {suffix!r}; use {', '.join(FIGURE_FORMATS)}"
            )
        if fmt is not None and fmt != suffix:
            raise BadInput(f"-o {output} is .{suffix} but --format is {fmt}")
        if not output.parent.is_dir():
            raise BadInput(f"-o {output}: folder {output.parent} does not exist")
        return [(names[0], output, suffix)]
    folder = output if output is not None else results_dir / "figures"
    if folder.exists() and not folder.is_dir():
        raise BadInput(f"-o {folder}: exists and is not a folder")
    fmt = fmt or "png"
    return [(name, folder / f"{name}.{fmt}", fmt) for name in names]


@app.command("plot")
def plot(
    results_dir: Annotated[
        str, typer.Argument(help="A results folder from 'wargame run', or its URL (s3://...).")
    ],
    figure: Annotated[
        str,
        typer.Option(
            "--figure", "-f", help="A figure name, or 'all' for every figure the results support."
        ),
    ] = "all",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="A file (one figure) or a folder. Default: RESULTS_DIR/figures/."
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="png, svg or pdf (default png, or the suffix of -o FILE)."),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Draw the figures of a results folder.

    Example: wargame plot out/seoul --figure escalation -o escalation.svg
    """
    results = _open(results_dir)
    results_dir = results.path
    _agg()
    from sim.analysis import plots
    from sim.analysis.source import as_source
    from sim.experiments.progress import NoProgress
    from sim.storage import is_remote

    results = as_source(results)  # one source: tables read once for all figures
    support = plots.supported(results)
    ok = [n for n, why in support.items() if why is None]
    if figure == "all":
        names = ok
        if not names:
            raise BadInput(f"{results_dir}: these results support no figure")
    elif figure not in plots.FIGURES:
        raise BadInput(
            f"--figure: unknown figure {figure!r}",
            f"these results support: {', '.join(ok) or 'none'}",
            f"all figures: {', '.join(plots.FIGURES)}",
        )
    elif support[figure] is not None:
        raise BadInput(
            f"--figure {figure}: these results cannot support it ({support[figure]})",
            f"these results support: {', '.join(ok) or 'none'}",
        )
    else:
        names = [figure]
    targets = _targets(names, results_dir, output, fmt)
    for _, path, _ in targets:
        if not is_remote(path):  # an object store has no folders to make
            path.parent.mkdir(parents=True, exist_ok=True)
    progress = make_progress("plot", quiet, unit="figures") or NoProgress()
    progress.start(len(targets), 0)
    ahead = plots.prefetch(results, names)  # the next figure's numbers while one is drawn
    try:
        for name, path, kind in targets:
            fig = plots.draw(name, results)
            _save(fig, path, kind)
            typer.echo(str(path))
            progress.advance(1)
        if ahead is not None:
            ahead.join()
    finally:
        progress.stop()


@app.command("report")
def report(
    results_dir: Annotated[
        str, typer.Argument(help="A results folder from 'wargame run', or its URL (s3://...).")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="report.html or report.md. Default: RESULTS_DIR/report.html."
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Write the after-action report of a results folder: one self-contained file.

    Example: wargame report out/seoul -o seoul.html
    """
    from sim.analysis.report import report_format
    from sim.storage import is_remote, upload

    results = _open(results_dir)
    path = output if output is not None else results.path / "report.html"
    try:
        report_format(path)
    except ValueError as exc:
        raise BadInput(f"-o {exc}") from None
    remote = is_remote(path)
    if not remote and path.exists() and path.is_dir():
        raise BadInput(f"-o {path}: is a folder; give a file name ending in .html or .md")
    if not remote and not path.parent.is_dir():
        raise BadInput(f"-o {path}: folder {path.parent} does not exist")
    _agg()
    from sim.analysis.report import write

    progress = make_progress("report", quiet, unit="parts")
    if remote:  # written whole locally, then uploaded as one object
        import tempfile

        with tempfile.TemporaryDirectory() as here:
            upload(write(results, Path(here) / path.name, progress=progress), path)
    else:
        write(results, path, progress=progress)
    typer.echo(str(path))
