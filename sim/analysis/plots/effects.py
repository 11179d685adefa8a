"""Counterfactual effects: paired differences between arms, with their intervals (a forest plot).

The comparison table (``Comparison.table()``, built by :func:`sim.analysis.contrast.contrast`)
has, per measure, each arm's estimate and each arm's paired difference from the baseline arm.
Measures have different units (a probability, km²), so each measure gets its own panel and
its own scale; inside a panel, one row per difference, the point at the mean of paired
differences and the bar its 95 % interval. A bar that clears the dashed zero line is an effect
the ensemble can tell from noise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.source import as_source
from sim.analysis.style import arm_color, compact, panels, signed, styled
from sim.outcomes import is_probability

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLUMNS = ("measure", "label", "row", "kind", "estimate", "se", "low", "high", "n")
DIFFERENCE = "paired difference"


def comparison_table(results: Any) -> pd.DataFrame | None:
    """The comparison table of a counterfactual result, or ``None`` for a plain ensemble."""
    table = as_source(results).extra("counterfactual")
    if table is None or not isinstance(table, pd.DataFrame) or table.empty:
        return None
    missing = [c for c in COLUMNS if c not in table]
    if missing:
        raise ValueError(f"comparison table lacks columns: {', '.join(missing)}")
    return table


def is_proportion(measure: str) -> bool:
    """Whether a measure (an outcomes column) is a probability: a red line's crossing."""
    return is_probability(measure)


def counterfactual_effects(results: Any) -> Figure:
    """Forest plot of the paired differences between arms, one panel per measure.

    Each row is ``arm − baseline`` with both arms' own estimates in its label; the point is
    the mean of paired differences and the bar its 95 % interval. Probabilities are shown in
    percentage points.
    """
    src = as_source(results)
    table = comparison_table(src)
    if table is None:
        raise LookupError("the results hold no counterfactual comparison")
    measures = list(dict.fromkeys(table["measure"]))
    with styled():
        fig, axes = panels(len(measures), title=f"Counterfactual effects — {src.title}", columns=1)
        rows_max = max(int((table["kind"] == DIFFERENCE).sum() / len(measures)), 1)
        fig.set_size_inches(7.5, (1.1 + 0.45 * rows_max) * len(measures) + 0.8)
        for ax, measure in zip(axes, measures, strict=True):
            sub = table[table["measure"] == measure]
            diffs = sub[sub["kind"] == DIFFERENCE]
            arms = sub[sub["kind"] == "arm"].set_index("row")
            pct = is_proportion(measure)
            scale = 100.0 if pct else 1.0
            ys = np.arange(len(diffs))[::-1].astype(float)
            labels = []
            for i, (y, d) in enumerate(zip(ys, diffs.itertuples(index=False), strict=True)):
                lo, hi = d.low * scale, d.high * scale
                x = d.estimate * scale
                ax.errorbar(
                    [x],
                    [y],
                    xerr=[[x - lo], [hi - x]],
                    fmt="o",
                    color=arm_color(i),
                    ecolor=arm_color(i),
                    capsize=4,
                    lw=1.6,
                    ms=6,
                    label=f"_{d.row}",
                )
                unit = " pp" if pct else ""
                span = abs(hi - lo) or abs(x)
                ax.annotate(
                    f"{signed(x, span)}{unit} [{signed(lo, span)}, {signed(hi, span)}]",
                    (x, y),
                    xytext=(0, 7),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7,
                )
                labels.append(_row_label(str(d.row), arms, pct))
            ax.axvline(0.0, color="0.3", lw=0.9, ls="--")
            ax.set_yticks(ys, labels)
            ax.set_ylim(-0.7, len(diffs) - 0.3)
            ax.set_title(str(sub["label"].iloc[0]))
            ax.set_xlabel(
                "paired difference"
                + (" (percentage points)" if pct else _unit(str(sub["label"].iloc[0])))
            )
            ax.set_ylabel("arm − baseline")
            ax.grid(axis="y", visible=False)
            lim = np.nanmax(np.abs(np.r_[diffs["low"], diffs["high"]] * scale)) if len(diffs) else 1
            if np.isfinite(lim) and lim > 0:
                ax.set_xlim(-1.15 * lim, 1.15 * lim)
    return fig


def _row_label(row: str, arms: pd.DataFrame, pct: bool) -> str:
    parts = [p.strip() for p in row.split("−")]
    if len(parts) == 2 and all(p in arms.index for p in parts):
        fmt = (lambda v: f"{v:.0%}") if pct else compact
        a, b = (arms.loc[p, "estimate"] for p in parts)
        return f"{row}\n({fmt(a)} vs {fmt(b)})"
    return row


def _unit(label: str) -> str:
    if "(" in label and label.endswith(")"):
        return " (" + label.rsplit("(", 1)[1]
    return ""
