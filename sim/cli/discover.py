"""``wargame discover``: which combinations of sampled assumptions make an outcome likely.

Reads the outcomes table of a finished results folder (each run's sampled parameters are its
``param.`` columns), runs the EMA Workbench's PRIM and feature scoring on the outcome
expression (:mod:`sim.analysis.discovery`), prints the chosen box and the ranking, and adds the
tables and the figure to the folder, where ``wargame report`` finds them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import BadInput, app
from .figures import _agg, _open

FIGURE = "figures/discovery.png"


@app.command("discover")
def discover_command(
    results_dir: Annotated[
        Path, typer.Argument(help="A results folder from 'wargame run' (its sampled parameters).")
    ],
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            metavar="EXPR",
            help="The outcome: a boolean column (red_line.X.crossed), 'not COLUMN', or"
            " COLUMN OP NUMBER with OP one of > >= < <= == != ('front.ukraine.territory > 5000').",
        ),
    ],
    min_density: Annotated[
        float | None,
        typer.Option(
            "--min-density",
            metavar="D",
            help="Choose among boxes at least this dense (0–1; default: the best balance of"
            " coverage and density).",
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the feature scoring (extra trees).")
    ] = 0,
) -> None:
    """Find the ranges of the sampled parameters where an outcome is likely (PRIM).

    Example: wargame discover runs/seoul --outcome red_line.rok_missile_tech.crossed
    """
    if min_density is not None and not 0.0 <= min_density <= 1.0:
        raise BadInput(f"--min-density: expected a share between 0 and 1, got {min_density:g}")
    if seed < 0:
        raise BadInput(f"--seed: expected a whole number of at least 0, got {seed}")
    results = _open(results_dir)
    outcomes = results.outcomes
    if outcomes is None:
        raise BadInput(f"{results_dir}: no outcomes table; make one with 'wargame run'")
    from sim.analysis.discovery import FILES as TABLE_FILES
    from sim.analysis.discovery import DiscoveryError, discover, save_tables

    try:
        found = discover(outcomes, outcome, min_density=min_density, seed=seed)
    except DiscoveryError as exc:
        raise BadInput(*(f"{results_dir}: {line}" for line in exc.lines)) from None
    _agg()
    from sim.analysis.plots.discovery import discovery_figure
    from sim.experiments.errors import ExperimentError
    from sim.experiments.extras import write_extras

    tables = {TABLE_FILES[k]: df for k, df in save_tables(found).items()}
    try:
        written = write_extras(results_dir, tables, {FIGURE: discovery_figure(found)})
    except ExperimentError as exc:
        raise BadInput(*exc.lines) from None
    print(found.render())
    print()
    print(f"Saved: {', '.join(str(p) for p in written)}")
    print(f"  in the report: wargame report {results_dir}")
