"""The map of the crisis: who presses whom, how hard, and where the arms go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.query import clean
from sim.analysis.series import arms, equals
from sim.analysis.source import as_source
from sim.analysis.style import ESCALATION_CMAP, panels, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_WIDTH = 7.0
MIN_WIDTH = 0.8


@dataclass(frozen=True)
class Edge:
    """One directed relation at the horizon.

    Attributes:
        actor, target: Who acts toward whom.
        escalation: Median directed escalation index ``E_ij`` at the horizon (0–10).
        flow: Mean arms flow from actor to target per step over all steps and runs (units of
            the stocks sent), 0 when none.
    """

    actor: str
    target: str
    escalation: float
    flow: float


def edges(results: Any, arm: str | None = None) -> list[Edge]:
    """Directed edges of the crisis map, for one arm (or the whole result without arms).

    An edge is a pair (actor → target) with at least one channel; without a channels table,
    a pair whose median escalation at the horizon is above 0.
    """
    src = as_source(results)
    if not src.has("dyads"):
        raise LookupError("the results have no dyads table")
    return src.memo(f"edges:{arm}", lambda: _edges(src, arm))


def _edges(src, arm: str | None) -> list[Edge]:
    mine = equals("arm", arm) if arm is not None else "TRUE"
    last = src.query.frame(
        "SELECT CAST(actor AS VARCHAR) AS a, CAST(target AS VARCHAR) AS t, "
        f"quantile_cont({clean('escalation')}, 0.5) AS m FROM dyads WHERE {mine} AND "
        f"step = (SELECT max(step) FROM dyads WHERE {mine}) GROUP BY ALL"
    )
    med = {(a, t): float(m) if not pd.isna(m) else np.nan for a, t, m in last.itertuples(False)}
    flows: dict[tuple[str, str], float] = {}
    if src.has("channels"):
        has_flow = "flow" in src.columns("channels")
        pairs = src.query.frame(
            "SELECT CAST(actor AS VARCHAR) AS a, CAST(target AS VARCHAR) AS t, "
            f"{'fsum(flow)' if has_flow else '0.0'} AS f FROM channels WHERE {mine} GROUP BY ALL"
        )
        first = f"(SELECT min(step) FROM channels WHERE {mine})"
        n = src.query.scalar(  # runs × steps, the runs counted at one step (cheap)
            f"SELECT count(DISTINCT run) * (SELECT count(DISTINCT step) FROM channels "
            f"WHERE {mine}) FROM channels WHERE {mine} AND step = {first}"
        )
        flows = {(a, t): float(f) / max(int(n), 1) for a, t, f in pairs.itertuples(False)}
        keys = list(flows)  # who acts on whom: the channels, not every pair of actors
    else:
        keys = [k for k, v in med.items() if v > 0]
    keys = sorted(keys, key=lambda k: (str(k[0]), str(k[1])))
    return [
        Edge(str(a), str(t), float(med.get((a, t), np.nan)), float(flows.get((a, t), 0.0)))
        for a, t in keys
    ]


def edges_of_every_arm(src) -> None:
    """The edges of each arm (or of the result), asked ahead of the crisis map."""
    for arm in arms(src, "dyads") or [None]:
        edges(src, arm)


def crisis_map(results: Any) -> Figure:
    """Actors as nodes, directed edges coloured by median escalation at the horizon and sized
    by the arms flow along them.

    The layout is circular in actor order (the scenario's, else alphabetical), so the same
    scenario always draws the same map. Where both directions of a dyad exist they bend apart.
    With counterfactual arms there is one map per arm, side by side.
    """
    import networkx as nx
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D

    src = as_source(results)
    if not src.has("dyads"):
        raise LookupError("the results have no dyads table")
    arm_list: list[str | None] = list(arms(src, "dyads")) or [None]
    per_arm = {arm: edges(src, arm) for arm in arm_list}
    nodes = _actors(src, [e for es in per_arm.values() for e in es])
    pos = nx.circular_layout(nodes)
    top_flow = max((e.flow for es in per_arm.values() for e in es), default=0.0)
    norm = Normalize(0.0, 10.0)
    with styled():
        fig, axes = panels(len(arm_list), title=f"The crisis at the horizon — {src.title}")
        fig.set_size_inches(5.2 * len(arm_list) + 1.2, 5.0)
        for ax, arm in zip(axes, arm_list, strict=True):
            g = nx.DiGraph()
            g.add_nodes_from(nodes)
            for e in per_arm[arm]:
                g.add_edge(e.actor, e.target, escalation=e.escalation, flow=e.flow)
            es = list(g.edges(data=True))
            colors = [np.nan_to_num(d["escalation"]) for *_, d in es]
            widths = [
                MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * (d["flow"] / top_flow if top_flow else 0.0)
                for *_, d in es
            ]
            nx.draw_networkx_nodes(
                g,
                pos,
                ax=ax,
                node_color="#f4f4f4",
                edgecolors="0.25",
                node_size=1100,
                linewidths=1.0,
            )
            nx.draw_networkx_labels(g, pos, ax=ax, font_size=9, font_weight="bold")
            nx.draw_networkx_edges(
                g,
                pos,
                ax=ax,
                edgelist=[(u, v) for u, v, _ in es],
                edge_color=colors,
                edge_cmap=_cmap(),
                edge_vmin=0.0,
                edge_vmax=10.0,
                width=widths,
                arrows=True,
                arrowsize=14,
                node_size=1100,
                connectionstyle="arc3,rad=0.12",
            )
            ax.set_title(arm if arm is not None else "median escalation and arms flow")
            ax.set_axis_off()
            ax.margins(0.12)
        from matplotlib.cm import ScalarMappable

        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=_cmap()), ax=axes, shrink=0.7)
        bar.set_label("median escalation at the horizon (0–10)")
        if top_flow > 0:
            unit = src.step_unit
            key = [
                Line2D([], [], color="0.4", lw=MAX_WIDTH, label=f"{top_flow:,.0f} per {unit}"),
                Line2D([], [], color="0.4", lw=MIN_WIDTH, label="no arms flow"),
            ]
            axes[0].legend(
                handles=key,
                title="mean arms flow",
                loc="lower left",
                bbox_to_anchor=(0.0, -0.08),
                fontsize=7,
                title_fontsize=7,
            )
    return fig


def _actors(src, es: list[Edge]) -> list[str]:
    named = {e.actor for e in es} | {e.target for e in es}
    if src.scenario is not None:
        order = list(src.scenario.actors)
        return order + sorted(named - set(order))
    return sorted(named)


def _cmap():
    import matplotlib as mpl

    return mpl.colormaps[ESCALATION_CMAP]
