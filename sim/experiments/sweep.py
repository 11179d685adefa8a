"""Parameter sweeps: response curves of chosen outcomes along a grid, on common random numbers.

A sweep answers "how does P(red line) move as credibility goes from 0 to 1?" without a shell
loop over ``--set``. Each grid point (one value of one parameter, or one pair of values of
two) is an **arm** of one ensemble, like the arms of a counterfactual: every arm runs the same
runs with the same chunk seeds, and the swept parameter is set through ``param_values`` —
which replaces a parameter's values *after* its uniforms are drawn — so run r of one point
and run r of another draw every random number alike and differ only by the swept value. The
difference of a grid point from the first one is then the mean of paired differences
(:func:`sim.analysis.contrast.contrast`), whose interval is far narrower than that of two
independent ensembles, and a parameter with a monotone effect gives a monotone curve instead
of one that zigzags with the noise.

A swept path must be a number the model reads in each run (what ``--set PATH=VALUE`` can set
to a number and the model samples or reads per replication: weights, credibilities, rates,
forces...). Every value is first checked like ``--set PATH=VALUE`` (the scenario language's
own message), then one probe run checks that the model reads the path.
"""

from __future__ import annotations

import difflib
import itertools
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.outcomes import column, parse, stat

from .ensemble import Ensemble, execute, load, resolve_settings
from .errors import ExperimentError
from .options import ExecOptions
from .results import Results

FILE = "sweep.parquet"
FIGURE = "figures/sweep.png"
MAX_AXES = 2
MAX_POINTS = 400
"""Most grid points (arms) of one sweep: each is a full ensemble of ``runs`` runs."""


@dataclass(frozen=True)
class Axis:
    """One swept parameter: its dotted path and its values, in sweep order."""

    path: str
    values: tuple[float, ...]


def grid_range(low: float, high: float, n: int) -> tuple[float, ...]:
    """``n`` evenly spaced values from ``low`` to ``high``, both included (``--range``)."""
    if n < 2:
        raise ExperimentError(f"--range {low:g} {high:g} {n}: give at least 2 points")
    return tuple(float(v) for v in np.linspace(low, high, n))


def check_axes(axes: Sequence[Axis]) -> None:
    """One or two distinct parameters, each with at least two distinct finite values."""
    problems = []
    if not axes:
        problems.append("--param: give the parameter to sweep, e.g. --param PATH --values 0,0.5,1")
    if len(axes) > MAX_AXES:
        problems.append(f"--param: at most {MAX_AXES} parameters (a 2-D grid), got {len(axes)}")
    paths = [a.path for a in axes]
    for p in sorted({p for p in paths if paths.count(p) > 1}):
        problems.append(f"--param {p}: given twice")
    for a in axes:
        if len(a.values) < 2:
            problems.append(f"--param {a.path}: give at least 2 values to sweep")
        if not all(math.isfinite(v) for v in a.values):
            problems.append(f"--param {a.path}: values must be finite numbers")
        if len(set(a.values)) < len(a.values):
            problems.append(f"--param {a.path}: a value is given twice")
    points = math.prod(len(a.values) for a in axes) if axes else 0
    if points > MAX_POINTS:
        problems.append(f"--param: {points:,} grid points; at most {MAX_POINTS} per sweep")
    if problems:
        raise ExperimentError(*problems)


def check_values(scenario: Any, axes: Sequence[Axis]) -> None:
    """Every value of every axis is valid where ``--set PATH=VALUE`` would put it: an unknown
    path once (with its did-you-mean), a value out of the path's range per value."""
    from sim.scenario import get_path, with_values
    from sim.scenario.errors import ScenarioError

    problems: list[str] = []
    for a in axes:
        try:
            get_path(scenario, a.path)
        except KeyError as exc:
            problems.append(f"--param {a.path}: {exc.args[0] if exc.args else exc}")
            continue
        for v in a.values:
            try:
                with_values(scenario, {a.path: int(v) if v.is_integer() else v})
            except ScenarioError as exc:
                problems += [f"--param {a.path}={v:g}: {p.message}" for p in exc.problems]
    if problems:
        raise ExperimentError(*dict.fromkeys(problems))


