"""The key estimands of an ensemble, with their uncertainty.

An analyst acts on a few numbers: how likely each red line is to be crossed by the horizon, how
far the main dyads escalate, where the front stands at the end, and — for a counterfactual — how
much a decision changes each of these. This module computes them from the ``outcomes`` table
(one row per run; see ``docs/contracts.md``), as aggregates asked where the table lies
(:mod:`sim.analysis.outcome_stats`: a million runs are never read whole), and says how sure each
number is (:mod:`sim.analysis.intervals`, re-exported here): a probability with its 95 % Wilson
interval, a distribution as its median and 90 % band, a contrast as the mean of paired
differences. What it returns, and how the terminal shows it, is :mod:`sim.analysis.summary`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.intervals import Z95, PairedDifference, band, paired_difference, wilson
from sim.analysis.outcome_stats import ArmOutcomes, flag
from sim.analysis.paths import red_line_dyads
from sim.analysis.persistence import reversal_bands
from sim.analysis.query import Query, _ident, clean
from sim.analysis.scripted import forced_label, month_namer, observed_red_lines
from sim.analysis.source import Source, as_source
from sim.analysis.summary import Estimate, Summary
from sim.outcomes import column, forces_column, subjects

MAX_DYADS = 6
"""How many dyads the summary shows: the red lines' dyads first, then the most escalated."""


def summarize(results: Any, scenario: Any = None) -> Summary:
    """The summary of an ensemble from its ``outcomes`` table.

    Args:
        results: A :class:`sim.experiments.Results`, or a mapping with an ``outcomes``
            DataFrame (and optionally ``scenario`` and ``manifest``).
        scenario: The resolved scenario, when ``results`` does not carry one; it orders the
            dyads (red lines' dyads first) and names the horizon's date.

    Raises:
        ValueError: when there is no ``outcomes`` table to summarise.
    """
    if isinstance(results, Mapping):
        scenario = scenario if scenario is not None else results.get("scenario")
    else:
        scenario = scenario if scenario is not None else getattr(results, "scenario", None)
    query = Query(results)
    if not query.has("outcomes"):
        raise ValueError("no outcomes table to summarise")
    title = str(getattr(scenario, "title", None) or getattr(scenario, "id", None) or "Ensemble")
    horizon = _horizon_label(scenario)

    manifest = results.get("manifest") if isinstance(results, Mapping) else None
    manifest = manifest or getattr(results, "manifest", None) or {}
    arms = query.arms("outcomes", list(manifest.get("arms") or []))
    groups = [ArmOutcomes(query, arm) for arm in arms] or [ArmOutcomes(query)]
    runs = groups[0].n

    estimates: list[Estimate] = []
    observed = observed_red_lines(manifest, scenario)
    for o in groups:
        estimates += _red_lines(o, scenario, _month_namer(results, scenario), observed)
    dyads = _main_dyads(ArmOutcomes(query), scenario)
    for o in groups:
        estimates += _escalation(o, dyads)
    for o in groups:
        estimates += _fronts(o, scenario)
    for o in groups:
        estimates += _games(o, scenario) + _levels(o, scenario)
    for o in groups:
        estimates += [
            Estimate("reversals", name, "reversals per run", med, lo, hi, o.n, o.arm)
            for name, med, lo, hi in reversal_bands(o, scenario)
        ]
    from .legends import legends

    overrides = [str(o) for o in manifest.get("overrides") or []]
    return Summary(title, runs, horizon, estimates, legends(scenario), overrides)


__all__ = [
    "Z95",
    "Estimate",
    "PairedDifference",
    "Summary",
    "band",
    "paired_difference",
    "summarize",
    "summary_of",
    "wilson",
]


def summary_of(src: Source) -> Summary:
    """The :class:`Summary` of the result behind ``src``, computed once per source (a result
    that summarises itself, such as a sensitivity design's, is asked)."""

    def compute() -> Summary:
        if not isinstance(src.obj, Mapping) and hasattr(src.obj, "summary"):
            return src.obj.summary()
        return summarize(src.obj)

    return src.memo("summary", compute)


def _month_namer(results: Any, scenario: Any) -> Any:
    """``date_of(step)`` for the scripted labels, or ``None`` (steps are then numbered)."""
    try:
        return month_namer(as_source(results if scenario is None else {"scenario": scenario}))
    except Exception:  # a label is not worth failing a summary for
        return None


def _horizon_label(scenario: Any) -> str:
    time = getattr(scenario, "time", None)
    if time is None:
        return "the horizon"
    try:
        date = as_source({"scenario": scenario}).dates(np.array([time.horizon]))[0]
        return f"step {time.horizon} ({pd.Timestamp(date):%Y-%m-%d})"
    except Exception:  # a label is not worth failing a summary for
        return f"step {time.horizon}"


