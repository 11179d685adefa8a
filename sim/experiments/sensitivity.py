"""Global sensitivity analysis: which uncertain inputs move the outcomes that matter.

The factors are the parameters the scenario gives as distributions (or a chosen subset). A
SALib design — Morris trajectories (Morris 1991; μ* of Campolongo et al. 2007) or Saltelli's
sampling for Sobol indices (Saltelli 2002, 2010) — lives in the unit cube; each point is mapped
through every factor's inverse CDF (``ppf``), so any distribution can be a factor. The whole
design then runs as replications of the vectorised model (``param_values``: run r takes row r
of the design), in chunks, through the same executors and store as any ensemble. Each target
(an ``outcomes`` column) gets its indices with SALib's bootstrap confidence intervals, most
influential factor first.

The model is stochastic, so the points of a design that an estimator compares — a Morris
trajectory's ``k + 1`` points, a Saltelli group's ``A``, ``AB_1..AB_k`` and ``B`` rows — run
on **common random numbers**: each point position is an arm of the ensemble (``p00``,
``p01``...), all arms share their chunk seeds, and base sample ``j`` is run ``j`` of every arm.
A factor's effect is then measured with the noise held fixed (a factor the target ignores
gets an index of exactly 0), while the noise still varies from one base sample to the next
and so stays in the variance the indices divide. Row ``j·m + q`` of SALib's design (``m``
points per group) is run ``j`` of arm ``q``.

The three steps are public functions, :func:`design`, :func:`to_quantiles` and
:func:`analyze`, so that a test function with known indices (Ishigami) can go through the very
design and analysis the model goes through.

Two conventions:

- Morris grid levels ``0, 1/(p−1), ..., 1`` are mapped to the quantiles ``(i + ½)/p``: an
  unbounded distribution (normal, lognormal) has no finite 0 or 1 quantile. The map is affine,
  so every factor's elementary effects are scaled by the same ``(p−1)/p``: rankings and ratios
  are unchanged.
- A ``red_line.X.step`` target (NaN when the line was never crossed) counts a run that never
  crossed as crossing at ``horizon + 1``.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.outcomes import is_default_target, is_target, parse, stat
from sim.storage import location
from sim.tables import INDICES

from .design import (
    LEVELS,
    design,
    group_size,
    point_arms,
    to_quantiles,
)
from .ensemble import Ensemble, execute, load, resolve_settings
from .errors import ExperimentError
from .manifest import override_lines
from .options import ExecOptions
from .results import Results, register_kind
from .sensitivity_analysis import (  # noqa: F401  (part of this module's API)
    DEFAULT_SAMPLES,
    MAX_SAMPLES,
    METHODS,
    MIN_SAMPLES,
    RESAMPLES,
    analyze,
    check_method,
    check_samples,
)
from .store import atomic_write_text

CSV = "sensitivity.csv"


@dataclass(frozen=True)
class Factor:
    """An uncertain parameter: its dotted path and its distribution."""

    path: str
    dist: Any


def factors(scenario: Any, params: Sequence[str] | None = None) -> list[Factor]:
    """The factors: every parameter given as a distribution, or those of ``params``.

    Raises:
        ExperimentError: for a path that is not a parameter given as a distribution (with a
            did-you-mean), or a scenario without any.
    """
    from sim.scenario import uncertain_parameters

    known = dict(uncertain_parameters(scenario))
    if not params:
        if not known:
            raise ExperimentError(
                f"scenario {scenario.id} has no parameter given as a distribution: nothing to"
                " vary (give one as {dist: ...}, or override one with --set PATH='{dist: ...}')"
            )
        return [Factor(p, d) for p, d in known.items()]
    from sim.scenario import get_path

    problems = []
    for p in params:
        if p in known:
            continue
        try:
            value = get_path(scenario, p)
        except KeyError as exc:
            near = difflib.get_close_matches(p, list(known), n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            problems.append(f"--param {p}: {exc.args[0] if exc.args else exc}{hint}")
            continue
        problems.append(
            f"--param {p}: is {value!r} in scenario {scenario.id}, not a distribution; give"
            f" it one to vary it, e.g. --set '{p}={{dist: uniform, low: ..., high: ...}}'"
        )
    dup = sorted({p for p in params if list(params).count(p) > 1})
    if dup:
        problems.append(f"--param: given twice: {', '.join(dup)}")
    if problems:
        raise ExperimentError(*problems)
    return [Factor(p, known[p]) for p in params]


def values(fs: Sequence[Factor], quantiles: np.ndarray) -> dict[str, np.ndarray]:
    """Each factor's value at each design point: its distribution's ``ppf`` of the quantile."""
    return {f.path: np.asarray(f.dist.ppf(quantiles[:, j]), dtype=float) for j, f in enumerate(fs)}


def targets_of(outcomes: pd.DataFrame) -> list[str]:
    """Outcomes columns that can be targets: not the run, arm, sampled parameters or the
    counterfactuals' measures (``red_line.X.crossed_by.24``...)."""
    return [c for c in outcomes.columns if is_target(c)]


