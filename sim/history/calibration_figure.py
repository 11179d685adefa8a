"""The calibration figure: each fitted parameter's prior against its posterior.

One panel per parameter, in order of shrinkage (the parameters the history informs most come
first): the prior density (the first generation's draws, which are the prior) as a grey
histogram, the weighted posterior as a blue one, and both medians. The last panel shows the
tolerance and the acceptance rate by generation, the sampler's own convergence record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.style import FAN_COLOR, SAMPLE_COLOR, panels, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_PANELS = 24


def prior_posterior(cal: Any) -> Figure:
    """Prior vs posterior for each parameter (at most ``MAX_PANELS``, most informed first)."""
    summary = cal.summary()
    shown = list(summary["parameter"])[:MAX_PANELS]
    prior = cal.particles[cal.particles["generation"] == 0]
    w = cal.posterior["weight"].to_numpy()
    with styled():
        fig, axes = panels(len(shown) + 1, title="Calibration: prior (grey) and posterior (blue)")
        for ax, p in zip(axes, shown, strict=False):
            x0 = prior[p].to_numpy()
            x1 = cal.posterior[p].to_numpy()
            lo, hi = np.nanmin(x0), np.nanmax(x0)
            bins = np.linspace(lo, hi, 31) if hi > lo else 10
            ax.hist(x0, bins=bins, density=True, color=SAMPLE_COLOR, alpha=0.35, label="prior")
            ax.hist(
                x1,
                bins=bins,
                weights=w,
                density=True,
                color=FAN_COLOR,
                alpha=0.6,
                label="posterior",
            )
            row = summary[summary["parameter"] == p].iloc[0]
            ax.axvline(row["prior_median"], color=SAMPLE_COLOR, lw=1, ls="--")
            ax.axvline(row["posterior_median"], color=FAN_COLOR, lw=1.5)
            ax.set_title(f"{_short(p)}\nshrinkage {row['shrinkage']:+.0%}", fontsize=8)
            ax.set_yticks([])
        ax = axes[-1]
        d = cal.diagnostics
        ax.plot(d["generation"], d["epsilon"], marker="o", color=FAN_COLOR, label="tolerance ε")
        ax.set_xlabel("generation")
        ax.set_ylabel("tolerance ε (distance)")
        ax2 = ax.twinx()
        ax2.plot(
            d["generation"], d["acceptance"], marker="s", color=SAMPLE_COLOR, label="acceptance"
        )
        ax2.set_ylabel("acceptance rate")
        ax2.set_ylim(0, 1.05)
        ax.set_title("sampler: tolerance and acceptance", fontsize=8)
    return fig


def _short(path: str) -> str:
    """A dotted path short enough for a panel title."""
    return path if len(path) <= 40 else "…" + path[-39:]


__all__ = ["prior_posterior"]
