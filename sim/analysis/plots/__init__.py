"""Figures of a result, one function per figure, each returning a matplotlib ``Figure``.

Every function takes a :class:`sim.experiments.Results` or a mapping of table name →
DataFrame (see ``docs/contracts.md``) and draws on a fresh ``Figure`` (no ``pyplot`` state):
in a notebook the figure displays itself; the CLI saves it with the Agg renderer.

:data:`FIGURES` names them for ``wargame plot --figure NAME`` and the report; :func:`supported`
says which a result can draw and, for the others, why not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from sim.analysis.series import dyad_fans, rung_shares_of
from sim.analysis.source import Source, as_source
from sim.outcomes import column

from .effects import comparison_table, counterfactual_effects
from .escalation import escalation_fan, rung_shares
from .network import crisis_map, edges_of_every_arm
from .overview import overview
from .red_lines import red_line_risk, red_line_timing
from .sensitivity import indices_table, sensitivity_indices
from .world import (
    approval,
    approval_fans,
    arms_flows,
    front,
    front_fans,
    median_requirement,
    readiness,
    readiness_fans,
    stock_fans,
    stocks,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class FigureSpec:
    """A named figure: how to draw it and what it needs.

    Attributes:
        name: The name on the command line (``escalation``).
        draw: The plotting function.
        needs: Returns ``None`` when a result supports the figure, else the reason it does not.
        caption: One line saying what the figure shows (report captions, ``--figure`` help).
        data: See the attribute.
    """

    name: str
    draw: Callable[..., Figure]
    needs: Callable[[Source], str | None]
    caption: str
    data: tuple[Callable[[Source], Any], ...] = ()
    """Ask for the aggregates :attr:`draw` reads (memoised on the source), so that
    :func:`prefetch` can compute them while another figure is drawn."""


def _table(name: str, column: str | None = None) -> Callable[[Source], str | None]:
    def check(src: Source) -> str | None:
        if not src.has(name):
            return f"no {name} table"
        if column is not None and column not in src.columns(name):
            return f"no {column} column in the {name} table"
        return None

    return check


def _red_lines(src: Source) -> str | None:
    from .red_lines import red_line_ids

    if not src.has("outcomes"):
        return "no outcomes table"
    return None if red_line_ids(src.columns("outcomes")) else "the scenario has no red lines"


def _red_line_steps(src: Source) -> str | None:
    from .red_lines import red_line_ids

    if not src.has("outcomes"):
        return "no outcomes table"
    columns = src.columns("outcomes")
    if not any(column("red_line", r, "step") in columns for r in red_line_ids(columns)):
        return "the scenario has no red lines"
    return None


def _comparison(src: Source) -> str | None:
    return None if comparison_table(src) is not None else "no counterfactual comparison"


def _indices(src: Source) -> str | None:
    return None if indices_table(src) is not None else "no sensitivity indices"


def _glance(src: Source) -> str | None:
    if any(src.has(t) for t in ("dyads", "channels", "fronts", "actors")) or (
        _red_lines(src) is None
    ):
        return None
    return "no time tables and no red lines"


def _flows(src: Source) -> str | None:
    if not src.has("stocks"):
        return "no stocks table"
    flows = "EXISTS (SELECT 1 FROM stocks WHERE inflow <> 0 OR outflow <> 0)"
    if not src.memo("any flow", lambda: src.query.scalar(f"SELECT {flows}")):
        return "no munitions flow between actors"
    return None


def _requirements(src: Source) -> str | None:
    if not src.has("stocks"):
        return "no stocks table"
    some = "EXISTS (SELECT 1 FROM stocks WHERE requirement > 0)"
    if not src.memo("any requirement", lambda: src.query.scalar(f"SELECT {some}")):
        return "no stock has a requirement"
    return None


def _when(table: str, hook: Callable[[Source], Any]) -> Callable[[Source], Any]:
    """``hook``, asked only when the result has ``table``."""

    def ask(src: Source) -> Any:
        return hook(src) if src.has(table) else None

    return ask


_DYADS = _when("dyads", dyad_fans)
_RUNGS = _when("channels", rung_shares_of)
_TERRITORY = partial(front_fans, column="territory")
_FLOWS = partial(stock_fans, column="outflow")


def _front_or_approval(src: Source) -> None:
    if src.has("fronts"):
        _TERRITORY(src)
    elif src.has("actors"):
        approval_fans(src)


FIGURES: dict[str, FigureSpec] = {
    spec.name: spec
    for spec in (
        FigureSpec(
            "overview",
            overview,
            _glance,
            "At a glance: the key dyad's escalation, the ladder its red line watches, red-line "
            "risk and the front.",
            (_DYADS, _RUNGS, _front_or_approval),
        ),
        FigureSpec(
            "escalation",
            escalation_fan,
            _table("dyads"),
            "Escalation index of each dyad over time: median, 50% and 90% bands.",
            (_DYADS,),
        ),
        FigureSpec(
            "ladder",
            rung_shares,
            _table("channels"),
            "Share of runs on each rung of each channel over time.",
            (_RUNGS,),
        ),
        FigureSpec(
            "red_lines",
            red_line_risk,
            _red_lines,
            "Probability that each red line is crossed by the horizon, 95% Wilson intervals.",
        ),
        FigureSpec(
            "red_line_timing",
            red_line_timing,
            _red_line_steps,
            "Cumulative probability that each red line has been crossed, by date.",
        ),
        FigureSpec(
            "arms_flows",
            arms_flows,
            _flows,
            "Munitions sent and received per step by each actor.",
            (_FLOWS,),
        ),
        FigureSpec(
            "stocks",
            stocks,
            _table("stocks"),
            "Munitions on hand per actor and stock, with the median requirement.",
            (_FLOWS, median_requirement),
        ),
        FigureSpec(
            "readiness",
            readiness,
            _requirements,
            "Readiness (stock ÷ requirement) per actor and stock.",
            (readiness_fans,),
        ),
        FigureSpec(
            "front",
            front,
            _table("fronts"),
            "Territory and battlefield balance of each front.",
            (_TERRITORY,),
        ),
        FigureSpec(
            "approval",
            approval,
            _table("actors", "approval"),
            "Domestic approval of each actor.",
            (approval_fans,),
        ),
        FigureSpec(
            "crisis_map",
            crisis_map,
            _table("dyads"),
            "Who presses whom at the horizon, and where the arms go.",
            (edges_of_every_arm,),
        ),
        FigureSpec(
            "counterfactual",
            counterfactual_effects,
            _comparison,
            "Paired differences between the arms of the counterfactual, 95% intervals.",
        ),
        FigureSpec(
            "sensitivity",
            sensitivity_indices,
            _indices,
            "Sensitivity indices of each target to the uncertain parameters.",
        ),
    )
}


def supported(results: Any) -> dict[str, str | None]:
    """For every figure, ``None`` when ``results`` can draw it, else the reason it cannot."""
    src = as_source(results)
    return {name: spec.needs(src) for name, spec in FIGURES.items()}


def available(results: Any) -> list[str]:
    """Names of the figures ``results`` supports, in :data:`FIGURES` order."""
    return [name for name, why in supported(results).items() if why is None]


def prefetch(results: Any, names: list[str]) -> threading.Thread | None:
    """Compute, in a background thread, the aggregates the figures ``names`` will read, in the
    order they will be drawn; the thread (joined by the caller), or ``None`` when there is
    nothing to gain.

    Drawing is Python holding one core (matplotlib); asking DuckDB for quantiles over a
    100,000-run folder is as long again, and DuckDB runs without the interpreter's lock. So
    while one figure is drawn the next one's numbers are computed: a 100,000-run ``plot``
    takes about the time of the longer of the two instead of their sum. A figure whose data
    is not ready waits for it (:meth:`Source.memo`); an error is left for the figure to raise
    where it is drawn. Tables held in memory are not prefetched: they are small, and DuckDB
    serves them on one connection only.
    """
    src = as_source(results)
    hooks = list(dict.fromkeys(h for n in names if n in FIGURES for h in FIGURES[n].data))
    if not src.on_disk or not hooks:
        return None

    def run() -> None:
        # One thread: the drawing holds one core and a query the other; two queries at once
        # only fight for it (a 100,000-run plot: 22.0 s and 1.27 GB with two threads, 18.7 s
        # and 1.0 GB with one).
        for hook in hooks:
            try:
                hook(src)
            except Exception:  # raised again where the figure is drawn, with its context
                pass

    thread = threading.Thread(target=run, name="figure-data", daemon=True)
    thread.start()
    return thread


def draw(name: str, results: Any, **options: Any) -> Figure:
    """Draw the figure ``name`` of ``results``.

    Raises:
        KeyError: for an unknown name (the message lists the known ones).
        LookupError: when the results cannot support the figure (the message says why).
    """
    if name not in FIGURES:
        raise KeyError(f"unknown figure {name!r}; figures: {', '.join(FIGURES)}")
    src = as_source(results)
    why = FIGURES[name].needs(src)
    if why is not None:
        raise LookupError(f"figure {name!r} needs what these results lack: {why}")
    return FIGURES[name].draw(src, **options)


__all__ = [
    "FIGURES",
    "FigureSpec",
    "approval",
    "arms_flows",
    "available",
    "counterfactual_effects",
    "crisis_map",
    "draw",
    "escalation_fan",
    "front",
    "overview",
    "prefetch",
    "readiness",
    "red_line_risk",
    "red_line_timing",
    "rung_shares",
    "sensitivity_indices",
    "stocks",
    "supported",
]
