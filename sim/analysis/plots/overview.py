"""The crisis at a glance: four panels that answer the first questions about a result.

1. How hot does the key relation get? The escalation fan of the first red line's dyad.
2. How does the ensemble climb the ladder the red line watches? Its rung shares over time.
3. How likely is each red line to be crossed? P(crossed by the horizon), 95 % Wilson intervals.
4. What happens on the ground? The first front's territory (else the first moving approval).

It is the README's figure for the flagship (``docs/figures/``), and the first figure of a
report. Each panel is drawn by the same code as its full figure, so the numbers agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.paths import red_line_dyads
from sim.analysis.plots.escalation import (
    ESCALATION_LABEL,
    draw_shares,
    dyad_paths,
    rung_legend,
    rung_names,
)
from sim.analysis.plots.red_lines import draw_risk, risks
from sim.analysis.plots.world import approval_fans, first_sides, front_fans, varies
from sim.analysis.series import arms, channel_fans, equals, rung_shares_of
from sim.analysis.source import as_source
from sim.analysis.style import (
    arm_color,
    compact_numbers,
    date_axis,
    draw_fan,
    panels,
    set_title,
    styled,
)
from sim.scenario import conditions

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _key_channel(src) -> str | None:
    """The channel the first red line watches, else the first discrete channel recorded."""
    sc = src.scenario
    if sc is not None and sc.red_lines:
        first = next(conditions.leaves(next(iter(sc.red_lines.values())).watch, ()))[1]
        return conditions.leaf_channel(first)
    if not src.has("channels"):
        return None
    first = src.query.frame("SELECT actor, channel FROM channels LIMIT 1").iloc[0]
    return f"{first['actor']}.{first['channel']}"


def overview(results: Any, *, dyad: str | None = None, channel: str | None = None) -> Figure:
    """The crisis at a glance: key dyad's escalation, the watched ladder, red-line risk, the
    front.

    Panels a result cannot support are left out (no red lines: no risk panel...).

    Args:
        results: A ``Results`` or a mapping of tables.
        dyad: The dyad of panel 1 (``"ROK-RUS"``); default the first red line's.
        channel: The channel of panel 2 (``"RUS.tech_dprk"``); default the one the first red
            line watches.
    """
    src = as_source(results)
    drawers = []
    if src.has("dyads"):
        steps, by_dyad = dyad_paths(src)
        first = [d for d in red_line_dyads(src.scenario) if d in by_dyad]
        key = dyad or (first[0] if first else next(iter(by_dyad)))
        if key not in by_dyad:
            raise LookupError(f"no dyad {key}; the results have {', '.join(by_dyad)}")
        drawers.append(lambda ax: _escalation(ax, src, steps, key, by_dyad[key]))
    ref = channel or _key_channel(src)
    if src.has("channels") and ref is not None:
        drawers.append(lambda ax: _ladder(ax, src, ref))
    rows = risks(src) if src.has("outcomes") else []
    if rows:
        drawers.append(lambda ax: (draw_risk(ax, rows, src.horizon), ax.set_title("Red-line risk")))
    if src.has("fronts"):
        drawers.append(lambda ax: _front(ax, src))
    elif src.has("actors"):
        drawers.append(lambda ax: _approval(ax, src))
    if not drawers:
        raise LookupError("the results hold nothing to show at a glance")
    with styled():
        fig, axes = panels(len(drawers), columns=2)
        fig.set_size_inches(12.0, 4.0 * ((len(drawers) + 1) // 2) + 0.6)
        set_title(fig, f"At a glance — {src.title}")
        for ax, draw in zip(axes, drawers, strict=True):
            draw(ax)
    return fig


def _escalation(ax, src, steps, key: str, series) -> None:
    x = src.dates(steps)
    for i, (arm, fan) in enumerate(series):
        draw_fan(ax, x, fan, color=arm_color(i), label=arm, samples=0 if arm else 5)
    ax.set_ylim(min(0.0, float(np.nanmin([series[0][1].lo]))) - 0.3, 10.3)
    ax.set_title(f"Escalation {key.replace('-', ' – ')}: median, 50% and 90% bands")
    ax.set_ylabel(ESCALATION_LABEL)
    date_axis(ax, x)
    ax.legend(loc="lower right", ncols=2 if len(series) > 1 else 1)


def _ladder(ax, src, ref: str) -> None:
    actor, name = ref.split(".", 1)
    arm_list = arms(src, "channels")
    steps, shares = rung_shares_of(src)  # every channel's, shared with the ladder figure
    found = [
        k for k in shares if (k[0], k[1]) == (actor, name) and (not arm_list or k[3] == arm_list[0])
    ]  # fmt: skip
    if not found:
        raise LookupError(f"no channel {ref} in the channels table")
    key = found[0]
    where = " AND ".join(
        equals(c, str(v)) for c, v in zip(["actor", "channel", "target", "arm"], key, strict=False)
    )
    x = src.dates(steps)
    target = str(key[2])
    suffix = f" ({arm_list[0]})" if arm_list else ""
    ax.set_title(f"{actor} → {target}: {name}, share of runs on each rung{suffix}")
    date_axis(ax, x)
    ladder = src.scenario.ladder_of(ref) if src.scenario is not None else None
    if ladder is not None and ladder.is_continuous:
        draw_fan(ax, x, channel_fans(src)[key])
        ax.set_ylabel("level")
        return
    names = (
        ladder.rung_ids if ladder is not None else rung_names(src, where, int(shares[key].hi) + 1)
    )
    draw_shares(ax, x, shares[key], names)
    rung_legend(ax)


def _front(ax, src) -> None:
    row = src.query.frame("SELECT CAST(front AS VARCHAR) AS f FROM fronts LIMIT 1")
    name = str(row["f"].iloc[0])  # the table's first front
    side = first_sides(src)[name]
    steps, series = front_fans(src, "territory")  # the front's first side's
    x = src.dates(steps)
    for i, (arm, fan) in enumerate(series[(name,)]):
        draw_fan(ax, x, fan, color=arm_color(i), label=arm, samples=0 if arm else 5)
    ax.axhline(0.0, color="0.3", lw=0.9, ls="--")
    ax.set_title(f"Front {name}: territory, median, 50% and 90% bands")
    ax.set_ylabel(f"territory gained by {side} (km²)")
    compact_numbers(ax)
    date_axis(ax, x)


def _approval(ax, src) -> None:
    from matplotlib.ticker import PercentFormatter

    steps, series = approval_fans(src)
    moving = [k for k, s in series.items() if varies(s)]
    key = moving[0] if moving else next(iter(series))
    x = src.dates(steps)
    for i, (arm, fan) in enumerate(series[key]):
        draw_fan(ax, x, fan, color=arm_color(i), label=arm, samples=0 if arm else 5)
    ax.set_title(f"{key[0]} approval: median, 50% and 90% bands")
    ax.set_ylabel("approval")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    date_axis(ax, x)
