"""Counterfactuals: the same world under different decisions, run on common random numbers.

A counterfactual of the scenario names arms (do-interventions: each clamps some channels'
rungs) and measures. Every arm runs the same runs with the same chunk seeds, and the model
draws every random number unconditionally, so run r of one arm and run r of another differ
only by the decision. The contrast of two arms is then the **mean of paired differences**: the
noise the arms share cancels, and identical arms give exactly zero.

``sim.compare(scenario, "rok_weapons_vs_restraint", runs=2000).table()`` gives, for each
measure, each arm's estimate (a proportion with its Wilson interval, or a mean with its 95 %
interval) and each arm's paired difference from the baseline arm (the last arm unless
``baseline`` says otherwise: ``weapons − restraint``).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from sim.outcomes import column

from .ensemble import Ensemble, execute, load, resolve_settings
from .errors import ExperimentError
from .manifest import override_lines
from .options import ExecOptions
from .results import Results, register_kind


def choose(scenario: Any, counterfactual: str | None) -> str:
    """The counterfactual to run: the one named, or the scenario's only one.

    Raises:
        ExperimentError: for an unknown id (with a did-you-mean), or when the scenario has
            none, or several and none was named.
    """
    known = list(scenario.counterfactuals)
    if counterfactual is None:
        if len(known) == 1:
            return known[0]
        if not known:
            raise ExperimentError(
                f"scenario {scenario.id} defines no counterfactuals (add a 'counterfactuals:'"
                " block with arms to compare)"
            )
        raise ExperimentError(
            f"scenario {scenario.id} defines several counterfactuals; choose one with"
            f" --counterfactual: {', '.join(known)}"
        )
    if counterfactual not in scenario.counterfactuals:
        near = difflib.get_close_matches(counterfactual, known, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        have = f" (the scenario has: {', '.join(known)})" if known else " (the scenario has none)"
        raise ExperimentError(
            f"--counterfactual: unknown counterfactual {counterfactual!r}{hint}{have}"
        )
    return counterfactual


def baseline_of(arms: Sequence[str], baseline: str | None) -> str:
    """The arm the others are compared with: the one named, else the last.

    Raises:
        ExperimentError: for an arm the counterfactual does not have.
    """
    if baseline is not None and baseline not in arms:
        raise ExperimentError(
            f"--baseline: unknown arm {baseline!r} (the arms are: {', '.join(arms)})"
        )
    return baseline or arms[-1]


def check_measure_steps(scenario: Any, cf_id: str) -> None:
    """Refuse a measure of the counterfactual dated after the horizon (``--horizon 12`` with
    a measure at step 24): it would be read at the horizon under another step's name."""
    horizon = scenario.time.horizon
    late = []
    for i, m in enumerate(scenario.counterfactuals[cf_id].measure):
        for name in ("crossed_by", "territory_at", "max_escalation_by", "approval_at"):
            step = getattr(m, name, None)
            if step is not None and step > horizon:
                late.append(
                    f"counterfactuals.{cf_id}.measure.{i}.{name}: step {step} is after the"
                    f" horizon ({horizon} steps)"
                )
    if late:
        raise ExperimentError(*late, "lengthen the horizon, or change the measure's step")


def measures_of(scenario: Any, cf_id: str) -> list[tuple[str, str]]:
    """``(outcomes column, readable label)`` of every measure of the counterfactual.

    Without measures, every red line (crossed by the horizon) and every front (territory at
    the horizon).
    """
    from sim.analysis.legends import with_date

    def on(step: int) -> str:  # 24 (2026-06)
        return with_date(step, scenario)

    cf = scenario.counterfactuals[cf_id]
    horizon = scenario.time.horizon
    out = []
    for m in cf.measure:
        col = m.label
        if hasattr(m, "red_line"):
            when = m.crossed_by if m.crossed_by is not None else horizon
            out.append((col, f"P({m.red_line} crossed by step {on(when)})"))
        elif hasattr(m, "front"):
            when = m.territory_at if m.territory_at is not None else horizon
            out.append(
                (col, f"{m.front} territory at step {on(when)}, {_gainer(scenario, m.front)}")
            )
        elif hasattr(m, "dyad"):
            when = m.max_escalation_by if m.max_escalation_by is not None else horizon
            out.append((col, f"{m.dyad} peak escalation (0–10) by step {on(when)}"))
        elif hasattr(m, "actor"):
            when = m.approval_at if m.approval_at is not None else horizon
            out.append((col, f"{m.actor} approval (%) at step {on(when)}"))
    if not out:
        for rid in scenario.red_lines:
            out.append(
                (column("red_line", rid, "crossed"), f"P({rid} crossed by step {on(horizon)})")
            )
        for fid in scenario.fronts:
            label = f"{fid} territory at step {on(horizon)}, {_gainer(scenario, fid)}"
            out.append((column("front", fid, "territory"), label))
    return out


