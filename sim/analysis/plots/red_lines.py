"""Red-line risk: how likely each red line is crossed by the horizon, and when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.estimands import wilson
from sim.analysis.paths import arms_of, equals
from sim.analysis.source import as_source
from sim.analysis.style import arm_color, date_axis, panels, styled
from sim.outcomes import column

if TYPE_CHECKING:
    from matplotlib.figure import Figure


_CROSSED = re.compile(r"^red_line\.(?P<id>[A-Za-z][A-Za-z0-9_]*)\.crossed$")


@dataclass(frozen=True)
class Risk:
    """P(crossed by the horizon) of one red line in one arm, with its 95 % Wilson interval."""

    red_line: str
    arm: str
    crossed: int
    runs: int
    low: float
    high: float

    @property
    def p(self) -> float:
        return self.crossed / self.runs if self.runs else float("nan")


def red_line_ids(outcomes: pd.DataFrame | list[str]) -> list[str]:
    """Red lines recorded in an outcomes table (or its columns), in column order."""
    columns = outcomes.columns if isinstance(outcomes, pd.DataFrame) else outcomes
    return [m["id"] for c in columns if (m := _CROSSED.match(str(c)))]


def _interval(k: int, n: int) -> tuple[float, float]:
    _, low, high = wilson(k, n)
    return float(low), float(high)


POOLED = "all design points"
"""The one "arm" of a sensitivity design's red-line figures."""


def _by_arm(outcomes: pd.DataFrame, src: Any = None) -> list[tuple[str, pd.DataFrame]]:
    """The arms to compare. The points of a sensitivity design (arms ``p00``, ``p01``…) are
    samples of the uncertain inputs, not policies: their runs are pooled, so a red line's risk
    is over the whole design instead of 38 bars."""
    arms = arms_of(outcomes)
    if not arms:
        return [("", outcomes)]
    if (getattr(src, "manifest", None) or {}).get("kind") == "sensitivity":
        return [(POOLED, outcomes)]
    return [(a, outcomes[equals(outcomes["arm"], a)]) for a in arms]


def _red_line_columns(src) -> pd.DataFrame | None:
    """The outcomes' red-line columns (and run, arm): all these figures read."""
    wanted = [c for c in src.columns("outcomes") if c == "run" or c.startswith("red_line.")]
    return src.frame("outcomes", wanted) if wanted else None


def risks(results: Any) -> list[Risk]:
    """P(crossed by T) with 95 % Wilson intervals for every red line and arm.

    The counts come from the outcomes table and the interval from
    :func:`sim.analysis.estimands.wilson`, the function the summary uses, so the figure and the
    summary agree to the last digit.
    """
    src = as_source(results)
    outcomes = _red_line_columns(src)
    if outcomes is None:
        raise LookupError("the results have no outcomes table")
    out = []
    for arm, df in _by_arm(outcomes, src):
        for rl in red_line_ids(outcomes):
            crossed = df[column("red_line", rl, "crossed")].to_numpy(dtype=bool)
            k, n = int(crossed.sum()), int(crossed.size)
            out.append(Risk(rl, arm, k, n, *_interval(k, n)))
    return out


def red_line_risk(results: Any) -> Figure:
    """P(red line crossed by the horizon) per red line, with 95 % Wilson intervals.

    One bar per red line; with counterfactual arms, the arms' bars stand side by side, so the
    effect of a policy on each red line reads at a glance.
    """
    src = as_source(results)
    rows = risks(src)
    if not rows:
        raise LookupError("the results have no red lines")
    lines = list(dict.fromkeys(r.red_line for r in rows))
    arms = list(dict.fromkeys(r.arm for r in rows))
    with styled():
        fig, (ax,) = panels(1, title=f"Red-line risk — {src.title}")
        fig.set_size_inches(max(5.0, 1.2 * len(lines) * max(1, len(arms) / 2) + 2.0), 3.6)
        draw_risk(ax, rows, src.horizon)
    return fig


