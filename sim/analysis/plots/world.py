"""The world the decisions move: arms flows, stocks, readiness, the front and approval.

Each is a grid of fan charts (median, 50 % and 90 % bands), one panel per actor and stock,
front or actor, with arms overlaid when a comparison ran.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.plots._fans import Panel, fan_figure
from sim.analysis.series import Series, entity_fans, equals
from sim.analysis.source import as_source

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FANS = "median, 50% and 90% bands"


def _need(src, name: str) -> None:
    if not src.has(name):
        raise LookupError(f"the results have no {name} table")


def varies(series: Series) -> bool:
    """Whether a panel would show anything but a flat line at one value."""
    lo = min((f.lo for _, f in series if not np.isnan(f.lo)), default=np.nan)
    hi = max((f.hi for _, f in series if not np.isnan(f.hi)), default=np.nan)
    return not np.isnan(lo) and bool(hi - lo > 0)


def _nonzero(series: Series) -> bool:
    return any(f.nonzero for _, f in series)


def _fans(src, steps: np.ndarray, panels: list[Panel], what: str, samples: int) -> Figure:
    """The grid of fan charts over ``steps``, titled ``what``."""
    return fan_figure(
        panels,
        src.dates(steps),
        title=f"{what} ({FANS}) — {src.title}",
        samples=samples,
    )


def arms_flows(results: Any, *, samples: int = 5) -> Figure:
    """Munitions sent and received per step, per actor and stock (fans).

    Only the actor–stock pairs with some flow are drawn: a panel "ROK shell_155 sent" shows the
    rounds Seoul ships each month across the ensemble.
    """
    src = as_source(results)
    _need(src, "stocks")
    panel_list = []
    steps = None
    for column, verb in (("outflow", "sent"), ("inflow", "received")):
        steps, series = stock_fans(src, column, samples)
        for (actor, stock), s in series.items():
            if _nonzero(s):
                panel_list.append(
                    Panel(f"{actor} {stock} {verb}", f"{stock} per {src.step_unit}", s)
                )
    if not panel_list:
        raise LookupError("no actor sends or receives munitions in these results")
    panel_list.sort(key=lambda p: p.title)
    return _fans(src, steps, panel_list, "Arms flows", samples)


def stocks(results: Any, *, samples: int = 5) -> Figure:
    """Munitions on hand per actor and stock (fans), with the median requirement dashed."""
    src = as_source(results)
    _need(src, "stocks")
    steps, levels = stock_fans(src, "level", samples)
    required = median_requirement(src)
    panel_list = []
    for key, s in levels.items():
        if not _nonzero(s):
            continue
        req = required.get(key, np.nan)
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
    return _fans(src, steps, panel_list, "Stocks", samples)


def stock_fans(src, column: str, samples: int = 5):
    """The fans of a column of the stocks table per actor and stock (flows and levels: one
    scan for the three, see ``sim.analysis.series.TOGETHER``)."""
    return entity_fans(src, "stocks", ["actor", "stock"], column, samples=samples)


def readiness_fans(src, samples: int = 5):
    """The fans of readiness of the stocks that have a requirement."""
    return entity_fans(src, "stocks", ["actor", "stock"], "readiness", "requirement > 0", samples)


def front_fans(src, column: str, samples: int = 5):
    """The fans of a column of each front, seen from its first side (territory and balance:
    one scan for both)."""
    sides = first_sides(src)
    first = " OR ".join(f"({equals('front', n)} AND {equals('side', s)})" for n, s in sides.items())
    return entity_fans(src, "fronts", ["front"], column, first, samples)


def approval_fans(src, samples: int = 5):
    """The fans of each actor's approval."""
    return entity_fans(src, "actors", ["actor"], "approval", samples=samples)


def median_requirement(src) -> dict[tuple, float]:
    """The median requirement of each actor's stock over every step, run (and arm)."""
    from sim.analysis.query import clean

    def compute() -> dict[tuple, float]:
        df = src.query.frame(
            f"SELECT CAST(actor AS VARCHAR) AS a, CAST(stock AS VARCHAR) AS s, "
            f"quantile_cont({clean('requirement')}, 0.5) AS m FROM stocks GROUP BY ALL"
        )
        return {(a, s): float(m) if m is not None and not np.isnan(m) else np.nan
                for a, s, m in df.itertuples(index=False)}  # fmt: skip

    return src.memo("median requirement", compute)


def readiness(results: Any, *, samples: int = 5) -> Figure:
    """Readiness (stock ÷ requirement) per actor and stock that has a requirement (fans).

    Below the dashed line at 1 an actor holds less than it must keep for its own defence —
    Seoul's depletion dilemma.
    """
    src = as_source(results)
    _need(src, "stocks")
    steps, series = readiness_fans(src, samples)
    if not series:
        raise LookupError("no stock has a requirement in these results")
    panel_list = [
        Panel(
            f"{actor} {stock}", "readiness (stock ÷ requirement)", s, reference=(1.0, "requirement")
        )
        for (actor, stock), s in series.items()
    ]
    return _fans(src, steps, panel_list, "Readiness", samples)


def front(results: Any, *, samples: int = 5) -> Figure:
    """Each front's territory and battlefield balance over time (fans).

    Territory (km² gained by the first side, negative when the second gains) and balance
    ``z = ln(k_0 q_0 N_0² / (k_1 q_1 N_1²))`` (the log ratio of the sides' square-law fighting
    power: above 0 the first side is winning) are properties of the front, repeated on both
    sides' rows; they are read from the first side's rows. The first side is the first in the
    scenario's ``sides`` (else the first in the table).
    """
    src = as_source(results)
    _need(src, "fronts")
    sides = first_sides(src)
    steps, territory = front_fans(src, "territory", samples)
    _, balance = front_fans(src, "balance", samples)
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
    return _fans(src, steps, panel_list, "The front", samples)


def first_sides(src) -> dict[str, str]:
    """Each front's first side: the scenario's first in ``sides``, else the table's first."""
    rows = src.memo(
        "front sides",
        lambda: src.query.frame(
            "SELECT CAST(front AS VARCHAR) AS f, CAST(side AS VARCHAR) AS s FROM fronts "
            "WHERE run = (SELECT min(run) FROM fronts) AND step = (SELECT min(step) FROM fronts)"
        ),
    )
    sides: dict[str, str] = {}
    for f, s in rows.itertuples(index=False):
        sides.setdefault(f, s)
    if src.scenario is not None:
        for name in sides:
            if name in src.scenario.fronts:
                sides[name] = next(iter(src.scenario.fronts[name].sides))
    return dict(sorted(sides.items()))


def approval(results: Any, *, samples: int = 5) -> Figure:
    """Domestic approval (elite support for autocracies) per actor (fans).

    Actors whose approval never moves (a fixed policy, no approval dynamics) are left out,
    unless none moves.
    """
    src = as_source(results)
    _need(src, "actors")
    steps, series = approval_fans(src, samples)
    moving = {k: s for k, s in series.items() if varies(s)} or series
    panel_list = [Panel(str(actor), "approval", s, percent=True) for (actor,), s in moving.items()]
    return _fans(src, steps, panel_list, "Approval", samples)
