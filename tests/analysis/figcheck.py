"""Read back what a matplotlib Figure draws: lines, bands, bars, labels.

The figure tests compare these numbers with quantiles and intervals computed independently
from the tables, so a figure that draws the wrong data fails.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D


def axes_titled(fig, title: str):
    found = [ax for ax in fig.axes if ax.get_title() == title]
    assert found, f"no panel titled {title!r}; panels: {[a.get_title() for a in fig.axes]}"
    return found[0]


def line(ax, label: str) -> Line2D:
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert len(found) == 1, f"{len(found)} lines labelled {label!r} in {ax.get_title()!r}"
    return found[0]


def band(ax, label: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, lower, upper)`` of the fill labelled ``label`` (x as matplotlib date numbers)."""
    found = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_label() == label]
    assert len(found) == 1, f"{len(found)} bands labelled {label!r} in {ax.get_title()!r}"
    return edges(found[0])


def edges(coll) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper edge of a fill_between polygon, per distinct x."""
    v = np.concatenate([p.vertices for p in coll.get_paths()])
    xs = np.unique(v[:, 0])
    lower = np.array([v[v[:, 0] == x, 1].min() for x in xs])
    upper = np.array([v[v[:, 0] == x, 1].max() for x in xs])
    return xs, lower, upper


def xnum(x) -> np.ndarray:
    """Dates (or numbers) as matplotlib's float axis values."""
    x = np.asarray(x)
    if np.issubdtype(x.dtype, np.datetime64):
        return mdates.date2num(x)
    return x.astype(float)


def unlabelled_axes(fig) -> list[str]:
    """Axes that draw data but lack an x or y label (colorbars need their one label)."""
    bad = []
    for ax in fig.axes:
        if not ax.axison:
            continue
        if ax.get_label() == "<colorbar>":
            if not (ax.get_ylabel() or ax.get_xlabel()):
                bad.append("colorbar")
            continue
        if not ax.get_xlabel() or not ax.get_ylabel():
            bad.append(ax.get_title() or "untitled")
    return bad
