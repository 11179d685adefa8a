"""``wargame run``: an ensemble of a scenario into a results folder, and its summary.

Its options, progress and exit statuses are those of every experiment command
(:mod:`sim.cli.common`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .app import app
from .common import RunsOpt, ScenarioArg, SeedOpt, Shared, run_experiment, shared_options
from .when import parse_when


@app.command("run")
@shared_options()
def run_command(
    scenario: ScenarioArg,
    shared: Shared,
    runs: RunsOpt = None,
    seed: SeedOpt = None,
    record: Annotated[
        str,
        typer.Option(
            "--record",
            metavar="full|outcomes",
            help="full: the per-step tables; outcomes: one row per run.",
        ),
    ] = "full",
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="STEP|DATE",
            help="Condition on the history up to this date: keep the runs closest to what was"
            " observed (with a calibrated scenario: 'from today, what next?').",
        ),
    ] = None,
    keep: Annotated[
        float,
        typer.Option(
            "--keep",
            help="With --from: the share of simulated futures kept (runs/keep are simulated).",
        ),
    ] = 0.1,
) -> None:
    """Run an ensemble of a scenario and print the key estimands.

    Example: wargame run scenarios/seoul_arms_ukraine.yaml --runs 2000 --seed 1
    """
    problems = []
    if from_ is not None and record != "full":
        problems.append("--from: needs --record full (the history is read from the tables)")
    when = parse_when(from_)

    def call(options: Any) -> Any:
        import sim.experiments as ex

        if when is None:
            return ex.run(scenario, runs, seed, record=record, options=options)
        from sim.experiments.ensemble import load
        from sim.history.condition import run_from

        spec, _ = load(scenario, options.overrides)
        return run_from(spec, when, runs, seed, keep=keep, options=options)

    results, folder = run_experiment(
        call, scenario, shared, label="run", runs=runs, record=record, problems=problems
    )
    conditioned = results.manifest.get("conditioned") if results.manifest else None
    if conditioned:
        from sim.history.condition import describe

        print("\n".join(describe(results.scenario, conditioned)))
        print()
    if results.outcomes is not None:
        print(results.summary().render())
        print()
    print(f"Results: {folder}")
    print(f"  open in Python: sim.open_results({str(folder)!r})")
    print(f"  figures and report: wargame plot {folder} · wargame report {folder}")