def _gainer(scenario: Any, front: str) -> str:
    """What the sign of a front's territory means: km² gained by its first side."""
    sides = list(scenario.fronts[front].sides) if front in scenario.fronts else []
    return f"km² gained by {sides[0]}" if sides else "km²"


class Comparison(Results):
    """The results of a counterfactual: every arm's tables (with an ``arm`` column) and the
    contrasts of the measures.

    Attributes:
        counterfactual_id: The counterfactual that ran.
        baseline: The arm every other arm is compared with.
    """

    def __init__(self, results: Results, counterfactual_id: str, baseline: str | None = None):
        super().__init__(**results._parts())
        self.counterfactual_id = counterfactual_id
        self._contrast: pd.DataFrame | None = None
        self.baseline = baseline_of(self.arms, baseline)

    @classmethod
    def from_folder(cls, path: str | os.PathLike, manifest: dict[str, Any]) -> Comparison:
        res = Results(path, manifest=manifest)
        return cls(res, manifest["counterfactual"], manifest.get("baseline"))

    @property
    def counterfactual(self) -> pd.DataFrame:
        """The comparison table (what a report shows); see :meth:`table`."""
        return self.table()

    def measures(self) -> list[tuple[str, str]]:
        """``(outcomes column, label)`` of every measure (as recorded in the manifest)."""
        if "measures" in self.manifest:
            return [(col, label) for col, label in self.manifest["measures"]]
        return measures_of(self.scenario, self.counterfactual_id)

    def table(self, name: str | None = None) -> pd.DataFrame | None:  # type: ignore[override]
        """The comparison: per measure, each arm and each paired difference from the baseline.

        Columns: ``measure`` (outcomes column), ``label``, ``row`` (an arm, or
        ``"A − baseline"``), ``kind`` (``arm`` or ``paired difference``), ``estimate``,
        ``se``, ``low``, ``high`` (95 %: Wilson for a proportion), ``n``.

        With a table name, the table of that name instead (as :meth:`Results.table`).
        """
        if name is not None:
            return super().table(name)
        if self._contrast is not None:
            return self._contrast
        from sim.analysis.contrast import contrast
        from sim.analysis.scripted import month_namer
        from sim.analysis.source import as_source

        src = as_source(self)
        if not src.has("outcomes"):
            raise ExperimentError(f"{self.path}: no outcomes table to compare the arms on")
        columns = src.columns("outcomes")
        missing = [col for col, _ in self.measures() if col not in columns]
        if missing:
            raise ExperimentError("measures missing from the outcomes table: " + ", ".join(missing))
        date_of = month_namer(src)
        # aggregates asked where the table lies: the outcomes are never read whole
        df = contrast(src.query, self.arms, self.baseline, self.measures(), date_of)
        self._contrast = df
        return df

    def render(self) -> str:
        """The comparison as text: one line per measure, arms and differences side by side."""
        from sim.analysis.contrast import render_contrast

        return render_contrast(self.table(), self.counterfactual_id, self.manifest.get("runs", 0))

    def __str__(self) -> str:
        return self.render()


def compare(
    scenario: Any,
    counterfactual: str | None = None,
    runs: int | None = None,
    seed: int | None = None,
    *,
    baseline: str | None = None,
    record: str = "outcomes",
    options: ExecOptions | None = None,
    **keywords: Any,
) -> Comparison:
    """Run every arm of a counterfactual on common random numbers and compare them.

    Args:
        scenario: A loaded scenario or the path of a scenario file.
        counterfactual: Its id (optional when the scenario has exactly one).
        runs: Runs per arm (default: the scenario's ``run.runs``).
        seed: The ensemble seed (default: ``run.seed``); every arm uses the same chunk seeds.
        baseline: The arm the others are compared with (default: the last arm).
        record: ``outcomes`` (default: one row per run, all a comparison needs) or ``full``.
        options, keywords: How to run it, as for :func:`sim.experiments.run`.

    Returns:
        A :class:`Comparison`: the arms' results (``arm`` column) and :meth:`Comparison.table`.
    """
    opts = ExecOptions.of(options, keywords, "compare")
    sc, source = load(scenario, opts.overrides)
    cf_id = choose(sc, counterfactual)
    check_measure_steps(sc, cf_id)
    arms = dict(sc.counterfactuals[cf_id].arms)
    chosen = baseline_of(list(arms), baseline)
    runs, seed, chunk_size = resolve_settings(sc, runs, seed, opts.chunk_size)
    ens = Ensemble(
        sc,
        "compare",
        runs,
        seed,
        chunk_size,
        record,
        arms={arm: dict(bounds) for arm, bounds in arms.items()},
        identity={"counterfactual": cf_id},
        info={
            "overrides": override_lines(opts.overrides),
            "counterfactual": cf_id,
            "baseline": chosen,
            "measures": [list(m) for m in measures_of(sc, cf_id)],
        },
        source=source,
    )
    res = execute(ens, opts)
    return Comparison(res, cf_id, baseline)


register_kind("compare", Comparison.from_folder)
