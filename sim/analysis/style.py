"""One look for every figure: sizes, colours, date axes and the fan-chart drawing.

Figures are built on :class:`matplotlib.figure.Figure` directly, not through ``pyplot``: no
global figure list to leak in loops, no GUI backend needed, and the CLI renders with Agg.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""The fan: 90 % band (5–95), 50 % band (25–75) and the median."""

FAN_COLOR = "#1f5f99"
SAMPLE_COLOR = "#444444"
ARM_COLORS = ("#1f5f99", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#17a589")
LADDER_CMAP = "turbo"
ESCALATION_CMAP = "RdYlGn_r"
PANEL_SIZE = (4.6, 2.9)
MAX_COLUMNS = 3

RC = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "grid.linewidth": 0.6,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.dpi": 100,
    "savefig.dpi": 130,
    "svg.fonttype": "none",
}


@contextmanager
def styled() -> Iterator[None]:
    """Apply the house style while a figure is being built."""
    import matplotlib as mpl

    with mpl.rc_context(RC):
        yield


def panels(
    n: int, *, title: str | None = None, columns: int | None = None
) -> tuple[Figure, list[Axes]]:
    """A figure with ``n`` panels on a grid (at most three across), in reading order.

    Unused cells of the grid are removed, so every axes returned is drawn on.
    """
    from matplotlib.figure import Figure

    n = max(1, n)
    cols = min(n, columns or MAX_COLUMNS)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(PANEL_SIZE[0] * cols, PANEL_SIZE[1] * rows + 0.5), layout="constrained")
    grid = fig.subplots(rows, cols, squeeze=False)
    axes = list(grid.ravel())
    for ax in axes[n:]:
        fig.delaxes(ax)
    if title:
        set_title(fig, title)
    return fig, axes[:n]


def set_title(fig: Figure, title: str) -> None:
    """The figure's title, wrapped to its width (a narrow figure must not cut it off)."""
    import textwrap

    width = fig.get_size_inches()[0]
    fig.suptitle(textwrap.fill(title, max(30, int(width * 11))), fontweight="bold")


def compact_numbers(ax: Axes, axis: str = "y") -> None:
    """Tick labels such as 500k, 2.5M instead of an exponent offset (``1e6``) in the corner."""
    from matplotlib.ticker import FuncFormatter

    def fmt(v: float, _pos: int) -> str:
        return compact(v, digits=6)

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))


def compact(v: float, digits: int = 3) -> str:
    """A number in a few characters: ``2.5M``, ``500k``, ``0.196`` (``digits`` significant)."""
    a = abs(v)
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= scale:
            return f"{v / scale:.{digits}g}{suffix}"
    return f"{v:.{digits}g}"


def signed(v: float, span: float) -> str:
    """``v`` with a sign and as many decimals as a quantity of size ``span`` needs."""
    import math

    span = abs(span) if span and math.isfinite(span) else abs(v)
    decimals = 0 if span == 0 else min(4, max(0, 1 - math.floor(math.log10(span))))
    return f"{v:+,.{decimals}f}"


def date_axis(ax: Axes, x: np.ndarray) -> None:
    """Label a time axis: concise dates when ``x`` holds dates, else "step"."""
    if np.issubdtype(np.asarray(x).dtype, np.datetime64):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlabel("date")
    else:
        ax.set_xlabel("step")


def quantiles(values: np.ndarray) -> np.ndarray:
    """Quantiles :data:`QUANTILES` of ``values`` (steps × runs) across runs: shape (5, steps).

    Missing values (a run without this entity at a step) are ignored.
    """
    values = np.asarray(values, dtype=float)
    if np.isnan(values).any():
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN steps stay NaN
            return np.nanquantile(values, QUANTILES, axis=1)
    return np.quantile(values, QUANTILES, axis=1)


def sample_columns(values: np.ndarray, n: int) -> np.ndarray:
    """Indices of ``n`` runs spread evenly across the run axis (deterministic)."""
    present = np.flatnonzero(~np.isnan(values).all(axis=0))
    if n <= 0 or present.size == 0:
        return np.array([], dtype=int)
    pick = np.unique(np.linspace(0, present.size - 1, min(n, present.size)).round().astype(int))
    return present[pick]


def draw_fan(
    ax: Axes,
    x: np.ndarray,
    values: np.ndarray,
    *,
    color: str = FAN_COLOR,
    label: str = "",
    samples: int = 0,
    runs: Sequence[int] | None = None,
) -> None:
    """Draw a fan chart: 90 % and 50 % bands, the median, and a few faint sample runs.

    Artists carry labels that say what they are (``median``, ``50% band``, ``90% band``,
    ``run N``), prefixed by ``label`` when several fans share an axes; tests and readers can
    find them by label.

    Args:
        ax: Where to draw.
        x: Dates or steps, one per row of ``values``.
        values: Steps × runs.
        color: The fan's colour.
        label: Prefix for the artists' labels (an arm's name), empty for a single fan.
        samples: How many individual runs to draw faintly behind the bands.
        runs: Run ids of the columns of ``values`` (for the sample runs' labels).
    """
    q = quantiles(values)
    prefix = f"{label}: " if label else ""
    for col in sample_columns(values, samples):
        run = runs[col] if runs is not None else col
        ax.plot(x, values[:, col], color=SAMPLE_COLOR, lw=0.6, alpha=0.35, label=f"_run {run}")
    ax.fill_between(x, q[0], q[4], color=color, alpha=0.15, lw=0, label=f"{prefix}90% band")
    ax.fill_between(x, q[1], q[3], color=color, alpha=0.32, lw=0, label=f"{prefix}50% band")
    ax.plot(x, q[2], color=color, lw=1.8, label=f"{prefix}median")


def arm_color(i: int) -> str:
    """The colour of the ``i``-th arm of a comparison."""
    return ARM_COLORS[i % len(ARM_COLORS)]
