"""The summary of an ensemble as data and as text: :class:`Estimate`, :class:`Summary`.

:mod:`sim.analysis.estimands` computes the estimates (where the tables lie); this module holds
what it returns and how a terminal shows it — one section per kind, one line per estimate, the
numbers with as many decimals as their size needs (also used by :mod:`sim.analysis.contrast`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

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
        d = decimals(e.estimate, e.low, e.high)
        text = f"{num(e.estimate, d):>8}  [{num(e.low, d)}, {num(e.high, d)}]"
    return f"{text}  {e.note}".rstrip()


def decimals(*values: float) -> int:
    """Decimals for numbers printed side by side, from the largest: 4,623 · 6.50 · 0.182."""
    finite = [abs(v) for v in values if v is not None and not math.isnan(v)]
    top = max(finite, default=0.0)
    return 0 if top >= 1000 else 1 if top >= 100 else 2 if top >= 1 else 3


def num(x: float, decimals: int = 2, sign: bool = False) -> str:
    if x is None or math.isnan(x):
        return "n/a"
    return f"{x:{'+' if sign else ''},.{decimals}f}"


__all__ = ["Estimate", "Summary", "decimals", "num"]
