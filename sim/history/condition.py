"""``run --from DATE``: an ensemble conditioned on what has been observed up to a date.

"Given what has happened so far, what is likely next?" The ensemble's runs are futures that
start at the scenario's start; the observations of the history up to ``DATE`` (rungs held,
deployments made, red lines crossed or not, the front, the polls) say which of them are still
possible. We simulate ``runs / keep`` candidate futures (with the calibrated parameters when
the scenario has a ``posterior:``) and keep the ``runs`` closest to the record up to ``DATE``:
first those that did every observed event, then by the calibration's own distance
(:mod:`sim.history.distance`). This is rejection ABC on whole trajectories, so every kept run
carries the unobserved state (stocks, beliefs, approval momentum) that goes with the observed
one. What was observed before ``DATE`` is conditioned on, not forecast; the summary names it.

The candidates are an ordinary results folder beside ``--out`` (``OUT.candidates``, resumable,
removed once the kept runs are written); the kept runs are an ordinary results folder.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.errors import ExperimentError
from sim.experiments.options import ExecOptions
from sim.experiments.subset import write_subset
from sim.scenario.history import EVENT_KINDS, step_label, step_of

from .backtest import describe as what
from .backtest import span
from .distance import discrepancies, distance, in_sample, scales, simulated

DEFAULT_KEEP = 0.1


def candidates_folder(out: Path) -> Path:
    return out.with_name(f"{out.name}.candidates")


def check_from(scenario: Any, when: int | str, keep: float) -> tuple[int, list[int]]:
    """The step of ``when`` and the observations at or before it; every problem at once."""
    problems = []
    step = None
    try:
        step = step_of(scenario.time, when)
    except ValueError as exc:
        problems.append(f"--from: {when!r} is not a step or calendar date ({exc})")
    if step is not None and not 0 <= step <= scenario.time.horizon:
        t = scenario.time
        problems.append(
            f"--from: {when} lies outside the scenario's {t.horizon} steps"
            f" ({step_label(t, 0)} … {step_label(t, t.horizon)})"
        )
    if not 0 < keep <= 1:
        problems.append(f"--keep: expected a share in (0, 1], got {keep}")
    which = in_sample(scenario, step) if step is not None and not problems else []
    if not problems and not scenario.history:
        problems.append(f"--from: scenario {scenario.id} has no history: block to condition on")
    elif not problems and not which:
        problems.append(f"--from {when}: no observation of the history lies wholly before it")
    if problems:
        raise ExperimentError(*problems)
    assert step is not None
    return step, which


def run_from(
    scenario: Any,
    when: int | str,
    runs: int | None = None,
    seed: int | None = None,
    *,
    keep: float = DEFAULT_KEEP,
    options: ExecOptions | None = None,
    **keywords: Any,
) -> Any:
    """Simulate candidates, keep the ``runs`` closest to the record up to ``when``.

    ``options`` and ``keywords`` say how, as for :func:`sim.experiments.run`; ``out`` is
    required (the candidates are staged beside it), ``format`` is always Parquet and
    ``overrides`` are not applied (``scenario`` is a loaded one).

    Returns the kept runs' :class:`~sim.experiments.results.Results`; its manifest's
    ``conditioned`` entry says on what (observations, candidates, tolerance).
    """
    import sim.experiments as ex
    from sim.experiments.ensemble import resolve_settings

    opts = ExecOptions.of(options, keywords, "run_from")
    if opts.out is None:
        raise TypeError("run_from() needs out= (the folder; candidates are staged beside it)")
    from sim.storage import is_url

    if is_url(opts.out):  # the candidates are staged beside it, and subset by hard links
        raise ExperimentError(f"--out {opts.out}: run --from writes to a local folder only")
    step, which = check_from(scenario, when, keep)
    runs, seed, chunk_size = resolve_settings(scenario, runs, seed, opts.chunk_size)
    n = math.ceil(runs / keep)
    out = Path(opts.out)
    staging = candidates_folder(out)
    staged = opts.replace(out=staging, chunk_size=chunk_size, format="parquet", overrides=None)
    cands = ex.run(scenario, n, seed, record="full", options=staged)
    sims = simulated(scenario, cands, which)
    disc = discrepancies(scenario, which, sims, scales(scenario, which, sims))
    d = distance(disc)
    # Events first: a run that did not do what was observed (a deployment, a red line held)
    # is dropped before any run that did, however close its quantities; then the distance.
    events = [k for k, i in enumerate(which) if scenario.history[i].KIND in EVENT_KINDS]
    missed = disc[:, events].sum(axis=1) if events else np.zeros(len(d))
    order = np.lexsort((d, missed))[:runs]
    # The distances are in the order of the sorted run ids (sim.history.forecast.Ensemble).
    ids = np.sort(cands.outcomes["run"].to_numpy())[order]
    info = {
        "from": str(when),
        "step": step,
        "date": step_label(scenario.time, step),
        "observations": which,
        "candidates": n,
        "kept": runs,
        "tolerance": float(d[order].max()),
        "events_missed": int(missed[order].max()),
        "calibrated": getattr(scenario, "posterior", None) is not None,
    }
    results = write_subset(
        staging,
        scenario,
        ids,
        out,
        info=info,
        resume=opts.resume,
        force=opts.force,
        command=opts.command,
    )
    shutil.rmtree(staging, ignore_errors=True)
    return results


def describe(scenario: Any, info: dict[str, Any]) -> list[str]:
    """Lines that say what a conditioned ensemble was conditioned on."""
    lines = [
        f"Conditioned on the record up to {info['date']}: the {info['kept']:,} of"
        f" {info['candidates']:,} simulated futures closest to {len(info['observations'])}"
        f" observations (distance ≤ {info['tolerance']:.2f}"
        + (
            f"; up to {info['events_missed']} observed events missed: too few candidates,"
            " raise --runs or lower --keep"
            if info.get("events_missed")
            else "; every observed event matched"
        )
        + ")"
        + (", with the calibrated parameters" if info.get("calibrated") else "")
        + ". Observed before then, so conditioned on, not forecast:"
    ]
    for i in info["observations"]:
        obs = scenario.history[i]
        subject, seen = what(obs)
        lines.append(f"  {span(obs, scenario.time)[2]}: {subject} {seen}")
    return lines


__all__ = ["DEFAULT_KEEP", "candidates_folder", "check_from", "describe", "run_from"]
