"""Grids of fan charts: the shared shape of the escalation, stocks, front and approval figures.

A figure is a list of :class:`Panel`; a panel holds one fan per arm (one unnamed series when
the result has no arms; see :mod:`sim.analysis.series`). With one series a panel shows a few
faint sample runs behind the bands; with several arms the fans overlay in the arms' colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.analysis.fan import Fan
from sim.analysis.style import arm_color, compact_numbers, date_axis, draw_fan, panels, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class Panel:
    """One axes of a fan figure.

    Attributes:
        title: What the panel shows (an entity).
        ylabel: The quantity and its unit.
        series: ``(arm, fan)`` pairs; arm ``""`` when there are no arms.
        reference: A horizontal reference line (``(y, label)``), e.g. readiness 1.
        percent: Show the y axis as a percentage of 1.
        ylim: Fixed y limits (a bounded scale such as escalation 0–10), else automatic.
    """

    title: str
    ylabel: str
    series: list[tuple[str, Fan]] = field(default_factory=list)
    reference: tuple[float, str] | None = None
    percent: bool = False
    ylim: tuple[float, float] | None = None


def fan_figure(
    panel_list: list[Panel],
    x: np.ndarray,
    *,
    title: str,
    samples: int = 5,
    note: str = "",
) -> Figure:
    """Draw ``panel_list`` on one figure, fans over ``x`` (dates or steps).

    ``note`` is a line of small print under the figure (what was left out, and why).
    """
    with styled():
        fig, axes = panels(len(panel_list), title=title)
        arm_names: list[str] = []
        for panel in panel_list:
            for arm, _ in panel.series:
                if arm not in arm_names:
                    arm_names.append(arm)
        for ax, panel in zip(axes, panel_list, strict=True):
            several = len(panel.series) > 1
            for arm, values in panel.series:
                draw_fan(
                    ax,
                    x,
                    values,
                    color=arm_color(arm_names.index(arm)),
                    label=arm,
                    samples=0 if several else samples,
                )
            if panel.reference is not None:
                y, label = panel.reference
                ax.axhline(y, color="0.3", lw=0.9, ls="--", label=label)
            ax.set_title(panel.title)
            ax.set_ylabel(panel.ylabel)
            date_axis(ax, x)
            if panel.ylim is not None:
                ax.set_ylim(*panel.ylim)
            if panel.percent:
                from matplotlib.ticker import PercentFormatter

                ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            else:
                compact_numbers(ax)
        if axes:
            _legend(fig, axes[0], several=len(arm_names) > 1, note=note)
    return fig


def _legend(fig: Figure, ax, *, several: bool, note: str = "") -> None:
    """One legend for the figure: the bands (and arms) as drawn in the first panel.

    ``note`` heads the legend in small print.
    """
    handles, labels = ax.get_legend_handles_labels()
    if not several:
        keep = list(zip(handles, labels, strict=True))
    else:
        # Per arm, the median line names the arm; the bands read the same in every colour.
        keep = [
            (h, lab.removesuffix(": median"))
            for h, lab in zip(handles, labels, strict=True)
            if lab.endswith(": median") or not lab.count(": ")
        ]
    if keep:
        import textwrap

        title = textwrap.fill(note, int(fig.get_size_inches()[0] * 14)) if note else None
        leg = fig.legend(
            *zip(*keep, strict=True),
            loc="outside lower center",
            ncols=min(len(keep), 6),
            title=title,
            title_fontsize=7,
        )
        if note:
            leg.get_title().set_color("0.35")
