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
) -> None:
    """Run an ensemble of a scenario and print the key estimands.

    Example: wargame run scenarios/seoul_arms_ukraine.yaml --runs 2000 --seed 1
    """

    def call(**options: Any) -> Any:
        import sim.experiments as ex

        return ex.run(scenario, runs, seed, record=record, **options)

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
    )
    if results.outcomes is not None:
        print(results.summary().render())
        print()
    print(f"Results: {folder}")
    print(f"  open in Python: sim.open_results({str(folder)!r})")
    print(f"  figures and report: wargame plot {folder} · wargame report {folder}")