def default_targets(columns: Sequence[str]) -> list[str]:
    """Every red line (crossed), dyad (peak escalation) and front (territory)."""
    return [c for c in columns if is_default_target(c)]


def target_values(outcomes: pd.DataFrame, target: str, horizon: int) -> np.ndarray:
    """A target's outputs in design order: row ``j·m + q`` is run ``j`` of arm ``q``.

    A never-crossed ``red_line.X.step`` counts as ``horizon + 1``.
    """
    arms = point_arms(outcomes["arm"].nunique()) if "arm" in outcomes else [None]
    m = len(arms)
    n = len(outcomes) // m
    y = np.empty(len(outcomes))
    for q, arm in enumerate(arms):
        rows = outcomes if arm is None else outcomes[outcomes["arm"] == arm]
        y[q::m] = rows.sort_values("run", kind="stable")[target].to_numpy(dtype=float)[:n]
    name = parse(target)
    if name is not None and name.stat == stat("red_line", "step"):
        y = np.where(np.isnan(y), horizon + 1.0, y)
    return y


class SensitivityResult(Results):
    """The runs of a sensitivity design and the indices computed from them.

    Attributes:
        method: ``morris`` or ``sobol``.
        indices: The indices (see :func:`analyze`).
        csv: Where the indices were saved (``DIR/sensitivity.csv``), or ``None``.
    """

    def __init__(
        self, results: Results, method: str, indices: pd.DataFrame, csv: Path | None = None
    ):
        super().__init__(**results._parts())
        self.method = method
        self.indices = indices
        self.csv = csv

    @classmethod
    def from_folder(cls, path: str | os.PathLike, manifest: dict[str, Any]) -> SensitivityResult:
        p = location(path)
        info = manifest.get("sensitivity", {})
        file = p / info.get("file", CSV)
        found = file.is_file()
        if found:
            with file.open("rb") as fh:  # a local file or an object at a URL
                indices = pd.read_csv(fh)
        else:
            indices = pd.DataFrame()
        return cls(
            Results(p, manifest=manifest),
            info.get("method", "?"),
            indices,
            file if found else None,
        )

    def summary(self) -> Any:
        """The key estimands over every run of the design, its points pooled (the arms of a
        design are positions in SALib's groups, not alternatives to compare)."""
        from sim.analysis.estimands import summarize

        outcomes = self.outcomes
        if outcomes is not None and "arm" in outcomes:
            outcomes = outcomes.drop(columns="arm")
        return summarize({"outcomes": outcomes, "scenario": self.scenario})

    @property
    def sensitivity(self) -> pd.DataFrame:
        """The indices table (what a report shows)."""
        return self.indices

    def table(self, name: str | None = None) -> pd.DataFrame | None:  # type: ignore[override]
        """The indices; with a table name, that table instead (as :meth:`Results.table`)."""
        if name is not None:
            return super().table(name)
        return self.indices

    def render(self, top: int = 10) -> str:
        """The indices as text: per target, the ``top`` most influential factors."""
        info = self.manifest.get("sensitivity", {})
        runs = info.get("design_rows", self.manifest.get("runs", 0))
        head = (
            f"Sensitivity ({self.method}, {info.get('samples', '?')} "
            f"{'trajectories' if self.method == 'morris' else 'base samples'}, "
            f"{len(info.get('params', []))} factors, {runs:,} runs)"
        )
        lines = [head]
        cols = INDICES[self.method]
        main, conf, second = cols.main, cols.conf, cols.second
        for target, grp in self.indices.groupby("target", sort=False):
            lines += ["", f"{target}: {main} ± 95 % CI, {second}"]
            if grp[main].isna().all():
                lines.append("  constant in every run: no factor moves it")
                continue
            width = min(64, max(len(f) for f in grp["factor"]))
            for r in grp.head(top).itertuples(index=False):
                lines.append(
                    f"  {r.factor:<{width}}  {getattr(r, main):8.3f}"
                    f" ± {getattr(r, conf):.3f}   {second} {getattr(r, second):.3f}"
                )
            if len(grp) > top:
                lines.append(f"  ... {len(grp) - top} more factors")
        if self.method == "sobol" and (self.indices["S1"] < 0).any():
            from sim.analysis.plots.sensitivity import NEGATIVE_S1

            lines += ["", f"Note: {NEGATIVE_S1}."]
        if self.csv is not None:
            lines += ["", f"All indices: {self.csv}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def sensitivity(
    scenario: Any,
    method: str | None = None,
    samples: int | None = None,
    targets: Sequence[str] | None = None,
    params: Sequence[str] | None = None,
    *,
    seed: int | None = None,
    levels: int = LEVELS,
    options: ExecOptions | None = None,
    **keywords: Any,
) -> SensitivityResult:
    """Morris or Sobol indices of the scenario's uncertain parameters on its outcomes.

    Args:
        scenario: A loaded scenario or the path of a scenario file.
        method: ``morris`` or ``sobol`` (default: the scenario's ``sensitivity.method``, else
            ``morris``).
        samples: Morris trajectories or Sobol base samples (default: the scenario's, else 20
            or 256). The design has ``samples·(k+1)`` (Morris) or ``samples·(k+2)`` (Sobol)
            points for ``k`` factors.
        targets: Outcomes columns to explain (default: the scenario's ``sensitivity.targets``,
            else every red line, peak escalation and front territory).
        params: Dotted paths of the factors (default: the scenario's ``sensitivity.params``,
            else every parameter given as a distribution).
        seed: Seed of the design, the runs and the bootstrap (default: ``run.seed``).
        levels: Morris grid levels.
        options, keywords: How to run it, as for :func:`sim.experiments.run`.

    Returns:
        A :class:`SensitivityResult` (its ``outcomes`` are the design's runs).
    """
    opts = ExecOptions.of(options, keywords, "sensitivity")
    sc, source = load(scenario, opts.overrides)
    block = sc.sensitivity
    method = method or (block.method if block is not None else "morris")
    check_method(method)
    if samples is None:
        samples = (
            block.samples if block is not None and block.samples else None
        ) or DEFAULT_SAMPLES[method]
    check_samples(method, samples)
    fs = factors(sc, params or (block.params if block is not None else None))
    names = [f.path for f in fs]
    _, seed, chunk_size = resolve_settings(sc, 1, seed, opts.chunk_size)
    wanted = list(targets or (block.targets if block is not None else []))
    wanted = check_targets(sc, wanted, seed)

    x = design(method, names, samples, seed, levels)
    pv = values(fs, to_quantiles(method, x, levels))
    m = group_size(method, len(fs))
    arms = point_arms(m)
    per_arm = {arm: {p: v[q::m] for p, v in pv.items()} for q, arm in enumerate(arms)}
    digest = hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest()
    info = {
        "method": method,
        "samples": samples,
        "levels": levels,
        "params": names,
        "targets": wanted,
        "design_rows": int(x.shape[0]),
        "file": CSV,
    }
    ens = Ensemble(
        sc,
        "sensitivity",
        int(x.shape[0]) // m,
        seed,
        chunk_size,
        "outcomes",
        arms=dict.fromkeys(arms),
        param_values=per_arm,
        identity={
            "method": method,
            "samples": samples,
            "levels": levels,
            "params": names,
            "design_sha256": digest,
        },
        info={"sensitivity": info, "overrides": override_lines(opts.overrides)},
        source=source,
    )
    res = execute(ens, opts)
    outcomes = res.outcomes
    ys = {t: target_values(outcomes, t, sc.time.horizon) for t in wanted}
    indices = analyze(method, names, x, ys, seed, levels)
    csv = None
    if res.path is not None:
        csv = res.path / CSV
        atomic_write_text(csv, indices.to_csv(index=False))
    return SensitivityResult(res, method, indices, csv)