def draw_risk(ax, rows: list[Risk], horizon: int | None) -> None:
    """Bars of P(crossed) per red line (side by side per arm) with 95 % Wilson error bars."""
    from matplotlib.ticker import FixedLocator, PercentFormatter

    lines = list(dict.fromkeys(r.red_line for r in rows))
    arms = list(dict.fromkeys(r.arm for r in rows))
    width = 0.8 / len(arms)
    for i, arm in enumerate(arms):
        sel = [r for r in rows if r.arm == arm]
        xs = np.arange(len(lines)) + (i - (len(arms) - 1) / 2) * width
        p = np.array([r.p for r in sel])
        low = np.array([r.low for r in sel])
        high = np.array([r.high for r in sel])
        ax.bar(xs, p, width * 0.9, color=arm_color(i), alpha=0.8, label=arm or "P(crossed)")
        ax.errorbar(
            xs,
            p,
            yerr=[p - low, high - p],
            fmt="none",
            ecolor="0.15",
            capsize=3,
            lw=1.0,
            label=f"_95% interval {arm}",
        )
        for x, r in zip(xs, sel, strict=True):
            ax.annotate(
                f"{r.p:.0%}",
                (x, r.high),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
            )
    if len(lines) > 3:  # long ids side by side collide
        ax.set_xticks(np.arange(len(lines)), lines, rotation=15, ha="right")
    else:
        ax.set_xticks(np.arange(len(lines)), lines)
    ax.set_xlabel("red line (error bars: 95% Wilson intervals)")
    by = f"by step {horizon}" if horizon is not None else "by the horizon"
    ax.set_ylabel(f"P(crossed {by})")
    top = max(0.1, max(r.high for r in rows) * 1.12)
    ax.set_ylim(0, top)
    ticks = ax.get_yticks()
    ax.yaxis.set_major_locator(FixedLocator([t for t in ticks if 0 <= t <= min(1.0, top)]))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="x", visible=False)
    if len(arms) > 1:
        ax.legend(title="arm", loc="upper left", bbox_to_anchor=(1.0, 1.0))


def crossing_curves(results: Any) -> dict[tuple[str, str], pd.DataFrame]:
    """Cumulative P(crossed by step t) per red line and arm, with 95 % Wilson intervals.

    Returns:
        ``{(red_line, arm): DataFrame(step, crossed, runs, p, low, high)}`` for t = 0..horizon.
    """
    src = as_source(results)
    outcomes = _red_line_columns(src)
    if outcomes is None:
        raise LookupError("the results have no outcomes table")
    horizon = src.horizon
    lines = red_line_ids(outcomes)
    if horizon is None:
        cols = [
            column("red_line", rl, "step")
            for rl in lines
            if column("red_line", rl, "step") in outcomes
        ]
        horizon = int(np.nanmax(outcomes[cols].to_numpy(dtype=float))) if cols else 0
    steps = np.arange(horizon + 1)
    out = {}
    for arm, df in _by_arm(outcomes, src):
        for rl in lines:
            col = column("red_line", rl, "step")
            if col not in df:
                continue
            at = df[col].to_numpy(dtype=float)
            n = at.size
            crossed = (at[None, :] <= steps[:, None]).sum(axis=1)  # NaN (never) compares False
            _, low, high = wilson(crossed, n)
            out[(rl, arm)] = pd.DataFrame(
                {
                    "step": steps,
                    "crossed": crossed,
                    "runs": n,
                    "p": crossed / max(n, 1),
                    "low": low,
                    "high": high,
                }
            )
    return out


def red_line_timing(results: Any) -> Figure:
    """Cumulative probability that each red line has been crossed, month by month.

    A step curve per red line (per arm when arms ran) with its 95 % Wilson band: where it rises
    says when the risk concentrates, not only how large it ends.
    """
    src = as_source(results)
    curves = crossing_curves(src)
    if not curves:
        raise LookupError("the results have no red-line crossing times")
    lines = list(dict.fromkeys(k[0] for k in curves))
    arms = list(dict.fromkeys(k[1] for k in curves))
    with styled():
        fig, axes = panels(len(lines), title=f"When red lines are crossed — {src.title}")
        for ax, rl in zip(axes, lines, strict=True):
            for i, arm in enumerate(arms):
                c = curves[(rl, arm)]
                x = src.dates(c["step"].to_numpy())
                color = arm_color(i)
                ax.fill_between(
                    x,
                    c["low"],
                    c["high"],
                    step="post",
                    color=color,
                    alpha=0.2,
                    lw=0,
                    label=f"{arm + ': ' if arm else ''}95% interval",
                )
                ax.step(
                    x,
                    c["p"],
                    where="post",
                    color=color,
                    lw=1.6,
                    label=f"{arm + ': ' if arm else ''}P(crossed by date)",
                )
            ax.set_title(rl)
            ax.set_ylabel("P(crossed by date)")
            ax.set_ylim(0, None)
            from matplotlib.ticker import PercentFormatter

            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            date_axis(ax, x)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=2)
    return fig
