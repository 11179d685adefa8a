"""``wargame run``: an ensemble of a scenario into a results folder, and its summary.

Its options, progress and exit statuses are those of every experiment command
(:mod:`sim.cli.common`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .app import app
from .common import (
    ChunkOpt,
    ForceOpt,
    FormatOpt,
    HorizonOpt,
    NoMemoryCheckOpt,
    OutOpt,
    QuietOpt,
    ResumeOpt,
    RunsOpt,
    ScenarioArg,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    VersionChangeOpt,
    WorkersOpt,
    run_experiment,
)


@app.command("run")
def run_command(
    scenario: ScenarioArg,
    runs: RunsOpt = None,
    seed: SeedOpt = None,
    horizon: HorizonOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    chunk_size: ChunkOpt = None,
    resume: ResumeOpt = False,
    force: ForceOpt = False,
    record: Annotated[
        str,
        typer.Option(
            "--record",
            metavar="full|outcomes",
            help="full: the per-step tables; outcomes: one row per run.",
        ),
    ] = "full",
    fmt: FormatOpt = "parquet",
    quiet: QuietOpt = False,
    allow_version_change: VersionChangeOpt = False,
    no_memory_check: NoMemoryCheckOpt = False,
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
    when = None if from_ is None else (int(from_) if from_.strip().isdigit() else from_.strip())

    def call(**options: Any) -> Any:
        import sim.experiments as ex

        if when is None:
            return ex.run(scenario, runs, seed, record=record, **options)
        from sim.experiments.ensemble import load
        from sim.history.condition import run_from

        spec, _ = load(scenario, options.pop("overrides", None))
        options.pop("format", None)
        return run_from(spec, when, runs, seed, keep=keep, **options)

    results, folder = run_experiment(
        call,
        scenario,
        label="run",
        out=out,
        runs=runs,
        record=record,
        horizon=horizon,
        set_=set_,
        workers=workers,
        scheduler=scheduler,
        chunk_size=chunk_size,
        resume=resume,
        force=force,
        fmt=fmt,
        quiet=quiet,
        allow_version_change=allow_version_change,
        no_memory_check=no_memory_check,
        problems=problems,
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
