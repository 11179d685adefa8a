"""Sensitivity: which uncertain inputs drive each outcome.

Reads the indices table a sensitivity run writes (``SensitivityResult.indices``,
``DIR/sensitivity.csv``; see :func:`sim.experiments.sensitivity.analyze`): Morris columns
``target, factor, mu_star, mu_star_conf, mu, sigma, rank``, or Sobol columns ``target, factor,
ST, ST_conf, S1, S1_conf, rank``. One panel per target.

- **Morris**: μ* (mean absolute elementary effect: how much a factor moves the target) against
  σ (their spread: non-linearity and interactions), with μ*'s 95 % bootstrap interval. Factors
  far right matter; above the dashed σ = μ* line their effect depends on the other factors.
- **Sobol**: total-order ST and first-order S1 bars with their 95 % intervals, most influential
  first. ST − S1 is the share of variance a factor explains only through interactions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.source import as_source
from sim.analysis.style import arm_color, panels, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TOP = 10
"""Factors shown per Sobol panel (the most influential)."""
LABELLED = 6
"""Factors labelled per Morris panel: the most influential with an effect (μ* > 0)."""
LABEL_GAP = 0.07
"""Least vertical distance between two Morris labels, as a share of the axis height."""
NEGATIVE_S1 = (
    "S1 below 0 is sampling noise: a share of variance cannot be negative, but its estimate"
    " (Jansen's) can when the factor's effect alone is near 0 — read it as 0 (its interval"
    " includes 0); more base samples (--samples) narrow it"
)
"""The footnote of every table that shows a negative first-order Sobol index."""

MORRIS = ("target", "factor", "mu_star", "mu_star_conf", "sigma")
SOBOL = ("target", "factor", "ST", "ST_conf", "S1", "S1_conf")


def indices_table(results: Any) -> tuple[str, pd.DataFrame] | None:
    """``(method, indices)`` of a sensitivity result, or ``None`` for other results."""
    table = as_source(results).extra("sensitivity")
    if table is None or not isinstance(table, pd.DataFrame) or table.empty:
        return None
    if all(c in table for c in MORRIS):
        return "morris", table
    if all(c in table for c in SOBOL):
        return "sobol", table
    raise ValueError(
        "sensitivity table has neither Morris columns ("
        + ", ".join(MORRIS)
        + ") nor Sobol columns ("
        + ", ".join(SOBOL)
        + ")"
    )


def sensitivity_indices(
    results: Any, *, targets: list[str] | None = None, top: int = TOP
) -> Figure:
    """Morris μ*–σ scatter or Sobol S1/ST bars with intervals, one panel per target.

    Args:
        results: A ``SensitivityResult`` or a mapping with a ``sensitivity`` DataFrame.
        targets: Targets to show (outcomes columns); all by default.
        top: Factors per Sobol panel, and labelled points per Morris panel.
    """
    src = as_source(results)
    found = indices_table(src)
    if found is None:
        raise LookupError("the results hold no sensitivity indices")
    method, table = found
    names = list(dict.fromkeys(table["target"]))
    if targets is not None:
        missing = [t for t in targets if t not in names]
        if missing:
            raise LookupError(
                f"no target {', '.join(missing)}; the indices have {', '.join(names)}"
            )
        names = targets
    with styled():
        fig, axes = panels(
            len(names), title=f"What drives the outcomes ({method}) — {src.title}", columns=2
        )
        if method == "sobol":
            rows = min(top, int(table.groupby("target").size().max()))
            w, _ = fig.get_size_inches()
            fig.set_size_inches(w * 1.15, (1.2 + 0.32 * rows) * ((len(names) + 1) // 2) + 0.6)
        for ax, target in zip(axes, names, strict=True):
            sub = table[table["target"] == target]
            ax.set_title(target)
            if method == "morris":
                _morris(ax, sub, top)
            else:
                _sobol(ax, sub, top)
    return fig


def _constant(ax) -> None:
    ax.text(
        0.5,
        0.5,
        "constant in every run:\nno factor moves it",
        ha="center",
        va="center",
        transform=ax.transAxes,
        color="0.4",
    )


def _morris(ax, sub: pd.DataFrame, top: int) -> None:
    ax.set_xlabel("μ* (mean |elementary effect|, target units)")
    ax.set_ylabel("σ (spread of effects)")
    sub = sub[sub["mu_star"].notna()].sort_values("mu_star", ascending=False, kind="stable")
    if sub.empty:
        _constant(ax)
        return
    mu, sigma, conf = (sub[c].to_numpy(dtype=float) for c in ("mu_star", "sigma", "mu_star_conf"))
    ax.errorbar(
        mu,
        sigma,
        xerr=np.nan_to_num(conf),
        fmt="o",
        color=arm_color(0),
        ecolor="0.6",
        ms=5,
        capsize=2,
        lw=0.8,
        label="_factors",
    )
    hi = float(np.nanmax(np.r_[mu + np.nan_to_num(conf), sigma])) * 1.1 or 1.0
    ax.plot([0, hi], [0, hi], ls="--", lw=0.8, color="0.5", label="σ = μ*")
    ax.set_xlim(0, hi)
    ax.set_ylim(0, hi)
    _labels(ax, sub["factor"].tolist(), mu, sigma, hi, min(top, LABELLED))
    ax.legend(loc="upper left")


def _labels(ax, factors: list[str], mu, sigma, hi: float, top: int) -> None:
    """Name the ``top`` most influential factors that have an effect, with labels stacked at
    least :data:`LABEL_GAP` apart (points on top of each other no longer print their names
    over each other), each joined to its point by a thin line."""
    chosen = [i for i in range(len(factors)) if mu[i] > 0][:top]
    if not chosen:
        return
    gap = LABEL_GAP * hi
    wanted = sorted((float(sigma[i]) + 0.02 * hi, i) for i in chosen)
    ys = spread([y for y, _ in wanted], gap, 0.03 * hi, 0.97 * hi)
    at = {i: y for y, (_, i) in zip(ys, wanted, strict=True)}
    for i in chosen:  # most influential first
        y = at[i]
        right = mu[i] < 0.45 * hi  # the label on the side with room
        ax.annotate(
            str(factors[i]),
            (mu[i], sigma[i]),
            xytext=(mu[i] + (0.04 if right else -0.04) * hi, y),
            ha="left" if right else "right",
            va="center",
            fontsize=6.5,
            arrowprops={"arrowstyle": "-", "color": "0.6", "lw": 0.5},
        )


def spread(ys: list[float], gap: float, low: float, high: float) -> list[float]:
    """Sorted positions moved as little as needed to lie ``gap`` apart within [low, high]."""
    out = list(ys)
    for k in range(len(out)):  # upwards from the lowest
        out[k] = max(out[k], low if k == 0 else out[k - 1] + gap)
    for k in reversed(range(len(out))):  # then down from the top, if it overflowed
        out[k] = min(out[k], high if k == len(out) - 1 else out[k + 1] - gap)
    return out


def _sobol(ax, sub: pd.DataFrame, top: int) -> None:
    ax.set_xlabel("Sobol index (share of variance)")
    ax.set_ylabel("factor")
    sub = sub[sub["ST"].notna()].sort_values("ST", ascending=False, kind="stable").head(top)
    if sub.empty:
        _constant(ax)
        return
    y = np.arange(len(sub))[::-1].astype(float)
    h = 0.38
    for offset, col, color, label in (
        (h / 2, "ST", arm_color(0), "total order ST"),
        (-h / 2, "S1", arm_color(2), "first order S1"),
    ):
        v = sub[col].to_numpy(dtype=float)
        ax.barh(y + offset, v, height=h, color=color, alpha=0.8, label=label)
        ax.errorbar(
            v,
            y + offset,
            xerr=np.nan_to_num(sub[f"{col}_conf"].to_numpy(dtype=float)),
            fmt="none",
            ecolor="0.2",
            capsize=2,
            lw=0.8,
            label=f"_{col} interval",
        )
    ax.set_yticks(y, [str(f) for f in sub["factor"]], fontsize=7)
    ax.axvline(0, color="0.3", lw=0.6)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
