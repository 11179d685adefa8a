"""``wargame explain``: why an actor took the rung it took, term by term.

The target is a scenario file or a ``run`` results folder. Either way the command explains run
N of the ensemble ``wargame run`` makes with the same seed, runs and chunk size: run N lives in
chunk ``N // chunk_size``, whose model is rebuilt from that chunk's seed
(``SeedSequence(seed).spawn(n)[c]``) and stepped to the step before the decision, so the terms
shown are those the run's choice was drawn from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .app import BadInput, app
from .common import SeedOpt, SetOpt

Target = Annotated[
    Path,
    typer.Argument(
        help="A scenario file, or a results folder of `wargame run`.", show_default=False
    ),
]


@app.command("explain")
def explain_command(
    target: Target,
    actor: Annotated[str, typer.Option("--actor", help="The actor, e.g. ROK.", show_default=False)],
    channel: Annotated[
        str, typer.Option("--channel", help="Its channel, e.g. arm_ukraine.", show_default=False)
    ],
    step: Annotated[
        str,
        typer.Option(
            "--step",
            help="The decision: a step (1..horizon) or a date (2024-11).",
            show_default=False,
        ),
    ],
    run: Annotated[int, typer.Option("--run", help="The run of the ensemble.")] = 0,
    runs: Annotated[
        int | None,
        typer.Option("--runs", help="Runs of the ensemble (default: the scenario's run.runs)."),
    ] = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
) -> None:
    """Why an actor took a rung: the utility of every rung by term, the rung chosen and its
    probability, and what the actor perceived.

    Example: wargame explain scenarios/seoul_arms_ukraine.yaml --actor ROK --channel
    arm_ukraine --step 2024-11 --run 3
    """
    scenario, seed_, runs_, chunk = _ensemble(target, runs, seed, set_)
    ref = f"{actor}.{channel}"
    problems = []
    if actor not in scenario.actors:
        problems.append(f"--actor: no actor {actor!r} (actors: {', '.join(scenario.actors)})")
    elif channel not in scenario.actors[actor].channels:
        known = ", ".join(scenario.actors[actor].channels) or "none"
        problems.append(f"--channel: {actor} has no channel {channel!r} (its channels: {known})")
    elif scenario.actors[actor].policy != "utility":
        problems.append(
            f"--actor: {actor} plays {scenario.actors[actor].policy!r}; explain "
            "shows the terms of the utility policy"
        )
    s = _step(step, scenario, problems)
    if not 0 <= run < runs_:
        problems.append(f"--run: expected a run in 0..{runs_ - 1}, got {run}")
    if problems:
        raise BadInput(*problems)

    from sim.experiments.ensemble import chunk_seeds
    from sim.model import explain

    c = run // chunk
    n_chunks = -(-runs_ // chunk)
    size = min(chunk, runs_ - c * chunk)
    ex = explain(
        scenario,
        ref,
        step=s,
        run=run - c * chunk,
        seed=chunk_seeds(seed_, n_chunks)[c],
        replications=size,
    )
    ex.run = run
    print(ex.render())


def _ensemble(target: Path, runs: int | None, seed: int | None, sets: Any):
    """(scenario, seed, runs, chunk size) of the ensemble whose run is explained."""
    if not target.exists():
        raise BadInput(f"{target}: no such file or folder")
    if target.is_dir():
        from sim.experiments.errors import ExperimentError
        from sim.experiments.store import read_manifest
        from sim.scenario import load_scenario

        try:
            manifest = read_manifest(target)
        except ExperimentError as exc:
            raise BadInput(str(exc)) from None
        if manifest.get("kind") != "run":
            raise BadInput(
                f"{target}: a {manifest.get('kind')!r} folder; explain reads the folders of "
                "`wargame run` (for an arm, explain its scenario with --set)"
            )
        if runs is not None or seed is not None or sets:
            raise BadInput(f"{target}: --runs, --seed and --set come from the folder's manifest")
        sc = load_scenario(target / "scenario.yaml")
        return sc, int(manifest["seed"]), int(manifest["runs"]), int(manifest["chunk_size"])
    from sim.scenario import load_scenario

    if runs is not None and runs < 1:
        raise BadInput(f"--runs: expected at least 1 run, got {runs}")
    sc = load_scenario(target, overrides=list(sets or []) or None)
    block = sc.run
    return (
        sc,
        block.seed if seed is None else seed,
        block.runs if runs is None else runs,
        block.chunk_size,
    )


def _step(text: str, scenario: Any, problems: list[str]) -> int:
    """A step from ``--step``: an integer, or a date label of the scenario's calendar."""
    from sim.model.layout import date_labels, step_dates

    horizon = scenario.time.horizon
    labels = date_labels(
        step_dates(scenario.time.start, scenario.time.step, horizon), scenario.time.step
    )
    if text.strip().lstrip("-").isdigit():
        s = int(text)
    elif text in labels:
        s = labels.index(text)
    else:
        problems.append(
            f"--step: expected a step 1..{horizon} or a date {labels[1]}..{labels[-1]}, "
            f"got {text!r}"
        )
        return 1
    if not 1 <= s <= horizon:
        problems.append(
            f"--step: expected a step 1..{horizon} ({labels[1]}..{labels[-1]}), got {text}"
        )
    return s
