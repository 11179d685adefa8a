"""``wargame validate`` and ``wargame schema``: check scenarios, print the language's schema.

Both stay on the light import path (pydantic, ruamel.yaml, rich): no Mesa, pandas or
matplotlib, so checking a file takes a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from .app import app

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Override a value by its dotted path (the value is YAML), e.g. "
        "--set actors.ROK.weights.domestic=0.9. Repeatable.",
    ),
]


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", metavar="FILE")],
    overrides: SetOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print problems only, no summaries.")
    ] = False,
) -> None:
    """Check scenario files and print a one-screen summary of each.

    Every problem of every file is printed as FILE:LINE:COL: dotted.path: message;
    the exit status is 2 if any file has one.

    Examples:

      wargame validate scenarios/*.yaml

      wargame validate scenarios/seoul_arms_ukraine.yaml --set run.runs=500
    """
    from sim.scenario import ScenarioError, load_scenario

    problems = []
    for file in files:
        try:
            scenario = load_scenario(file, overrides=overrides or None)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        if not quiet:
            print_summary(scenario, str(file))
    if problems:
        raise ScenarioError(problems)


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the schema to this file (default: stdout)."),
    ] = None,
) -> None:
    """Print the JSON Schema of the scenario language (editor completion and checks).

    Scenario files point their editor at it with a first line such as
    # yaml-language-server: $schema=../sim/library/wargame.schema.json

    Example:

      wargame schema -o sim/library/wargame.schema.json
    """
    from sim.scenario.json_schema import schema_text

    text = schema_text()
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        from .app import BadInput

        raise BadInput(f"{output}: cannot write the schema: {exc.strerror or exc}") from None


# --- the summary ------------------------------------------------------------------------------


def end_date(start: str, step: str, horizon: int) -> str:
    """The calendar date of the last step (``2024-06`` + 24 months → ``2026-06``)."""
    parts = [int(p) for p in start.split("-")]
    year, month = parts[0], parts[1]
    day = parts[2] if len(parts) == 3 else None
    if step in ("month", "year"):
        months = horizon * (12 if step == "year" else 1)
        year, month = year + (month - 1 + months) // 12, (month - 1 + months) % 12 + 1
        return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    days = horizon * (7 if step == "week" else 1)
    return (dt.date(year, month, day or 1) + dt.timedelta(days=days)).isoformat()


def _value(v: Any) -> str:
    if hasattr(v, "describe"):
        return v.describe()
    return f"{v:g}" if isinstance(v, float) else str(v)


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _group_parameters(params: list[tuple[str, Any]]) -> list[tuple[str, list[str]]]:
    """Parameters grouped by owner; those every actor has are listed once.

    ``actors.ROK.precision``, ``actors.DPRK.precision``... become ``every actor: precision``
    (an inherited default is sampled for each actor on its own).
    """
    groups: dict[str, list[str]] = {}
    for path, _ in params:
        parts = path.split(".")
        head, tail = (
            (".".join(parts[:2]), ".".join(parts[2:]))
            if len(parts) > 2
            else (parts[0], ".".join(parts[1:]))
        )
        groups.setdefault(head, []).append(tail or path)
    actor_heads = [h for h in groups if h.startswith("actors.")]
    common: list[str] = []
    if len(actor_heads) > 1:
        first = groups[actor_heads[0]]
        common = [n for n in first if all(n in groups[h] for h in actor_heads)]
    out: list[tuple[str, list[str]]] = []
    if common:
        out.append((f"every actor ({len(actor_heads)})", common))
    for head, names in groups.items():
        rest = [n for n in names if n not in common] if head in actor_heads else names
        if rest:
            out.append((head, rest))
    return out


def _history_line(s: Any) -> str:
    """``25 observations from 2024-06 to 2025-12 (7 events, 18 quantities)``."""
    from sim.scenario.history import EVENT_KINDS, date_range

    n = len(s.history)
    events = sum(1 for obs in s.history if obs.KIND in EVENT_KINDS)
    span = date_range(s.history, s.time)
    text = f"{n} observation" + ("s" if n != 1 else "")
    if span is not None:
        text += f" from {span[0]} to {span[1]}"
    return text + f" ({events} events, {n - events} quantities)"


def summary_lines(scenario: Any, file: str) -> list[tuple[str, str]]:
    """The summary as (label, text) rows: what ``print_summary`` lays out."""
    from sim.scenario import conditions, uncertain_parameters

    s = scenario
    rows: list[tuple[str, str]] = []
    t = s.time
    unit = t.step + ("s" if t.horizon != 1 else "")
    finer = ""
    if t.dt is not None:
        finer = f" · dt {t.dt:g}"
    elif t.substeps is not None:
        finer = f" · {t.substeps} substeps"
    runs = f"{s.run.runs} run" + ("s" if s.run.runs != 1 else "")
    end = end_date(t.start, t.step, t.horizon)
    rows.append(
        ("time", f"{t.horizon} {unit} from {t.start} to {end}{finer} · {runs}, seed {s.run.seed}")
    )
    if s.ladders:
        rows.append(
            (
                "ladders",
                " · ".join(
                    f"{lid} ({'continuous' if ld.is_continuous else len(ld.rung_ids)})"
                    for lid, ld in s.ladders.items()
                ),
            )
        )
    for aid, actor in s.actors.items():
        parts = [f"{aid}" + (f" ({actor.name})" if actor.name else ""), str(actor.policy)]
        for cid, ch in actor.channels.items():
            start = "" if ch.initial is None else f"@{_value(ch.initial)}"
            parts.append(f"{cid}→{ch.target} {ch.ladder}{start}")
        rows.append(("actors", " · ".join(parts)))
    for aid, al in s.alliances.items():
        extra = f", patron {al.patron}" if al.patron else ""
        if al.pressure is not None:
            extra += f", pressure on {al.pressure.on}"
        rows.append(("alliances", f"{aid}: {', '.join(al.members)} ({al.kind}, {al.mode}{extra})"))
    for rid, rl in s.red_lines.items():
        text = f"{rid}: {rl.owner} watches {conditions.text(rl.watch)}"
        if rl.committed:
            text += " → " + ", ".join(f"{r.channel} ≥ {r.at_least}" for r in rl.committed)
        rows.append(("red lines", f"{text} ({rl.declared})"))
    for gid, game in s.games.items():
        rows.append(("games", f"{gid}: {' vs '.join(game.channels)}"))
    for fid, front in s.fronts.items():
        joins = [f"{ref}→{sid}" for sid, side in front.sides.items() for ref in side.deployments]
        extra = f" (deployments: {', '.join(joins)})" if joins else ""
        rows.append(("fronts", f"{fid}: {' vs '.join(front.sides)}{extra}"))
    from sim.scenario.history import step_label

    for event in s.events:
        until = f"–{event.until}" if event.until is not None else ""
        when = step_label(t, event.at) + (f"–{step_label(t, event.until)}" if until else "")
        note = f" ({_short(event.note)})" if event.note else ""
        text = f"step {event.at}{until} ({when}): {event.set} → {_value(event.to)}{note}"
        rows.append(("events", text))
    for cid, cf in s.counterfactuals.items():
        n = len(cf.measure)
        rows.append(
            (
                "counterfactuals",
                f"{cid}: arms {', '.join(cf.arms)} · {n} measure" + ("s" if n != 1 else ""),
            )
        )
    if s.sensitivity is not None:
        sens = s.sensitivity
        rows.append(("sensitivity", f"{sens.method} on {', '.join(sens.targets)}"))
    if s.history:
        rows.append(("history", _history_line(s)))
    if s.calibration is not None:
        n = len(s.calibration.params or uncertain_parameters(s))
        rows.append(
            (
                "calibration",
                f"{n} parameters to fit · {s.calibration.particles} particles ·"
                f" at most {s.calibration.generations} generations (wargame calibrate)",
            )
        )
    if s.posterior is not None:
        rows.append(
            (
                "posterior",
                f"calibrated: {len(s.posterior.paths)} parameters drawn jointly from"
                f" {s.posterior.size} particles ({s.posterior.file})",
            )
        )
    params = uncertain_parameters(s)
    rows.append(("uncertain", f"{len(params)} parameters"))
    for head, names in _group_parameters(params):
        rows.append(("uncertain", f"{head}: {', '.join(names)}"))
    return rows


def print_summary(scenario: Any, file: str) -> None:
    """One screen about a valid scenario: what it is, who is in it, what is uncertain."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=False)
    console.print(
        f"[green]✓[/] {escape(file)}: [bold]{escape(scenario.title)}[/] "
        f"[dim]({escape(scenario.id)})[/]"
    )
    table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    table.add_column(style="cyan", no_wrap=True)
    table.add_column(overflow="fold")
    last = None
    for label, text in summary_lines(scenario, file):
        shown = label if label != last else ""
        last = label or last
        table.add_row(shown, escape(text))
    console.print(table)
