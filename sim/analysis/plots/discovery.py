"""The figure of a scenario discovery: PRIM's peeling trajectory and the box it chose.

Left, every box of the trajectory as coverage against density, coloured by how many
parameters it restricts, the chosen box ringed: the trade-off an analyst picks from. Right,
the chosen box itself: for each parameter it restricts, the range it keeps (the bar) inside
the range the ensemble sampled (the grey track), with its limits written out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.style import FAN_COLOR, set_title, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def discovery_figure(d: Any, *, title: str = "") -> Figure:
    """Draw a :class:`sim.analysis.discovery.Discovery` (its trajectory and box tables)."""
    from matplotlib.figure import Figure

    traj, box = d.trajectory, d.box
    with styled():
        rows = max(len(box), 1)
        fig = Figure(figsize=(10.0, max(3.4, 1.0 + 0.45 * rows)), layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=[1.0, 1.2])
        set_title(fig, title or f"Scenario discovery — {d.expression}")
        dims = traj["res_dim"].to_numpy(dtype=int)
        points = left.scatter(
            traj["coverage"], traj["density"], c=dims, cmap="viridis", s=22, zorder=3
        )
        left.plot(traj["coverage"], traj["density"], color="#999999", lw=0.8, zorder=2)
        c = d.chosen
        left.scatter(
            [c["coverage"]],
            [c["density"]],
            s=160,
            facecolors="none",
            edgecolors="#c0392b",
            linewidths=1.8,
            zorder=4,
            label=f"chosen box #{int(c['box'])}",
        )
        left.set_xlabel("coverage (share of the runs where it holds, inside the box)")
        left.set_ylabel("density (share of the box's runs where it holds)")
        left.set_title("Peeling trajectory")
        left.set_xlim(-0.02, 1.02)
        left.set_ylim(-0.02, 1.02)
        left.legend(loc="lower left")
        bar = fig.colorbar(points, ax=left, pad=0.01)
        bar.set_label("parameters restricted")
        if dims.max() > dims.min():
            bar.set_ticks(np.arange(dims.min(), dims.max() + 1))
        _box(right, box, c)
    return fig


def _box(ax: Any, box: Any, chosen: Any) -> None:
    """The chosen box's limits, each on its parameter's sampled range scaled to [0, 1]."""
    ax.set_title(f"Chosen box: coverage {chosen['coverage']:.0%}, density {chosen['density']:.0%}")
    if box.empty:
        ax.text(0.5, 0.5, "no parameter restricted", ha="center", va="center")
        ax.set_axis_off()
        return
    y = np.arange(len(box))[::-1]
    span = (box["data_high"] - box["data_low"]).replace(0, 1).to_numpy(dtype=float)
    lo = (box["low"].to_numpy(dtype=float) - box["data_low"].to_numpy(dtype=float)) / span
    hi = (box["high"].to_numpy(dtype=float) - box["data_low"].to_numpy(dtype=float)) / span
    ax.barh(y, np.ones_like(y, dtype=float), color="#e6e6e6", height=0.55)
    ax.barh(y, hi - lo, left=lo, color=FAN_COLOR, height=0.55)
    for yi, r, a, b in zip(y, box.itertuples(index=False), lo, hi, strict=True):
        ax.text(a, yi + 0.36, f"{r.low:.3g}", ha="center", va="bottom", fontsize=7)
        ax.text(b, yi + 0.36, f"{r.high:.3g}", ha="center", va="bottom", fontsize=7)
    ax.set_yticks(y, list(box["parameter"]))
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.6, len(box) - 0.2)
    ax.set_xlabel("position in the range sampled (0 = lowest, 1 = highest)")
    ax.grid(axis="y", visible=False)
