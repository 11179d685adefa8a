"""``wargame calibrate``: fit a scenario's uncertain parameters to its history (ABC).

Each generation of the sampler is an ordinary ensemble in ``OUT/gen-NN/`` (the options of
``run`` apply: workers, a Dask scheduler, chunks, ``--resume``); the folder then holds the
posterior, the diagnostics, ``prior_posterior.png`` and ``calibrated.yaml``, which every other
command takes like a scenario.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.storage import is_url

from .app import BadInput, app
from .common import (
    ScenarioArg,
    SeedOpt,
    Shared,
    check_scenario_file,
    default_out,
    drive,
    shared_options,
)
from .progress import make_progress
from .when import check_when, parse_when, when_option

SHOWN_PARAMETERS = 15


@app.command("calibrate")
@shared_options(
    "set_",
    "out",
    "workers",
    "scheduler",
    "chunk_size",
    "resume",
    "force",
    "quiet",
    "allow_version_change",
    "no_memory_check",
)
def calibrate_command(
    scenario: ScenarioArg,
    shared: Shared,
    until: when_option(  # type: ignore[valid-type]
        "--until",
        "Fit only the observations up to this step or date (the rest stay out of sample for"
        " backtest).",
    ) = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            metavar="PATH",
            help="A parameter to fit (repeatable; default: the scenario's calibration.params,"
            " else every parameter given as a distribution).",
        ),
    ] = None,
    particles: Annotated[
        int | None,
        typer.Option("--particles", help="Simulations per generation (default 1000)."),
    ] = None,
    alpha: Annotated[
        float | None,
        typer.Option("--alpha", help="Share of particles kept each generation (default 0.5)."),
    ] = None,
    min_acceptance: Annotated[
        float | None,
        typer.Option(
            "--min-acceptance",
            help="Stop when fewer new particles than this share beat the tolerance (default 0.05).",
        ),
    ] = None,
    generations: Annotated[
        int | None,
        typer.Option("--generations", help="At most this many generations (default 8)."),
    ] = None,
    seed: SeedOpt = None,
) -> None:
    """Fit the scenario's uncertain parameters to its history by ABC (rejection, then SMC).

    Example: wargame calibrate scenarios/seoul_arms_ukraine.yaml --until 2024-12
    """
    from sim.experiments.errors import ExperimentError
    from sim.history.backtest import until_step
    from sim.history.checks import settings_for
    from sim.scenario import load_scenario

    shared.check()
    check_scenario_file(scenario)
    spec = load_scenario(scenario, overrides=shared.overrides or None)
    when = parse_when(until)
    if problems := check_when(spec, when):
        raise BadInput(*problems)
    try:
        settings = settings_for(
            spec,
            params=param,
            particles=particles,
            alpha=alpha,
            min_acceptance=min_acceptance,
            generations=generations,
            seed=seed,
            until=until_step(spec, when),
            chunk_size=shared.chunk_size,
        )
    except ExperimentError as exc:
        raise BadInput(*exc.lines) from None
    if shared.out is not None and is_url(shared.out):
        raise BadInput(f"--out {shared.out}: a calibration is written to a local folder only")
    folder = Path(shared.out) if shared.out is not None else default_out(scenario, "calibrate")

    def report(row: dict[str, Any]) -> None:
        if not shared.quiet:
            print(
                f"generation {row['generation']}: {row['runs']} runs, tolerance"
                f" {row['epsilon']:.3f}, moves accepted {row['acceptance']:.0%},"
                f" {row['unique']} distinct particles"
                f" ({row['seconds']:.1f} s)",
                file=sys.stderr,
            )

    def action() -> Any:
        from sim.history.calibrate import calibrate

        quiet = shared.quiet
        options = shared.options(folder, "calibrate").replace(
            progress=None if quiet else (lambda g: make_progress(f"generation {g}", quiet))
        )
        return calibrate(spec, settings=settings, report=report, options=options)

    cal = drive(action, folder)
    render(cal, spec, settings)
    print(f"Results: {folder}")
    print(f"  calibrated scenario: {cal.scenario_file}")
    print(f"  figure: {folder / 'prior_posterior.png'}")
    tail = f" --until {until}" if until else ""
    print(f"  score it out of sample: wargame backtest {cal.scenario_file}{tail}")


def render(cal: Any, spec: Any, settings: Any) -> None:
    """The sampler's diagnostics and the most informed parameters, as Rich tables."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from sim.analysis.style import compact
    from sim.scenario.history import step_label

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 150)
    scope = (
        f"{len(cal.observations)} observations up to {step_label(spec.time, settings.until)}"
        if settings.until is not None
        else f"all {len(cal.observations)} observations"
    )
    d = Table(title=f"Calibration of {escape(spec.id)} on {scope}", title_justify="left")
    for name in (
        "generation",
        "runs",
        "tolerance ε",
        "moves accepted",
        "distinct",
        "distance median",
    ):
        d.add_column(name, justify="right")
    for r in cal.diagnostics.itertuples():
        d.add_row(
            str(r.generation),
            str(r.runs),
            f"{r.epsilon:.3f}",
            f"{r.acceptance:.0%}",
            str(r.unique),
            f"{r.d_q50:.3f}",
        )
    console.print(d)
    s = cal.summary()
    p = Table(
        title=f"Parameters ({len(s)} fitted; the {min(len(s), SHOWN_PARAMETERS)} most informed)",
        title_justify="left",
    )
    for name in ("parameter", "prior median [90 %]", "posterior median [90 %]", "shrinkage"):
        p.add_column(name, justify="left" if name == "parameter" else "right")
    for r in s.head(SHOWN_PARAMETERS).itertuples():
        p.add_row(
            escape(r.parameter),
            f"{compact(r.prior_median)} [{compact(r.prior_q05)}, {compact(r.prior_q95)}]",
            f"{compact(r.posterior_median)} [{compact(r.posterior_q05)},"
            f" {compact(r.posterior_q95)}]",
            f"{r.shrinkage:+.0%}",
        )
    console.print(p)
    console.print(
        "[dim]shrinkage: 1 − posterior/prior width of the 90 % interval; near 0, the history"
        " does not inform the parameter. Generation 0 is rejection ABC (its tolerance keeps the"
        " closest --alpha share); each later one resamples within a lower tolerance and moves"
        " each particle by one ABC-MCMC step; distinct: particles that are not copies.[/]"
    )