def probe(scenario: Any, axes: Sequence[Axis], seed: int) -> list[str]:
    """One run with the first grid point: checks the model reads every swept path in each run,
    and returns the outcomes columns (what ``--outcome`` may name)."""
    from sim.model import simulate
    from sim.model.errors import ModelError

    point = {a.path: a.values[0] for a in axes}
    try:
        out = simulate(scenario, 1, seed, record="outcomes", param_values=point)["outcomes"]
    except ModelError as exc:
        if "param_values names parameters" not in str(exc):
            raise
        unread = str(exc).split(": ", 1)[-1].split(", ")
        raise ExperimentError(
            *(
                f"--param {p}: not a number the model reads in each run; sweep a weight,"
                " credibility, rate, force... (for anything else, run once per value with --set)"
                for p in unread
            )
        ) from None
    return [c for c in out.columns if (n := parse(c)) is not None and not n.is_param]


def outcomes_of(scenario: Any, wanted: Sequence[str] | None, available: Sequence[str]) -> list[str]:
    """The outcomes to trace: those named (checked, with a did-you-mean), else every red line."""
    if not wanted:
        found = [column("red_line", rid, "crossed") for rid in scenario.red_lines]
        found = [c for c in found if c in available]
        if not found:
            raise ExperimentError(
                f"scenario {scenario.id} has no red line; name the outcomes to trace with"
                " --outcome (e.g. " + ", ".join(list(available)[:3]) + ")"
            )
        return found
    problems = []
    for name in wanted:
        if name not in available:
            near = difflib.get_close_matches(name, list(available), n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            problems.append(f"--outcome {name}: not an outcome of scenario {scenario.id}{hint}")
    if problems:
        shown = ", ".join(list(available)[:20]) + (" ..." if len(available) > 20 else "")
        raise ExperimentError(*problems, f"outcomes available: {shown}")
    return list(dict.fromkeys(wanted))


def _crossed(col: str) -> bool:
    """Whether ``col`` is a red line's ``crossed`` (shown as a probability, in points)."""
    name = parse(col)
    return name is not None and name.stat == stat("red_line", "crossed")


def grid(axes: Sequence[Axis]) -> list[tuple[float, ...]]:
    """The grid points, the first axis varying slowest; point 0 is the paired baseline."""
    return list(itertools.product(*(a.values for a in axes)))


def point_names(n: int) -> list[str]:
    """Arm ids of the grid points: ``g00``, ``g01``... (``g000``... past 100)."""
    width = max(2, len(str(n - 1)))
    return [f"g{i:0{width}d}" for i in range(n)]


def label_of(scenario: Any, col: str) -> str:
    """A readable name of an outcome column (``P(b_threat crossed by step 12)``)."""
    horizon = scenario.time.horizon
    name = parse(col)
    if name is not None and name.stat == stat("red_line", "crossed"):
        return f"P({name.subject} crossed by step {horizon})"
    return f"{col} (mean at step {horizon})"


def sweep_table(
    outcomes: pd.DataFrame,
    axes: Sequence[Axis],
    measures: Sequence[tuple[str, str]],
    date_of: Any = None,
) -> pd.DataFrame:
    """Per outcome and grid point: the estimate with its 95 % interval, and the paired
    difference from the first grid point with its standard error and 95 % interval.

    Columns: ``outcome, label, point``, one column per swept path (its value), ``estimate,
    se, low, high, n, difference, diff_se, diff_low, diff_high, scripted, note``. The first
    point's difference is exactly 0.
    """
    from sim.analysis.contrast import contrast

    points = grid(axes)
    arms = point_names(len(points))
    base = arms[0]
    table = contrast(outcomes, arms, base, measures, date_of)
    rows = []
    for col, label in measures:
        mine = table[table["measure"] == col]
        est = mine[mine["kind"] == "arm"].set_index("row")
        diff = mine[mine["kind"] != "arm"].set_index("row")
        for arm, point in zip(arms, points, strict=True):
            e = est.loc[arm]
            if arm == base:
                d = (0.0, 0.0, 0.0, 0.0)
            else:
                r = diff.loc[f"{arm} − {base}"]
                d = (r["estimate"], r["se"], r["low"], r["high"])
            own = (e["estimate"], e["se"], e["low"], e["high"], int(e["n"]))
            rows.append([col, label, arm, *point, *own, *d, e["scripted"], e["note"]])
    columns = ["outcome", "label", "point", *(a.path for a in axes)]
    columns += ["estimate", "se", "low", "high", "n", "difference", "diff_se", "diff_low"]
    return pd.DataFrame(rows, columns=[*columns, "diff_high", "scripted", "note"])


class SweepResult(Results):
    """The runs of a sweep (one arm per grid point) and its response-curve table.

    Attributes:
        axes: The swept parameters and their values.
        sweep: The table (see :func:`sweep_table`).
        file: Where the table was saved (``DIR/sweep.parquet``), or ``None``.
        figure: Where the response curves were drawn (``DIR/figures/sweep.png``), or ``None``.
    """

    def __init__(
        self,
        results: Results,
        axes: Sequence[Axis],
        table: pd.DataFrame,
        file: Path | None = None,
        figure: Path | None = None,
    ):
        super().__init__(**results._parts())
        self.axes = list(axes)
        self.sweep = table
        self.file = file
        self.figure = figure

    @classmethod
    def from_folder(cls, path: str | os.PathLike) -> SweepResult:
        """The sweep of a results folder made by ``wargame sweep``."""
        from .results import open_results

        res = open_results(path)
        info = res.manifest.get("sweep")
        if res.manifest.get("kind") != "sweep" or not info:
            raise ExperimentError(f"{path}: not a sweep (made by 'wargame sweep')")
        axes = [Axis(p, tuple(v)) for p, v in info["axes"]]
        file = res.path / info.get("file", FILE)
        found = file if file.is_file() else None
        if found is not None:
            with file.open("rb") as fh:  # a local file or an object at a URL
                table = pd.read_parquet(fh)
        else:
            table = pd.DataFrame()
        fig = res.path / FIGURE
        return cls(res, axes, table, found, fig if fig.is_file() else None)

    def table(self, name: str | None = None) -> pd.DataFrame | None:  # type: ignore[override]
        """The sweep table; with a table name, that table instead (as :meth:`Results.table`)."""
        return super().table(name) if name is not None else self.sweep

    def render(self) -> str:
        """The table as text: per outcome, one line per grid point."""
        runs = self.manifest.get("runs", 0)
        names = " × ".join(f"{a.path} ({len(a.values)} values)" for a in self.axes)
        lines = [f"Sweep of {names}: {runs:,} runs per point on common random numbers"]
        paths = [a.path for a in self.axes]
        first = ", ".join(f"{v:g}" for v in self.sweep.iloc[0][paths]) if len(self.sweep) else ""
        lines.append(f"difference: from the first point ({first}), paired run by run")
        base = self.sweep["point"].iloc[0] if len(self.sweep) else ""
        for (col, label), grp in self.sweep.groupby(["outcome", "label"], sort=False):
            pct = _crossed(col)
            lines += ["", label]
            head = "  ".join(f"{p.rsplit('.', 1)[-1]:>12}" for p in paths)
            lines.append(f"  {head}  {'estimate [95 %]':>28}  difference [95 %], paired")
            values = grp[paths].to_numpy(dtype=float)
            for r, point in zip(grp.itertuples(index=False), values, strict=True):
                vals = "  ".join(f"{v:>12g}" for v in point)
                diff = "0 (the first point)" if r.point == base else _difference(r, pct)
                lines.append(f"  {vals}  {_estimate(r, pct):>28}  {diff}")
        if self.file is not None:
            lines += ["", f"Table: {self.file}"]
        if self.figure is not None:
            lines.append(f"Figure: {self.figure}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def _estimate(r: Any, pct: bool) -> str:
    if isinstance(r.scripted, str) and r.scripted:
        return r.scripted
    if pct:
        return f"{r.estimate:.1%} [{r.low:.1%}, {r.high:.1%}]"
    return f"{r.estimate:,.4g} [{r.low:,.4g}, {r.high:,.4g}]"


def _difference(r: Any, pct: bool) -> str:
    if pct:
        d, lo, hi = (100 * x for x in (r.difference, r.diff_low, r.diff_high))
        return f"{d:+.1f} pp [{lo:+.1f}, {hi:+.1f}]"
    return f"{r.difference:+,.4g} [{r.diff_low:+,.4g}, {r.diff_high:+,.4g}]"


def sweep(
    scenario: Any,
    axes: Sequence[Axis] | Mapping[str, Sequence[float]],
    outcomes: Sequence[str] | None = None,
    runs: int | None = None,
    seed: int | None = None,
    *,
    record: str = "outcomes",
    options: ExecOptions | None = None,
    **keywords: Any,
) -> SweepResult:
    """Run the scenario at every point of a grid of one or two parameters, on common random
    numbers, and tabulate the chosen outcomes along it.

    Args:
        scenario: A loaded scenario or the path of a scenario file.
        axes: One or two :class:`Axis` (dotted path and values), or a mapping of dotted path
            to values: ``{"red_lines.X.credibility": [0, 0.5, 1]}``.
        outcomes: Outcomes columns to trace (default: every red line, crossed by the horizon).
        runs: Runs per grid point (default: the scenario's ``run.runs``).
        seed: The ensemble seed (default: ``run.seed``); every point uses the same chunk seeds.
        record: ``outcomes`` (default: all a sweep needs) or ``full``.
        options, keywords: How to run it, as for :func:`sim.experiments.run`.

    Returns:
        A :class:`SweepResult`; with ``out``, the table is saved as ``DIR/sweep.parquet`` and
        the response curves as ``DIR/figures/sweep.png``.
    """
    opts = ExecOptions.of(options, keywords, "sweep")
    if isinstance(axes, Mapping):
        axes = [Axis(p, tuple(v)) for p, v in axes.items()]
    axes = [Axis(a.path, tuple(float(v) for v in a.values)) for a in axes]
    check_axes(axes)
    sc, source = load(scenario, opts.overrides)
    runs, seed, chunk_size = resolve_settings(sc, runs, seed, opts.chunk_size)
    check_values(sc, axes)
    wanted = outcomes_of(sc, outcomes, probe(sc, axes, seed))
    points = grid(axes)
    arms = point_names(len(points))
    per_arm = {
        arm: {a.path: np.full(runs, v) for a, v in zip(axes, point, strict=True)}
        for arm, point in zip(arms, points, strict=True)
    }
    spec = [[a.path, list(a.values)] for a in axes]
    ens = Ensemble(
        sc,
        "sweep",
        runs,
        seed,
        chunk_size,
        record,
        arms=dict.fromkeys(arms),
        param_values=per_arm,
        identity={"sweep": spec},
        info={"sweep": {"axes": spec, "outcomes": wanted, "file": FILE}},
        source=source,
    )
    res = execute(ens, opts)
    from sim.analysis.scripted import month_namer
    from sim.analysis.source import as_source

    measures = [(c, label_of(sc, c)) for c in wanted]
    table = sweep_table(res.outcomes, axes, measures, month_namer(as_source(res)))
    file = figure = None
    if res.path is not None:
        file, figure = _save(res.path, table, axes, sc.title)
    return SweepResult(res, axes, table, file, figure)


def _save(path: Path, table: pd.DataFrame, axes: Sequence[Axis], title: str) -> tuple[Path, Path]:
    """Write the table and the figure into the results folder (atomically, under its lock)."""
    from sim.analysis.plots.sweep import response_curves

    from .extras import write_extras

    fig = response_curves(table, [a.path for a in axes], title=f"Sweep — {title}")
    file, figure = write_extras(path, {FILE: table}, {FIGURE: fig})
    return file, figure


__all__ = ["Axis", "SweepResult", "grid_range", "sweep", "sweep_table"]
