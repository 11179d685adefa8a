"""``wargame backtest``: run a scenario's ensemble and score it against its ``history:``.

The ensemble is an ordinary ``run`` (same options, seed and results folder); the folder also
gets ``backtest.parquet`` (one row per observation and scoring rule, then the aggregates) and
``backtest.png`` (each observed series inside its simulated bands).
"""

from __future__ import annotations

import sys
from typing import Any

from .app import BadInput, app
from .common import (
    RunsOpt,
    ScenarioArg,
    SeedOpt,
    Shared,
    check_scenario_file,
    run_experiment,
    shared_options,
)
from .when import check_when, parse_when, when_option


@app.command("backtest")
@shared_options("set_", "out", "workers", "chunk_size", "force", "quiet")
def backtest_command(
    scenario: ScenarioArg,
    shared: Shared,
    until: when_option(  # type: ignore[valid-type]
        "--until", "Score only the observations after this step or date (out of sample)."
    ) = None,
    runs: RunsOpt = None,
    seed: SeedOpt = None,
) -> None:
    """Score the ensemble against the scenario's history, beside naive forecasts.

    Brier and log score for events and rung windows, CRPS for quantities, the coverage of the
    50 % and 90 % bands, and the skill (1 − score/reference) against persistence (everything
    as at step 0) and climatology (the prior ensemble).

    Example: wargame backtest scenarios/seoul_arms_ukraine.yaml --runs 200 --until 2024-12
    """
    from sim.scenario import load_scenario

    check_scenario_file(scenario)
    spec = load_scenario(scenario, overrides=shared.overrides or None)
    if not spec.history:
        raise BadInput(
            f"{scenario}: the scenario has no history: block, so there is nothing to score "
            "(docs/scenarios.md, History)"
        )
    when = parse_when(until)
    problems = check_when(spec, when)
    if not problems and when is not None:
        from sim.history.backtest import span

        if all(span(obs, spec.time)[0] <= _step(spec, when) for obs in spec.history):
            problems.append(f"--until: no observation lies after {until}; nothing to score")

    def call(options: Any) -> Any:
        import sim.experiments as ex

        # The overrides are applied to spec already.
        return ex.run(spec, runs, seed, record="full", options=options.replace(overrides=None))

    results, folder = run_experiment(
        call,
        scenario,
        shared,
        label="backtest",
        runs=runs,
        out_name=("backtest",),
        problems=problems,
    )
    from sim.history.backtest import FIGURE, climatology, score, write_table
    from sim.history.figure import backtest_figure

    prior = climatology(spec, runs, seed, workers=shared.workers, chunk_size=shared.chunk_size)
    table = score(spec, results, prior, until=_step(spec, when))
    write_table(table, folder)
    fig = backtest_figure(spec, results, table)
    fig.savefig(folder / FIGURE)
    render(table, spec, until)
    print(f"Results: {folder}")
    print(f"  table: {folder / 'backtest.parquet'} · figure: {folder / FIGURE}")


def _step(spec: Any, when: int | str | None) -> int | None:
    from sim.history.backtest import until_step

    return until_step(spec, when)


def render(table: Any, spec: Any, until: str | None) -> None:
    """The backtest as a Rich table: one row per observation and rule, then the aggregates."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from sim.history import climatology_note

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 150)
    scope = f"observations after {until} (out of sample)" if until else "every observation"
    t = Table(title=f"Backtest of {escape(spec.id)}: {scope}", title_justify="left")
    for name in (
        "when",
        "observation",
        "observed",
        "forecast",
        "score",
        "persist.",
        "skill",
        "50/90",
    ):
        t.add_column(
            name,
            justify="left" if name in ("when", "observation") else "right",
            no_wrap=name in ("when", "observed", "50/90"),
            min_width=24 if name == "observation" else None,
        )
    rows = table[table["kind"] != "aggregate"]
    for _, group in rows.groupby("observation", sort=False):
        r = group.iloc[0]
        # Approval is a share: in percent, its CRPS in percentage points, as everywhere.
        num = _pct if r["kind"] == "approval" else _num
        score = _pp if r["kind"] == "approval" else _num
        if r["rule"] == "crps":
            observed = num(r["value"]) + (f" ±{score(r['width'] / 2)}" if r["width"] > 0 else "")
            fc = f"{num(r['q50'])} [{num(r['q05'])}, {num(r['q95'])}]"
            cover = f"{'✓' if r['in50'] else '·'}/{'✓' if r['in90'] else '·'}"
        else:
            observed, fc, cover = "yes", f"p={r['forecast']:.2f}", ""
        t.add_row(
            escape(r["when"]),
            escape(f"{r['subject']}: {r['observed']}"),
            observed,
            fc,
            " / ".join(score(v) for v in group["model"]),
            " / ".join(score(v) for v in group["persistence"]),
            " / ".join(_skill(v) for v in group["skill_persistence"]),
            cover,
        )
    console.print(t)
    console.print(
        "[dim]score: Brier / log score for events and rung windows, CRPS for quantities.[/]"
    )
    agg = Table(
        title="Aggregate (mean score; skill = 1 − score/reference; for CRPS, of the geometric "
        "mean of the ratios)",
        title_justify="left",
    )
    for name in (
        "rule",
        "n",
        "model",
        "persistence",
        "skill vs pers.",
        "climatology",
        "skill vs clim.",
        "coverage 50/90 %",
    ):
        agg.add_column(name, justify="left" if name == "rule" else "right")
    for r in table[table["kind"] == "aggregate"].itertuples():
        cover = f"{r.in50:.0%} / {r.in90:.0%}" if r.rule == "crps" else ""
        agg.add_row(
            r.rule,
            str(r.subject).split()[0],
            _num(r.model),
            _num(r.persistence),
            _skill(r.skill_persistence),
            _num(r.climatology),
            _skill(r.skill_climatology),
            cover,
        )
    console.print(agg)
    console.print(f"[dim]{escape(climatology_note(spec))}.[/]")


def _num(v: float) -> str:
    from sim.analysis.style import compact

    return "–" if v != v else compact(float(v))


def _pct(v: float) -> str:
    return "–" if v != v else f"{100 * v:.3g}%"


def _pp(v: float) -> str:
    return "–" if v != v else f"{100 * v:.3g} pp"


def _skill(v: float) -> str:
    return "–" if v != v else f"{v:+.2f}"
