"""``calibrate``: fit a scenario's uncertain parameters to its history by ABC.

Each generation of the SMC-ABC sampler (:mod:`sim.history.abc`) is one ordinary ensemble:
particle *i*
is replication *i*, its parameter values passed as ``param_values``, so a generation runs on
the vectorised model, the process pool or a Dask cluster like any ``run``, into its own results
folder ``gen-NN/`` (locked, atomic, resumable chunk by chunk). The distances come from the
ensemble's tables (:mod:`sim.history.distance`), never from the model's internals.

Reproducible by construction: the proposals of generation *g* are a function of the seed and
of generations < *g*, which are themselves a function of the seed, so ``--resume`` replays the
finished generations from their folders and continues the first unfinished one exactly where
an uninterrupted calibration would have been.

The folder then holds ``posterior.parquet`` (the kept particles and their weights),
``particles.parquet`` (every particle of every generation with its distance),
``diagnostics.parquet`` (per generation: tolerance, move acceptance, distinct particles,
distance quantiles, runs, seconds), ``prior_posterior.png`` and ``calibrated.yaml``: the
scenario with a ``posterior:`` block, which ``run``, ``compare``, ``sensitivity`` and
``backtest`` take like any scenario.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from sim.experiments.ensemble import Ensemble, execute
from sim.experiments.options import ExecOptions
from sim.scenario import load_scenario
from sim.scenario.history import step_of

from . import abc
from .checks import Settings, check_calibration, settings_for
from .distance import discrepancies, distance, in_sample, scales, simulated
from .folder import CalibrationFolder

POSTERIOR = "posterior.parquet"
PARTICLES = "particles.parquet"
DIAGNOSTICS = "diagnostics.parquet"
CALIBRATED = "calibrated.yaml"
FIGURE = "prior_posterior.png"
_U_EDGE = 1e-12


@dataclass
class Calibration:
    """A finished calibration: its posterior, diagnostics and where they were written.

    Attributes:
        posterior: One row per kept particle: the fitted parameters and ``weight``.
        diagnostics: One row per generation.
        particles: Every simulated particle (``generation``, ``distance``, the parameters).
        priors: Parameter path → its prior distribution.
        observations: Indices of the history's observations the fit used.
        path: The results folder (``None`` in memory).
        scenario_file: ``calibrated.yaml`` (``None`` in memory).
    """

    posterior: pd.DataFrame
    diagnostics: pd.DataFrame
    particles: pd.DataFrame
    priors: dict[str, Any]
    observations: list[int]
    path: Path | None = None
    scenario_file: Path | None = None

    def summary(self) -> pd.DataFrame:
        """Per parameter: prior and posterior median and 90 % interval, and the shrinkage."""
        w = self.posterior["weight"].to_numpy()
        rows = []
        for p, dist in self.priors.items():
            lo, med, hi = (float(v) for v in dist.ppf(np.array([0.05, 0.5, 0.95])))
            x = self.posterior[p].to_numpy()
            plo, pmed, phi = weighted_quantiles(x, w, [0.05, 0.5, 0.95])
            width = hi - lo
            shrink = 1.0 - (phi - plo) / width if width > 0 else float("nan")
            rows.append(
                {
                    "parameter": p,
                    "prior_median": med,
                    "prior_q05": lo,
                    "prior_q95": hi,
                    "posterior_median": pmed,
                    "posterior_q05": plo,
                    "posterior_q95": phi,
                    "shrinkage": shrink,
                }
            )
        return pd.DataFrame(rows).sort_values("shrinkage", ascending=False, ignore_index=True)


def weighted_quantiles(x: np.ndarray, w: np.ndarray, qs: list[float]) -> list[float]:
    """Quantiles of a weighted sample (the inverse of its weighted empirical CDF)."""
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order]) / np.sum(w)
    idx = np.minimum(np.searchsorted(cum, qs, side="left"), len(x) - 1)
    return [float(v) for v in x[order][idx]]


def values_of(z: np.ndarray, priors: list[Any]) -> dict[int, np.ndarray]:
    """Parameter values of normal scores ``z`` (column k through prior k's quantile function)."""
    u = np.clip(ndtr(z), _U_EDGE, 1.0 - _U_EDGE)
    return {k: np.asarray(d.ppf(u[:, k]), dtype=float) for k, d in enumerate(priors)}


def _generation_seed(seed: int, g: int) -> int:
    return int(np.random.SeedSequence([seed, 1_000_003, g]).generate_state(1)[0])


def calibrate(
    scenario: Any,
    *,
    settings: Settings | None = None,
    until: int | str | None = None,
    report: Any = None,
    options: ExecOptions | None = None,
    **keywords: Any,
) -> Calibration:
    """Run the sampler, generation by generation, and write the calibrated scenario.

    ::

        cal = sim.calibrate("scenarios/seoul_arms_ukraine.yaml", until="2024-12", out="runs/c")

    Args:
        scenario: The (uncalibrated) scenario with a ``history``, or its file.
        settings: The calibration's settings (see :class:`Settings`; default: the scenario's
            ``calibration:`` block, by :func:`~sim.history.checks.settings_for`).
        until: With ``settings=None``: fit the observations up to this step or date.
        report: Called with each generation's diagnostics row as it finishes.
        options, keywords: How to run it, as for :func:`sim.experiments.run`: ``out`` (the
            results folder; ``None`` keeps everything in memory), ``resume``, ``force``,
            ``workers``, ``scheduler``, ``command``, ``memory_check``,
            ``allow_version_change``; ``progress`` may also be a function of the generation
            giving its display (the CLI's bar). The chunk size is the settings'; the tables
            are Parquet.
    """
    opts = ExecOptions.of(options, keywords, "calibrate")
    out, resume, force, progress = opts.out, opts.resume, opts.force, opts.progress
    if isinstance(scenario, str | os.PathLike):
        scenario = load_scenario(scenario)
    if settings is None:
        step = None if until is None else step_of(scenario.time, until)
        settings = settings_for(scenario, until=step)
    priors_list = check_calibration(scenario, settings)
    paths = list(settings.params)
    which = in_sample(scenario, settings.until)
    folder = CalibrationFolder(out, identity(scenario, settings)) if out is not None else None
    if folder is not None:
        folder.check(resume=resume, force=force)
    rng = np.random.default_rng(np.random.SeedSequence([settings.seed, 0xABC]))
    pop: abc.Population | None = None
    scale: np.ndarray | None = None
    diag: list[dict[str, Any]] = []
    parts: list[pd.DataFrame] = []
    try:
        if folder is not None:
            folder.acquire(force=force)
        for g in range(settings.generations):
            moves = None
            if pop is None:
                z = abc.prior(rng, settings.particles, len(paths))
            else:
                moves = abc.propose(pop, settings.alpha, rng)
                z = moves.proposal
            vals = values_of(z, priors_list)
            pv = {p: vals[k] for k, p in enumerate(paths)}
            digest = hashlib.sha256(np.ascontiguousarray(z).tobytes()).hexdigest()
            ens = Ensemble(
                scenario,
                "calibrate",
                len(z),
                _generation_seed(settings.seed, g),
                settings.chunk_size,
                "full",
                param_values=pv,
                identity={"generation": g, "proposals_sha256": digest},
                info={"calibration": {"generation": g}},
            )
            t0 = time.perf_counter()
            results = execute(
                ens,
                opts.replace(
                    out=folder.generation(g) if folder is not None else None,
                    resume=folder is not None,
                    force=False,
                    format="parquet",
                    progress=progress(g) if callable(progress) else progress,
                ),
            )
            sims = simulated(scenario, results, which)
            if scale is None:
                scale = scales(scenario, which, sims)
            d = distance(discrepancies(scenario, which, sims, scale))
            del results, sims
            if moves is None:
                pop = abc.Population(z, d, float("inf"), 1.0)
            else:
                pop = abc.accept(moves, d, rng)
            row = _diagnostics(g, d, pop, settings.alpha, time.perf_counter() - t0)
            diag.append(row)
            parts.append(_particles(g, d, vals, paths))
            if report is not None:
                report(row)
            if g > 0 and pop.acceptance < settings.min_acceptance:
                break
        assert pop is not None
        cal = Calibration(
            posterior=_posterior(pop, settings.alpha, priors_list, paths),
            diagnostics=pd.DataFrame(diag),
            particles=pd.concat(parts, ignore_index=True),
            priors=dict(zip(paths, priors_list, strict=True)),
            observations=which,
        )
        if folder is not None:
            cal.path = folder.path
            cal.scenario_file = folder.write(
                scenario, cal, scale_of(which, scale), POSTERIOR, CALIBRATED
            )
        return cal
    finally:
        if folder is not None:
            folder.release()


def scale_of(which: list[int], scale: np.ndarray | None) -> dict[str, float]:
    if scale is None:
        return {}
    return {str(i): float(s) for i, s in zip(which, scale, strict=True)}


def _diagnostics(
    g: int, d: np.ndarray, pop: abc.Population, alpha: float, seconds: float
) -> dict[str, Any]:
    """One generation: its simulations' distances, the tolerance it reached, its moves."""
    q = np.quantile(d, [0.05, 0.25, 0.5, 0.75, 0.95])
    eps = pop.epsilon if np.isfinite(pop.epsilon) else abc.tolerance(d, alpha)
    return {
        "generation": g,
        "runs": int(d.size),
        "epsilon": eps,
        "acceptance": pop.acceptance,
        "unique": pop.unique,
        "d_q05": q[0],
        "d_q25": q[1],
        "d_q50": q[2],
        "d_q75": q[3],
        "d_q95": q[4],
        "seconds": seconds,
    }


def _particles(
    g: int, d: np.ndarray, vals: dict[int, np.ndarray], paths: list[str]
) -> pd.DataFrame:
    df = pd.DataFrame({p: vals[k] for k, p in enumerate(paths)})
    df.insert(0, "distance", d)
    df.insert(0, "generation", g)
    return df


def _posterior(
    pop: abc.Population, alpha: float, priors: list[Any], paths: list[str]
) -> pd.DataFrame:
    keep = abc.posterior(pop, alpha)
    vals = values_of(pop.z[keep], priors)
    df = pd.DataFrame({p: vals[k] for k, p in enumerate(paths)})
    df["weight"] = 1.0 / len(keep)
    return df


def identity(scenario: Any, settings: Settings) -> dict[str, Any]:
    """What a resumed folder must match: the scenario's digest and the settings."""
    from sim.scenario import dump_resolved

    text = dump_resolved(scenario)
    return {
        "scenario_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "settings": json.loads(json.dumps(settings.__dict__, default=list)),
    }


__all__ = [
    "CALIBRATED",
    "DIAGNOSTICS",
    "FIGURE",
    "PARTICLES",
    "POSTERIOR",
    "Calibration",
    "Settings",
    "calibrate",
    "values_of",
    "weighted_quantiles",
]
