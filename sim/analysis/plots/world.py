"""The world the decisions move: arms flows, stocks, readiness, the front and approval.

Each is a grid of fan charts (median, 50 % and 90 % bands), one panel per actor and stock,
front or actor, with arms overlaid when a comparison ran.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.paths import equals
from sim.analysis.plots._fans import Panel, entity_series, fan_figure
from sim.analysis.source import as_source

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FANS = "median, 50% and 90% bands"


def _table(src, name: str):
    df = src.table(name)
    if df is None:
        raise LookupError(f"the results have no {name} table")
    return df


def _varies(series: list[tuple[str, np.ndarray]]) -> bool:
    """Whether a panel would show anything but a flat line at one value."""
    values = np.concatenate([a[~np.isnan(a)] for _, a in series])
    return values.size > 0 and bool(np.ptp(values) > 0)


def _nonzero(series: list[tuple[str, np.ndarray]]) -> bool:
    return any(np.nan_to_num(a).any() for _, a in series)


def _fans(src, grid, panels: list[Panel], what: str, samples: int) -> Figure:
    """The grid of fan charts, over the steps and runs of ``grid``, titled ``what``."""
    return fan_figure(
        panels,
        src.dates(grid.steps),
        grid.runs,
        title=f"{what} ({FANS}) — {src.title}",
        samples=samples,
    )


def arms_flows(results: Any, *, samples: int = 5) -> Figure:
    """Munitions sent and received per step, per actor and stock (fans).

    Only the actor–stock pairs with some flow are drawn: a panel "ROK shell_155 sent" shows the
    rounds Seoul ships each month across the ensemble.
    """
    src = as_source(results)
    df = _table(src, "stocks")
    panel_list = []
    grid = None
    for column, verb in (("outflow", "sent"), ("inflow", "received")):
        grid, series = entity_series(df, ["actor", "stock"], column)
        for (actor, stock), s in series.items():
            if _nonzero(s):
                panel_list.append(
                    Panel(f"{actor} {stock} {verb}", f"{stock} per {src.step_unit}", s)
                )
    if not panel_list:
        raise LookupError("no actor sends or receives munitions in these results")
    panel_list.sort(key=lambda p: p.title)
    return _fans(src, grid, panel_list, "Arms flows", samples)


def stocks(results: Any, *, samples: int = 5) -> Figure:
    """Munitions on hand per actor and stock (fans), with the median requirement dashed."""
    src = as_source(results)
    df = _table(src, "stocks")
    grid, levels = entity_series(df, ["actor", "stock"], "level")
    _, required = entity_series(df, ["actor", "stock"], "requirement")
    panel_list = []
    for key, s in levels.items():
        if not _nonzero(s):
            continue
        req = np.nanmedian(np.concatenate([a for _, a in required[key]], axis=1))
        actor, stock = key
        panel_list.append(
            Panel(
                f"{actor} {stock}",
                f"{stock} on hand",
                s,
                reference=(float(req), "median requirement") if req > 0 else None,
            )
        )
    if not panel_list:
        raise LookupError("no actor holds munitions in these results")
    return _fans(src, grid, panel_list, "Stocks", samples)


def readiness(results: Any, *, samples: int = 5) -> Figure:
    """Readiness (stock ÷ requirement) per actor and stock that has a requirement (fans).

    Below the dashed line at 1 an actor holds less than it must keep for its own defence —
    Seoul's depletion dilemma.
    """
    src = as_source(results)
    df = _table(src, "stocks")
    df = df[df["requirement"].to_numpy(dtype=float) > 0]
    if df.empty:
        raise LookupError("no stock has a requirement in these results")
    grid, series = entity_series(df, ["actor", "stock"], "readiness")
    panel_list = [
        Panel(
            f"{actor} {stock}", "readiness (stock ÷ requirement)", s, reference=(1.0, "requirement")
        )
        for (actor, stock), s in series.items()
    ]
    return _fans(src, grid, panel_list, "Readiness", samples)


def front(results: Any, *, samples: int = 5) -> Figure:
    """Each front's territory and battlefield balance over time (fans).

    Territory (km² gained by the first side, negative when the second gains) and balance
    ``z = ln(k_0 q_0 N_0² / (k_1 q_1 N_1²))`` (the log ratio of the sides' square-law fighting
    power: above 0 the first side is winning) are properties of the front, repeated on both
    sides' rows; they are read from the first side's rows. The first side is the first in the
    scenario's ``sides`` (else the first in the table).
    """
    src = as_source(results)
    df = _table(src, "fronts")
    sides = df.groupby("front", observed=True)["side"].first().astype(str)
    if src.scenario is not None:
        for name in sides.index:
            if name in src.scenario.fronts:
                sides[name] = next(iter(src.scenario.fronts[name].sides))
    keep = np.zeros(len(df), dtype=bool)
    for name, side in sides.items():
        keep |= equals(df["front"], str(name)) & equals(df["side"], side)
    first = df[keep]
    grid, territory = entity_series(first, ["front"], "territory")
    _, balance = entity_series(first, ["front"], "balance")
    panel_list = []
    for (name,) in territory:
        side = sides[name]
        panel_list.append(
            Panel(
                f"{name}: territory",
                f"territory gained by {side} (km²)",
                territory[(name,)],
                reference=(0.0, "start"),
            )
        )
        panel_list.append(
            Panel(
                f"{name}: balance",
                f"balance, ln strength ratio ({side} > 0)",
                balance[(name,)],
                reference=(0.0, "parity"),
            )
        )
    return _fans(src, grid, panel_list, "The front", samples)


def approval(results: Any, *, samples: int = 5) -> Figure:
    """Domestic approval (elite support for autocracies) per actor (fans).

    Actors whose approval never moves (a fixed policy, no approval dynamics) are left out,
    unless none moves.
    """
    src = as_source(results)
    df = _table(src, "actors")
    grid, series = entity_series(df, ["actor"], "approval")
    moving = {k: s for k, s in series.items() if _varies(s)} or series
    panel_list = [Panel(str(actor), "approval", s, percent=True) for (actor,), s in moving.items()]
    return _fans(src, grid, panel_list, "Approval", samples)
