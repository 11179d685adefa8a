"""The key estimands of an ensemble, with their uncertainty.

An analyst acts on a few numbers: how likely each red line is to be crossed by the horizon, how
far the main dyads escalate, where the front stands at the end, and — for a counterfactual — how
much a decision changes each of these. This module computes them from the ``outcomes`` table
(one row per run; see ``docs/contracts.md``) and says how sure each number is:

- a probability carries a 95 % **Wilson** interval (Wilson 1927): unlike the normal
  approximation it stays inside [0, 1] and keeps its coverage when p is near 0 or 1, which is
  where red lines live;
- a distribution across runs is given as its median and 90 % band (5th–95th percentile);
- a counterfactual contrast is the **mean of paired differences** (the arms share their random
  numbers run by run), with its standard error and 95 % interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.persistence import reversal_bands
from sim.analysis.scripted import forced, month_namer

Z95 = 1.959963984540054
"""The two-sided 95 % standard-normal quantile."""

MAX_DYADS = 6
"""How many dyads the summary shows: the red lines' dyads first, then the most escalated."""


# --- intervals --------------------------------------------------------------------------------


def wilson(k: Any, n: Any, z: float = Z95) -> tuple[Any, Any, Any]:
    """The proportion ``k / n`` with its Wilson score interval.

    Args:
        k: Successes (a number or an array).
        n: Trials (same shape as ``k``, or a scalar); ``n = 0`` gives NaN.
        z: The normal quantile of the interval (1.96 for 95 %).

    Returns:
        ``(p, low, high)``, floats or arrays like ``k``.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2 = z * z
        denom = 1.0 + z2 / n
        center = (p + z2 / (2.0 * n)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
        low = np.clip(center - half, 0.0, 1.0)
        high = np.clip(center + half, 0.0, 1.0)
    # Exact ends: with no success the lower bound is 0, with all successes the upper bound is 1
    # (the formula gives them up to rounding).
    low = np.where(k == 0, 0.0, low)
    high = np.where(k == n, 1.0, high)
    if p.ndim == 0:
        return float(p), float(low), float(high)
    return p, low, high


@dataclass(frozen=True)
class PairedDifference:
    """Mean of paired differences ``a − b`` with its standard error and 95 % interval.

    With common random numbers the runs of two arms are pairs, so the variance of the
    difference excludes the noise both arms share: the interval is far narrower than the one of
    two independent means.
    """

    mean: float
    se: float
    low: float
    high: float
    n: int


def paired_difference(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, z: float = Z95
) -> PairedDifference:
    """The mean of ``a[r] − b[r]`` over runs ``r``, its standard error and 95 % interval.

    Pairs where either value is NaN (a measure undefined in that run) are left out. The
    interval is the normal one, ``mean ± z·se``; an ensemble has hundreds of runs or more.
    Identical arms give exactly 0 with a zero-width interval.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples differ in length: {a.shape} vs {b.shape}")
    d = a - b
    d = d[~np.isnan(d)]
    n = int(d.size)
    if n == 0:
        return PairedDifference(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(d.mean())
    se = float(d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return PairedDifference(mean, se, mean - z * se, mean + z * se, n)


def band(values: Sequence[float] | np.ndarray, level: float = 0.90) -> tuple[float, float, float]:
    """Median and the central ``level`` band (default 5th–95th percentile), NaNs left out."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return math.nan, math.nan, math.nan
    tail = (1.0 - level) / 2.0
    lo, med, hi = np.quantile(v, [tail, 0.5, 1.0 - tail])
    return float(med), float(lo), float(hi)


# --- the summary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """One line of a summary.

    Attributes:
        kind: ``red_line``, ``escalation``, ``front``, ``payoff`` or ``level``.
        name: The red line, dyad, front (and side), player or continuous channel.
        measure: What is estimated (``P(crossed by 2026-06)``, ``peak escalation``...).
        estimate: The point estimate (a proportion, or a median).
        low: Lower end of the interval (Wilson 95 %) or band (5th percentile).
        high: Upper end (Wilson 95 %, or 95th percentile).
        n: Runs behind the estimate.
        arm: The counterfactual arm, or ``None``.
        note: A short reading aid (median step of crossing, units...).
        label: Shown instead of the number when the scenario set the outcome in every run
            ("scripted (event at 2024-11)", "set by the arm"; see :mod:`sim.analysis.scripted`).
    """

    kind: str
    name: str
    measure: str
    estimate: float
    low: float
    high: float
    n: int
    arm: str | None = None
    note: str = ""
    label: str = ""


@dataclass
class Summary:
    """The key estimands of an ensemble: red lines, peak escalation, fronts.

    ``str(summary)`` is the text the command line prints; :meth:`to_frame` is the same as a
    table.
    """

    title: str
    runs: int
    horizon: str
    estimates: list[Estimate] = field(default_factory=list)
    legends: dict[str, str] = field(default_factory=dict)
    """Kind → one line saying what its numbers mean (:mod:`sim.analysis.legends`)."""
    overrides: list[str] = field(default_factory=list)
    """The ``PATH=VALUE`` overrides the ensemble ran with (``--set``), echoed first."""

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate (columns of :class:`Estimate`)."""
        cols = ["arm", "kind", "name", "measure", "estimate", "low", "high", "n", "note", "label"]
        rows = [{c: getattr(e, c) for c in cols} for e in self.estimates]
        return pd.DataFrame(rows, columns=cols)

    def render(self) -> str:
        """The summary as text for a terminal: one section per kind, one line per estimate."""
        lines = [f"{self.title} — {self.runs:,} runs to {self.horizon}"]
        if self.overrides:
            lines.append(f"with --set {' · '.join(self.overrides)}")
        arms = list(dict.fromkeys(e.arm for e in self.estimates))
        sections = (
            ("red_line", "Red lines: P(crossed by the horizon) [95 % Wilson interval]"),
            ("escalation", "Peak escalation (0–10): median [90 % band]"),
            ("front", "Fronts at the horizon: median [90 % band]"),
            ("payoff", "Repeated games: cumulative payoff at the horizon, median [90 % band]"),
            ("level", "Continuous channels: level at the horizon, median [90 % band]"),
            ("reversals", "Persistence: reversals per channel per run, median [90 % band]"),
        )
        for kind, heading in sections:
            items = [e for e in self.estimates if e.kind == kind]
            if not items:
                continue
            lines += ["", heading]
            if self.legends.get(kind):
                lines.append(f"  ({self.legends[kind]})")
            width = max(len(e.name) for e in items)
            for arm in arms:
                these = [e for e in items if e.arm == arm]
                if not these:
                    continue
                if arm is not None:
                    lines.append(f"  arm {arm}:")
                indent = "    " if arm is not None else "  "
                for e in these:
                    lines.append(f"{indent}{e.name:<{width}}  {_fmt_estimate(e)}")
        if len(lines) == 1:
            lines += ["", "(no red lines, dyads or fronts to summarise)"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def _fmt_estimate(e: Estimate) -> str:
    if e.label:
        return f"{e.label}  {e.note}".rstrip()
    if e.kind == "red_line":
        text = f"{e.estimate:6.1%}  [{e.low:.1%}, {e.high:.1%}]"
    else:
        d = _decimals(e.estimate, e.low, e.high)
        text = f"{_num(e.estimate, d):>8}  [{_num(e.low, d)}, {_num(e.high, d)}]"
    return f"{text}  {e.note}".rstrip()


def _decimals(*values: float) -> int:
    """Decimals for numbers printed side by side, from the largest: 4,623 · 6.50 · 0.182."""
    finite = [abs(v) for v in values if v is not None and not math.isnan(v)]
    top = max(finite, default=0.0)
    return 0 if top >= 1000 else 1 if top >= 100 else 2 if top >= 1 else 3


def _num(x: float, decimals: int = 2, sign: bool = False) -> str:
    if x is None or math.isnan(x):
        return "n/a"
    return f"{x:{'+' if sign else ''},.{decimals}f}"


def summarize(results: Any, scenario: Any = None) -> Summary:
    """The summary of an ensemble from its ``outcomes`` table.

    Args:
        results: A :class:`sim.experiments.Results`, or a mapping with an ``outcomes``
            DataFrame (and optionally ``scenario`` and ``manifest``).
        scenario: The resolved scenario, when ``results`` does not carry one; it orders the
            dyads (red lines' dyads first) and names the horizon's date.

    Raises:
        ValueError: when there is no ``outcomes`` table to summarise.
    """
    if isinstance(results, Mapping):
        outcomes = results.get("outcomes")
        scenario = scenario if scenario is not None else results.get("scenario")
    else:
        outcomes = results.outcomes
        scenario = scenario if scenario is not None else getattr(results, "scenario", None)
    if outcomes is None:
        raise ValueError("no outcomes table to summarise")
    title = str(getattr(scenario, "title", None) or getattr(scenario, "id", None) or "Ensemble")
    horizon = _horizon_label(scenario)

    if "arm" in outcomes.columns:
        arms: list[str | None] = _arms(outcomes["arm"])
        groups = [(arm, outcomes[outcomes["arm"] == arm]) for arm in arms]
    else:
        groups = [(None, outcomes)]
    runs = len(groups[0][1]) if groups else 0

    estimates: list[Estimate] = []
    for arm, df in groups:
        estimates += _red_lines(df, arm, scenario, _month_namer(results, scenario))
    dyads = _main_dyads(outcomes, scenario)
    for arm, df in groups:
        estimates += _escalation(df, arm, dyads)
    for arm, df in groups:
        estimates += _fronts(df, arm, scenario)
    for arm, df in groups:
        estimates += _games(df, arm, scenario) + _levels(df, arm, scenario)
    for arm, df in groups:
        estimates += [
            Estimate("reversals", name, "reversals per run", med, lo, hi, len(df), arm)
            for name, med, lo, hi in reversal_bands(df, scenario)
        ]
    from .legends import legends

    manifest = results.get("manifest") if isinstance(results, Mapping) else None
    manifest = manifest or getattr(results, "manifest", None) or {}
    overrides = [str(o) for o in manifest.get("overrides") or []]
    return Summary(title, runs, horizon, estimates, legends(scenario), overrides)


def _arms(col: pd.Series) -> list[str | None]:
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.unique())
        return [a for a in col.cat.categories if a in present]
    return list(pd.unique(col))


def _month_namer(results: Any, scenario: Any) -> Any:
    """``date_of(step)`` for the scripted labels, or ``None`` (steps are then numbered)."""
    try:
        from sim.analysis.source import as_source

        return month_namer(as_source(results if scenario is None else {"scenario": scenario}))
    except Exception:  # a label is not worth failing a summary for
        return None


def _horizon_label(scenario: Any) -> str:
    time = getattr(scenario, "time", None)
    if time is None:
        return "the horizon"
    try:
        from sim.analysis.source import as_source

        date = as_source({"scenario": scenario}).dates(np.array([time.horizon]))[0]
        return f"step {time.horizon} ({pd.Timestamp(date):%Y-%m-%d})"
    except Exception:  # a label is not worth failing a summary for
        return f"step {time.horizon}"


def _red_lines(df: pd.DataFrame, arm: str | None, scenario: Any, date_of: Any) -> list[Estimate]:
    """P(crossed) per red line; crossings an event or the arm set are left out and said."""
    from .legends import with_date

    out = []
    for col in df.columns:
        if not (col.startswith("red_line.") and col.endswith(".crossed")):
            continue
        rid = col[len("red_line.") : -len(".crossed")]
        crossed = df[col].to_numpy(dtype=bool)
        f = forced(df, rid, date_of)
        label = f.label if f is not None and f.every else ""
        free = ~f.mask if f is not None else np.ones(crossed.size, dtype=bool)
        n, k = int(free.sum()), int(crossed[free].sum())
        p, lo, hi = wilson(k, n)
        if label:  # no risk to estimate: the share crossed, without an interval
            n, k = crossed.size, int(crossed.sum())
            p, lo, hi = k / n, math.nan, math.nan
        note = ""
        step_col = f"red_line.{rid}.step"
        if k and step_col in df:
            steps = df[step_col].to_numpy(dtype=float)[crossed & free]
            if np.isfinite(steps).any():
                note = f"median step of crossing {with_date(np.nanmedian(steps), scenario)}"
        if f is not None and not label:
            note = f"among {n:,} unforced runs; {f.count:,} {f.label}; {note}".rstrip("; ")
        owner = ""
        if scenario is not None and rid in getattr(scenario, "red_lines", {}):
            owner = f" ({scenario.red_lines[rid].owner})"
        out.append(
            Estimate(
                "red_line", rid + owner, "P(crossed by horizon)", p, lo, hi, n, arm, note, label
            )
        )
    return out


def _main_dyads(df: pd.DataFrame, scenario: Any) -> list[str]:
    """The dyads to show: those of red lines first, then by median peak escalation."""
    cols = [c for c in df.columns if c.startswith("escalation.") and c.endswith(".max")]
    dyads = [c[len("escalation.") : -len(".max")] for c in cols]
    first: list[str] = []
    if scenario is not None:
        for rl in getattr(scenario, "red_lines", {}).values():
            other = rl.watch.channel.split(".", 1)[0]
            key = "-".join(sorted((rl.owner, other)))
            if key in dyads and key not in first:
                first.append(key)
    medians = {d: np.nanmedian(df[f"escalation.{d}.max"].to_numpy(dtype=float)) for d in dyads}
    rest = sorted((d for d in dyads if d not in first), key=lambda d: (-medians[d], d))
    return (first + rest)[:MAX_DYADS]


def _escalation(df: pd.DataFrame, arm: str | None, dyads: list[str]) -> list[Estimate]:
    out = []
    for d in dyads:
        med, lo, hi = band(df[f"escalation.{d}.max"])
        out.append(Estimate("escalation", d, "peak escalation", med, lo, hi, len(df), arm))
    return out


def _fronts(df: pd.DataFrame, arm: str | None, scenario: Any) -> list[Estimate]:
    out = []
    for col in df.columns:
        if not (col.startswith("front.") and col.endswith(".territory")):
            continue
        fid = col[len("front.") : -len(".territory")]
        med, lo, hi = band(df[col])
        front = getattr(scenario, "fronts", {}).get(fid) if scenario is not None else None
        sides = list(front.sides) if front is not None else []
        if len(sides) == 2:
            note = f"km² gained by {sides[0]} (negative: by {sides[1]})"
        else:
            note = "km² gained by the first side (negative: by the second)"
        bal = f"front.{fid}.balance"
        if bal in df:
            note += f"; median balance {np.nanmedian(df[bal].to_numpy(dtype=float)):+.2f}"
        out.append(Estimate("front", fid, "territory at horizon", med, lo, hi, len(df), arm, note))
        for side in sides:
            col = f"front.{fid}.forces.{side}"
            if col in df:
                med, lo, hi = band(df[col])
                name = f"{fid} {side}"
                out.append(
                    Estimate(
                        "front", name, "forces at horizon", med, lo, hi, len(df), arm, "forces"
                    )
                )
    return out


def _games(df: pd.DataFrame, arm: str | None, scenario: Any) -> list[Estimate]:
    """Cumulative payoffs of the players of repeated games (``games:``)."""
    if scenario is None or not getattr(scenario, "games", None):
        return []
    players = dict.fromkeys(
        ref.split(".", 1)[0] for game in scenario.games.values() for ref in game.channels
    )
    out = []
    for aid in players:
        col = f"actor.{aid}.payoff"
        if col in df:
            med, lo, hi = band(df[col])
            out.append(Estimate("payoff", aid, "payoff at horizon", med, lo, hi, len(df), arm))
    return out


def _levels(df: pd.DataFrame, arm: str | None, scenario: Any) -> list[Estimate]:
    """Levels of continuous channels (Richardson's arms levels) at the horizon."""
    if scenario is None:
        return []
    out = []
    for aid, actor in scenario.actors.items():
        for name, ch in actor.channels.items():
            ladder = scenario.ladders.get(ch.ladder)
            col = f"channel.{aid}.{name}.level"
            if ladder is not None and ladder.is_continuous and col in df:
                med, lo, hi = band(df[col])
                out.append(
                    Estimate(
                        "level", f"{aid}.{name}", "level at horizon", med, lo, hi, len(df), arm
                    )
                )
    return out
