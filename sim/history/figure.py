"""The backtest figure: each observed series inside its simulated bands, and the events.

One panel per observed quantity series (a front's territory, its gain per step, an actor's
approval, a stock's flow): the ensemble's fan (90 % and 50 % bands, median) with the
observations drawn as points and their intervals as error bars. A last panel shows, for each
event or rung window, the ensemble's probability of what happened beside persistence's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.style import FAN_COLOR, date_axis, draw_fan, panels, styled
from sim.scenario.history import (
    EVENT_KINDS,
    Interval,
    StockObs,
    observation_steps,
    point_and_width,
)

from .forecast import Ensemble, series

if TYPE_CHECKING:
    from matplotlib.figure import Figure

OBS_COLOR = "#c0392b"


def _dates(scenario: Any) -> np.ndarray:
    from sim.model.layout import step_dates

    t = scenario.time
    return step_dates(t.start, t.step, t.horizon)


def backtest_figure(scenario: Any, results: Any, table: pd.DataFrame) -> Figure:
    """The figure of a backtest (``table`` from :func:`sim.history.backtest.score`)."""
    ens = Ensemble(results, scenario)
    x = _dates(scenario)
    scored = set(table.loc[table["observation"] >= 0, "observation"].astype(int))
    groups: dict[str, tuple[str, np.ndarray, list[Any]]] = {}
    events = []
    for i, obs in enumerate(scenario.history):
        if i not in scored:
            continue
        if obs.KIND in EVENT_KINDS:
            events.append(i)
            continue
        found = series(obs, ens)
        if found is None:
            continue
        key, title, values = found
        groups.setdefault(key, (title, values, []))[2].append(obs)
    n = len(groups) + (1 if events else 0)
    with styled():
        fig, axes = panels(n, title=f"Backtest: {scenario.title}")
        for ax, (title, values, observed) in zip(axes, groups.values(), strict=False):
            draw_fan(ax, x, values.T)
            for obs in observed:
                steps = observation_steps(obs, scenario.time)
                step = max(steps.values())
                q = _quantity(obs)
                y, _ = point_and_width(q)
                lo, hi = (q.low, q.high) if isinstance(q, Interval) else (y, y)
                if isinstance(obs, StockObs):  # an average over a window: a segment across it
                    ax.hlines(y, x[steps["from"]], x[step], color=OBS_COLOR, lw=1.5)
                    step = (steps["from"] + step) // 2
                ax.errorbar(
                    [x[step]],
                    [y],
                    yerr=[[y - lo], [hi - y]],
                    fmt="o",
                    color=OBS_COLOR,
                    ms=4,
                    capsize=3,
                    label="_observed",
                )
            ax.set_title(title)
            date_axis(ax, x)
        if events:
            ax = axes[-1]
            _events_panel(ax, table, events)
        if axes:
            handles = [
                _patch(FAN_COLOR, 0.15, "90% band"),
                _patch(FAN_COLOR, 0.32, "50% band"),
                _line(FAN_COLOR, "median"),
                _point(OBS_COLOR, "observed (interval)"),
            ]
            fig.legend(handles=handles, loc="outside lower center", ncols=4)
    return fig


def _quantity(obs: Any) -> Any:
    for key in ("territory", "gained", "per_step", "approval"):
        if hasattr(obs, key):
            return getattr(obs, key)
    raise TypeError(obs)  # pragma: no cover


def _events_panel(ax: Any, table: pd.DataFrame, events: list[int]) -> None:
    """The ensemble's and persistence's probability of each observed event, labelled in place
    (long labels on the axis would squeeze the grid's other panels)."""
    t = table[(table["observation"].isin(events)) & (table["rule"] == "brier")]
    parts = zip(t["subject"], t["observed"], t["when"], strict=True)
    labels = [f"{s}: {o} ({w})" for s, o, w in parts]
    y = np.arange(len(t), dtype=float)
    model = t["forecast"].to_numpy(dtype=float)
    pers = 1.0 - np.sqrt(t["persistence"].to_numpy(dtype=float))  # Brier (1 − p)² → p
    ax.barh(y, model, height=0.28, color=FAN_COLOR, label="ensemble")
    ax.barh(y + 0.28, pers, height=0.28, color="#999999", label="persistence")
    for yi, label in zip(y, labels, strict=True):
        ax.text(0.0, yi - 0.22, label, fontsize=6.5, va="bottom", ha="left")
    ax.set_yticks([])
    ax.set_ylim(len(t) - 0.4, -0.7)
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability of what happened")
    ax.set_title("events and rung windows")
    ax.legend(loc="center right", fontsize=7, framealpha=0.9, frameon=True)


def _patch(color: str, alpha: float, label: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=color, alpha=alpha, label=label)


def _line(color: str, label: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([], [], color=color, lw=1.8, label=label)


def _point(color: str, label: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([], [], color=color, marker="o", ls="", label=label)
