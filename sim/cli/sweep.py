"""``wargame sweep``: response curves of outcomes along a grid of one or two parameters.

``--param PATH`` is followed by its grid, ``--values V,V,...`` (or ``--values V V ...``) or
``--range LO HI N``; with two ``--param`` the grid is their product. Which grid belongs to
which parameter is a matter of order on the command line, which Click does not keep across
different options (nor give ``--range`` three values more than once), so these three options
are read here, in order, from the arguments Click leaves over. Everything else — options,
progress, the results folder and the exit statuses — is that of every experiment command
(:mod:`sim.cli.common`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from .app import BadInput, app
from .common import RunsOpt, ScenarioArg, SeedOpt, Shared, run_experiment, shared_options

GRID_HELP = (
    "Sweep: --param PATH (a number the model reads per run, as for --set) followed by"
    " --values V,V,... or --range LO HI N; twice for a 2-D grid."
)


def _number(text: str, where: str) -> float:
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise BadInput(f"{where}: expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise BadInput(f"{where}: expected a finite number, got {text!r}")
    return value


def _count(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BadInput(f"{where}: expected a whole number of points, got {text!r}") from None


def parse_grid(args: Sequence[str]) -> list[tuple[str, tuple[float, ...]]]:
    """``(path, values)`` per ``--param``, read in order from the leftover arguments.

    Raises:
        BadInput: one line per problem (an unknown argument, a grid without ``--param``, a
            ``--param`` without grid or with two, a value that is not a number).
    """
    from sim.experiments.errors import ExperimentError
    from sim.experiments.sweep import grid_range

    axes: list[list[Any]] = []
    problems: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        name, _, inline = token.partition("=")
        if name in ("--param", "-p"):
            path = inline or (args[i + 1] if i + 1 < len(args) else "")
            i += 1 if inline else 2
            if not path or path.startswith("--"):
                problems.append("--param: expected a dotted path, e.g. red_lines.X.credibility")
                continue
            axes.append([path, None])
            continue
        if name in ("--values", "--range"):
            j = i + 1
            words = [inline] if inline else []
            while j < len(args) and not args[j].startswith("--"):
                words.append(args[j])
                j += 1
            i = j
            if not axes:
                problems.append(f"{name}: give --param PATH before it")
                continue
            path = axes[-1][0]
            if axes[-1][1] is not None:
                problems.append(f"--param {path}: give one --values or --range, not both")
                continue
            where = f"{name} (for {path})"
            if name == "--values":
                texts = [t for w in words for t in w.split(",") if t.strip()]
                if not texts:
                    problems.append(f"{where}: expected numbers, e.g. --values 0,0.5,1")
                    continue
                axes[-1][1] = tuple(_number(t.strip(), where) for t in texts)
            else:
                if len(words) != 3:
                    problems.append(f"{where}: expected LO HI N, e.g. --range 0 1 6")
                    continue
                lo, hi = _number(words[0], where), _number(words[1], where)
                try:
                    axes[-1][1] = grid_range(lo, hi, _count(words[2], where))
                except ExperimentError as exc:
                    problems.extend(f"{line} (for {path})" for line in exc.lines)
            continue
        problems.append(f"{token}: unknown option or argument (see wargame sweep --help)")
        i += 1
    for path, values in axes:
        if values is None:
            problems.append(f"--param {path}: give its grid: --values V,V,... or --range LO HI N")
    if not axes and not problems:
        problems.append("--param: give the parameter to sweep, e.g. --param PATH --values 0,0.5,1")
    if problems:
        raise BadInput(*problems)
    return [(p, v) for p, v in axes]


@app.command(
    "sweep",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    epilog=GRID_HELP,
)
@shared_options()
def sweep_command(
    ctx: typer.Context,
    scenario: ScenarioArg,
    shared: Shared,
    outcome: Annotated[
        list[str] | None,
        typer.Option(
            "--outcome",
            metavar="COLUMN",
            help="An outcome to trace, e.g. red_line.rok_missile_tech.crossed (repeatable;"
            " default: every red line).",
        ),
    ] = None,
    runs: RunsOpt = None,
    seed: SeedOpt = None,
    record: Annotated[
        str,
        typer.Option(
            "--record",
            metavar="outcomes|full",
            help="outcomes: one row per run (enough for a sweep); full: the per-step tables too.",
        ),
    ] = "outcomes",
) -> None:
    """Trace outcomes along a grid of one or two parameters, on common random numbers.

    --param PATH --values V,V,... | --range LO HI N (twice for a 2-D grid).

    Example: wargame sweep scenarios/seoul_arms_ukraine.yaml
    --param red_lines.rus_rok_weapons.credibility --range 0 1 6 --runs 500
    """
    grid = parse_grid(list(ctx.args))

    def call(options: Any) -> Any:
        from sim.experiments.sweep import Axis, sweep

        axes = [Axis(p, v) for p, v in grid]
        return sweep(scenario, axes, outcome, runs, seed, record=record, options=options).render()

    text, folder = run_experiment(
        call, scenario, shared, label="sweep", out_name=["sweep"], runs=runs, record=record
    )
    print(text)
    print()
    print(f"Results: {folder}  (tables with an 'arm' column: one arm per grid point)")