def check_targets(scenario: Any, wanted: Sequence[str], seed: int) -> list[str]:
    """The targets, checked against the outcomes the model records for this scenario.

    One run of the model (outcomes only) gives the columns, so the names are the model's own.

    Raises:
        ExperimentError: for an unknown target (with a did-you-mean and the list).
    """
    from sim.model import simulate

    probe = simulate(scenario, 1, seed, record="outcomes")["outcomes"]
    available = targets_of(probe)
    if not wanted:
        found = default_targets(available)
        if not found:
            raise ExperimentError(
                f"scenario {scenario.id} has no red line, dyad or front to explain;"
                f" name targets with --target (one of: {', '.join(available)})"
            )
        return found
    problems = []
    for t in wanted:
        if t not in available:
            near = difflib.get_close_matches(t, available, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            problems.append(f"--target {t}: not an outcome of scenario {scenario.id}{hint}")
    if problems:
        shown = ", ".join(available[:30]) + (" ..." if len(available) > 30 else "")
        raise ExperimentError(*problems, f"targets available: {shown}")
    return list(dict.fromkeys(wanted))


__all__ = [
    "Factor",
    "SensitivityResult",
    "analyze",
    "design",
    "factors",
    "sensitivity",
    "to_quantiles",
    "values",
]


register_kind("sensitivity", SensitivityResult.from_folder)
