"""What ``calibrate`` checks before the first simulation: one message per problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.experiments.errors import ExperimentError
from sim.experiments.sensitivity import factors
from sim.scenario.calibration import Calibration as Block
from sim.scenario.history import step_label

from .distance import in_sample


@dataclass(frozen=True)
class Settings:
    """What a calibration is: the settings that fix its answer (recorded and checked on resume)."""

    params: tuple[str, ...]
    particles: int
    alpha: float
    min_acceptance: float
    generations: int
    seed: int
    until: int | None
    chunk_size: int


def settings_for(
    scenario: Any,
    *,
    params: Sequence[str] | None = None,
    particles: int | None = None,
    alpha: float | None = None,
    min_acceptance: float | None = None,
    generations: int | None = None,
    seed: int | None = None,
    until: int | None = None,
    chunk_size: int | None = None,
) -> Settings:
    """The settings: the arguments, else the scenario's ``calibration:`` block, else defaults.

    Raises:
        ExperimentError: every bad setting, one line each.
    """
    block = scenario.calibration or Block()
    chosen = list(params) if params else (block.params or None)
    problems: list[str] = []
    try:
        names = tuple(f.path for f in factors(scenario, chosen))
    except ExperimentError as exc:
        problems += exc.lines
        names = ()
    n = block.particles if particles is None else particles
    a = block.alpha if alpha is None else alpha
    m = block.min_acceptance if min_acceptance is None else min_acceptance
    gens = block.generations if generations is None else generations
    if n < 20:
        problems.append(f"--particles: expected at least 20, got {n}")
    if not 0 < a < 1:
        problems.append(f"--alpha: expected a share strictly between 0 and 1, got {a}")
    if not 0 < m < 1:
        problems.append(f"--min-acceptance: expected a share strictly between 0 and 1, got {m}")
    if not 1 <= gens <= 50:
        problems.append(f"--generations: expected 1 to 50, got {gens}")
    seed = scenario.run.seed if seed is None else seed
    if seed < 0:
        problems.append(f"--seed: expected a whole number of at least 0, got {seed}")
    chunk = scenario.run.chunk_size if chunk_size is None else chunk_size
    if chunk < 1:
        problems.append(f"--chunk-size: expected at least 1 run per chunk, got {chunk}")
    problems += _history_problems(scenario, until)
    if problems:
        raise ExperimentError(*problems)
    return Settings(names, int(n), float(a), float(m), int(gens), int(seed), until, int(chunk))


def _history_problems(scenario: Any, until: int | None) -> list[str]:
    if getattr(scenario, "posterior", None) is not None:
        return [
            f"scenario {scenario.id} is already calibrated (it has a posterior: block);"
            " calibrate the scenario it was made from"
        ]
    if not scenario.history:
        return [
            f"scenario {scenario.id} has no history: block: nothing to calibrate against"
            " (docs/scenarios.md, History)"
        ]
    if not in_sample(scenario, until):
        when = step_label(scenario.time, until) if until is not None else ""
        return [f"--until {when}: no observation of the history lies wholly before it"]
    return []


def check_calibration(scenario: Any, settings: Any) -> list[Any]:
    """The prior of each fitted parameter, in the settings' order (checked again: the API)."""
    from sim.scenario import uncertain_parameters

    known = dict(uncertain_parameters(scenario))
    missing = [p for p in settings.params if p not in known]
    problems = [f"--param {p}: not a parameter given as a distribution" for p in missing]
    problems += _history_problems(scenario, settings.until)
    if problems:
        raise ExperimentError(*problems)
    return [known[p] for p in settings.params]


__all__ = ["Settings", "check_calibration", "settings_for"]