def _red_lines(
    o: ArmOutcomes, scenario: Any, date_of: Any, observed: Mapping[str, str]
) -> list[Estimate]:
    """P(crossed) per red line; crossings an event or the arm set are left out and said, and a
    crossing the ensemble was conditioned on (``observed``: id → label) is a fact, not a risk."""
    from .legends import with_date

    rids = subjects(o.columns, "red_line", "crossed")
    exprs: dict[str, str] = {}
    for rid in rids:
        crossed = flag(column("red_line", rid, "crossed"), o.columns)
        event = flag(column("red_line", rid, "scripted"), o.columns)
        by_arm = flag(column("red_line", rid, "set_by_arm"), o.columns)
        free = f"NOT ({event} OR {by_arm})"
        at = column("red_line", rid, "scripted_step")
        step = column("red_line", rid, "step")
        exprs |= {
            f"{rid}:event": f"count_if({event})",
            f"{rid}:arm": f"count_if({by_arm})",
            f"{rid}:forced": f"count_if({event} OR {by_arm})",
            f"{rid}:first": (
                f"min({clean(_ident(at))}) FILTER (WHERE {event})" if at in o else "NULL"
            ),
            f"{rid}:n": f"count_if({free})",
            f"{rid}:k": f"count_if({crossed} AND {free})",
            f"{rid}:crossed": f"count_if({crossed})",
            f"{rid}:step": (
                f"quantile_cont({clean(_ident(step))}, 0.5) FILTER (WHERE {crossed} AND {free})"
                if step in o
                else "NULL"
            ),
        }
    found = o.stats(exprs | {"runs": "count(*)"})
    out = []
    for rid in rids:
        get = lambda what, rid=rid: found[f"{rid}:{what}"]  # noqa: E731
        count = int(get("forced"))
        forced_words = ""
        if count:
            forced_words = forced_label(get("event") > 0, get("first"), get("arm") > 0, date_of)
        label = forced_words if count and count == found["runs"] else ""
        label = observed.get(rid, label)
        n, k = int(get("n")), int(get("k"))
        p, lo, hi = wilson(k, n)
        if label:  # no risk to estimate: the share crossed, without an interval
            n, k = int(found["runs"]), int(get("crossed"))
            p, lo, hi = k / n, math.nan, math.nan
        note = ""
        if k and not math.isnan(get("step")):
            note = f"median step of crossing {with_date(get('step'), scenario)}"
        if count and not label:
            note = f"among {n:,} unforced runs; {count:,} {forced_words}; {note}".rstrip("; ")
        owner = ""
        if scenario is not None and rid in getattr(scenario, "red_lines", {}):
            owner = f" ({scenario.red_lines[rid].owner})"
        out.append(
            Estimate(
                "red_line", rid + owner, "P(crossed by horizon)", p, lo, hi, n, o.arm, note, label
            )
        )
    return out


def _main_dyads(o: ArmOutcomes, scenario: Any) -> list[str]:
    """The dyads to show: those of red lines first, then by median peak escalation."""
    dyads = subjects(o.columns, "escalation", "max")
    cols = [column("escalation", d, "max") for d in dyads]
    first = [d for d in red_line_dyads(scenario) if d in dyads] if scenario is not None else []
    found = o.medians(cols)
    medians = {d: found[column("escalation", d, "max")] for d in dyads}
    rest = sorted((d for d in dyads if d not in first), key=lambda d: (-medians[d], d))
    return (first + rest)[:MAX_DYADS]


def _escalation(o: ArmOutcomes, dyads: list[str]) -> list[Estimate]:
    found = o.bands([column("escalation", d, "max") for d in dyads])
    return [
        Estimate(
            "escalation", d, "peak escalation", *found[column("escalation", d, "max")], o.n, o.arm
        )
        for d in dyads
    ]


def _fronts(o: ArmOutcomes, scenario: Any) -> list[Estimate]:
    fids = subjects(o.columns, "front", "territory")
    sides = {}
    for fid in fids:
        front = getattr(scenario, "fronts", {}).get(fid) if scenario is not None else None
        sides[fid] = list(front.sides) if front is not None else []
    forces = [c for f in fids for s in sides[f] if (c := forces_column(f, s)) in o]
    bands = o.bands([column("front", f, "territory") for f in fids] + forces)
    balance = o.medians(
        [column("front", f, "balance") for f in fids if column("front", f, "balance") in o]
    )
    out = []
    for fid in fids:
        if len(sides[fid]) == 2:
            note = f"km² gained by {sides[fid][0]} (negative: by {sides[fid][1]})"
        else:
            note = "km² gained by the first side (negative: by the second)"
        if column("front", fid, "balance") in balance:
            note += f"; median balance {balance[f'front.{fid}.balance']:+.2f}"
        med, lo, hi = bands[column("front", fid, "territory")]
        out.append(Estimate("front", fid, "territory at horizon", med, lo, hi, o.n, o.arm, note))
        for side in sides[fid]:
            col = forces_column(fid, side)
            if col in bands:
                med, lo, hi = bands[col]
                out.append(
                    Estimate(
                        "front",
                        f"{fid} {side}",
                        "forces at horizon",
                        med,
                        lo,
                        hi,
                        o.n,
                        o.arm,
                        "forces",
                    )
                )
    return out


def _games(o: ArmOutcomes, scenario: Any) -> list[Estimate]:
    """Cumulative payoffs of the players of repeated games (``games:``)."""
    if scenario is None or not getattr(scenario, "games", None):
        return []
    players = dict.fromkeys(
        ref.split(".", 1)[0] for game in scenario.games.values() for ref in game.channels
    )
    cols = {
        aid: column("actor", aid, "payoff")
        for aid in players
        if column("actor", aid, "payoff") in o
    }
    found = o.bands(list(cols.values()))
    return [
        Estimate("payoff", aid, "payoff at horizon", *found[col], o.n, o.arm)
        for aid, col in cols.items()
    ]


def _levels(o: ArmOutcomes, scenario: Any) -> list[Estimate]:
    """Levels of continuous channels (Richardson's arms levels) at the horizon."""
    if scenario is None:
        return []
    cols = {}
    for aid, actor in scenario.actors.items():
        for name, ch in actor.channels.items():
            ladder = scenario.ladders.get(ch.ladder)
            col = column("channel", f"{aid}.{name}", "level")
            if ladder is not None and ladder.is_continuous and col in o:
                cols[f"{aid}.{name}"] = col
    found = o.bands(list(cols.values()))
    return [
        Estimate("level", ref, "level at horizon", *found[col], o.n, o.arm)
        for ref, col in cols.items()
    ]
