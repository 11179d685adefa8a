"""Response curves of a parameter sweep: each outcome along the grid, with two intervals.

The top row of panels shows each outcome's estimate at every grid point with its 95 %
interval (Wilson for a probability); the bottom row the paired difference from the first
grid point with its 95 % interval. The grid points ran on common random numbers, so the paired
interval — the one that says whether the curve really moves — is much narrower than the gap
between two points' own intervals suggests; drawing both shows it. With two swept parameters
the first is the x axis and each value of the second is one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.analysis.style import arm_color, panels, set_title, styled
from sim.outcomes import parse, stat

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_OUTCOMES = 6
"""Most outcomes drawn side by side (the table keeps them all)."""


def _is_share(outcome: str) -> bool:
    name = parse(outcome)
    return name is not None and name.stat == stat("red_line", "crossed")


def response_curves(table: pd.DataFrame, params: Sequence[str], *, title: str = "") -> Figure:
    """The sweep table (:func:`sim.experiments.sweep.sweep_table`) as response curves.

    Args:
        table: One row per outcome and grid point, with a column per swept path.
        params: The swept paths (one or two); the first is the x axis.
        title: The figure's title.
    """
    outcomes = list(dict.fromkeys(table["outcome"]))[:MAX_OUTCOMES]
    n = len(outcomes)
    with styled():
        fig, axes = panels(2 * n, columns=n)
        if title:
            set_title(fig, title)
        x_name = params[0]
        for j, outcome in enumerate(outcomes):
            rows = table[table["outcome"] == outcome]
            top, bottom = axes[j], axes[n + j]
            scale = 100.0 if _is_share(outcome) else 1.0
            groups = (
                [(None, rows)] if len(params) == 1 else list(rows.groupby(params[1], sort=False))
            )
            for k, (value, grp) in enumerate(groups):
                color = arm_color(k)
                x = grp[x_name].to_numpy(dtype=float)
                label = None if value is None else f"{params[1].rsplit('.', 1)[-1]} = {value:g}"
                _curve(top, x, grp, ("estimate", "low", "high"), scale, color, label)
                _curve(bottom, x, grp, ("difference", "diff_low", "diff_high"), scale, color, None)
            top.set_title(_wrap(str(rows["label"].iloc[0])), fontsize=9)
            unit = "%" if scale == 100.0 else ""
            top.set_ylabel(f"estimate{f' ({unit})' if unit else ''} ± 95 %")
            bottom.set_ylabel(f"paired difference{' (pp)' if unit else ''} ± 95 %")
            bottom.axhline(0.0, color="#888888", lw=0.8)
            for ax in (top, bottom):
                ax.set_xlabel(x_name)
            if len(params) == 2:
                top.legend(loc="best")
    return fig


def _curve(ax, x: np.ndarray, grp: pd.DataFrame, cols: tuple[str, str, str], scale, color, label):
    """A line through the estimates with its interval as a band and as error bars."""
    y, lo, hi = (grp[c].to_numpy(dtype=float) * scale for c in cols)
    order = np.argsort(x, kind="stable")
    x, y, lo, hi = x[order], y[order], lo[order], hi[order]
    ax.fill_between(x, lo, hi, color=color, alpha=0.18, lw=0)
    ax.errorbar(
        x,
        y,
        yerr=[np.maximum(y - lo, 0), np.maximum(hi - y, 0)],
        color=color,
        marker="o",
        ms=3.5,
        lw=1.5,
        capsize=2.5,
        label=label,
    )


def _wrap(text: str, width: int = 48) -> str:
    import textwrap

    return textwrap.fill(text, width)
