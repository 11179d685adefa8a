"""``wargame compare`` and ``wargame sensitivity``: decisions under uncertainty.

``compare`` runs every arm of a counterfactual on common random numbers and prints each
measure per arm with the paired difference; ``sensitivity`` ranks the uncertain parameters by
their Morris or Sobol indices on chosen outcomes. Both write a results folder like ``run``
(the comparison's tables have an ``arm`` column; the sensitivity folder adds
``sensitivity.csv``) and share its options, progress and exit statuses.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .app import app
from .common import RunsOpt, ScenarioArg, SeedOpt, Shared, run_experiment, shared_options


@app.command("compare")
@shared_options()
def compare_command(
    scenario: ScenarioArg,
    shared: Shared,
    counterfactual: Annotated[
        str | None,
        typer.Option(
            "--counterfactual",
            "-c",
            metavar="ID",
            help="The counterfactual to run (optional when the scenario has one).",
        ),
    ] = None,
    runs: RunsOpt = None,
    seed: SeedOpt = None,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", metavar="ARM", help="Arm to compare with (default: the last)."),
    ] = None,
    record: Annotated[
        str,
        typer.Option(
            "--record",
            metavar="outcomes|full",
            help="outcomes: one row per run (enough to compare); full: the per-step tables too.",
        ),
    ] = "outcomes",
) -> None:
    """Compare the arms of a counterfactual on common random numbers.

    Example: wargame compare scenarios/seoul_arms_ukraine.yaml -c rok_weapons_vs_restraint
    --runs 2000
    """

    def call(options: Any) -> Any:
        import sim.experiments as ex

        result = ex.compare(
            scenario, counterfactual, runs, seed, baseline=baseline, record=record, options=options
        )
        return result.render()

    text, folder = run_experiment(
        call,
        scenario,
        shared,
        label="compare",
        out_name=[counterfactual or "compare"],
        runs=runs,
        record=record,
    )
    print(text)
    print()
    print(f"Results: {folder}  (tables with an 'arm' column)")
    print(f"  open in Python: sim.open_results({str(folder)!r}).table()")


@app.command("sensitivity")
@shared_options()
def sensitivity_command(
    scenario: ScenarioArg,
    shared: Shared,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            metavar="morris|sobol",
            help="Morris screening (cheap) or Sobol indices (default: the scenario's, else"
            " morris).",
        ),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            metavar="N",
            help="Morris trajectories or Sobol base samples (a power of two).",
        ),
    ] = None,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            metavar="T",
            help="An outcome to explain, e.g. red_line.rok_missile_tech.crossed (repeatable).",
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            metavar="PATH",
            help="A factor (dotted path of a parameter given as a distribution; repeatable;"
            " default: all of them).",
        ),
    ] = None,
    seed: SeedOpt = None,
) -> None:
    """Rank the uncertain parameters by their influence on chosen outcomes.

    Example: wargame sensitivity scenarios/seoul_arms_ukraine.yaml --method morris --samples 20
    --target red_line.rok_missile_tech.crossed
    """
    problems = []
    if method is not None and method not in ("morris", "sobol"):
        problems.append(f"--method: expected morris or sobol, got {method!r}")

    def call(options: Any) -> Any:
        import sim.experiments as ex

        result = ex.sensitivity(
            scenario, method, samples, target, param, seed=seed, options=options
        )
        return result.render()

    text, folder = run_experiment(
        call, scenario, shared, label="sensitivity", out_name=["sensitivity"], problems=problems
    )
    print(text)
    print()
    print(f"Results: {folder}")
