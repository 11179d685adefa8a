"""Counterfactual contrasts: each arm's estimate and its paired difference from the baseline.

Split from :mod:`sim.analysis.estimands` (which holds the intervals they use) so that each
module stays small. The arms share their random numbers run by run, so a contrast is the mean
of paired differences (see :func:`sim.analysis.estimands.paired_difference`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from sim.analysis.intervals import Z95, PairedDifference, wilson
from sim.analysis.outcome_stats import ArmOutcomes, flag
from sim.analysis.query import Query, _ident, _literal, clean
from sim.analysis.scripted import forced_label, measure_red_line
from sim.analysis.summary import decimals as _decimals
from sim.analysis.summary import num as _num
from sim.outcomes import column, in_percent


def _forced_sql(columns: list[str], col: str) -> tuple[str, str, str, str] | None:
    """For a red line's crossing measure: SQL of (forced by an event, by the arm, the step an
    event forced it at), the rules of :func:`sim.analysis.scripted.forced`; else ``None``."""
    line = measure_red_line(col)
    if line is None:
        return None
    rid, by = line
    event = flag(column("red_line", rid, "scripted"), columns)
    by_arm = flag(column("red_line", rid, "set_by_arm"), columns)
    at, step = column("red_line", rid, "scripted_step"), column("red_line", rid, "step")
    at_sql = clean(_ident(at)) if at in columns else "CAST(NULL AS DOUBLE)"
    if math.isfinite(by):
        step_sql = clean(_ident(step)) if step in columns else "CAST(NULL AS DOUBLE)"
        event = f"({event} AND coalesce({at_sql} <= {by!r}, FALSE))"
        by_arm = f"({by_arm} AND coalesce({step_sql} <= {by!r}, FALSE))"
    return event, by_arm, at_sql, f"({event} OR {by_arm})"


def _arm_row(o: ArmOutcomes, col: str, boolean: bool, date_of: Any) -> tuple:
    """One arm's estimate of a measure: ``(estimate, se, low, high, n, scripted, note)``."""
    v = clean(_ident(col))
    sql = _forced_sql(o.columns, col)
    free = f"NOT {sql[3]}" if sql is not None else "TRUE"
    # Sums in run order: the same numbers whatever the threads and wherever the table lies.
    exprs = {
        "all_n": f"count({v})",
        "all_mean": f"avg({v} ORDER BY run)",
        "n": f"count({v}) FILTER (WHERE {free})",
        "sum": f"sum({v} ORDER BY run) FILTER (WHERE {free})",
        "mean": f"avg({v} ORDER BY run) FILTER (WHERE {free})",
        "sd": f"stddev_samp({v} ORDER BY run) FILTER (WHERE {free})",
    }
    if sql is not None:
        event, by_arm, at, forced_any = sql
        exprs |= {
            "forced": f"count_if({forced_any})",
            "event": f"count_if({event})",
            "by_arm": f"count_if({by_arm})",
            "first": f"min({at}) FILTER (WHERE {event})",
            "runs": "count(*)",
        }
    got = o.stats(exprs)
    scripted = note = ""
    if sql is not None and got["forced"]:
        words = forced_label(got["event"] > 0, got["first"], got["by_arm"] > 0, date_of)
        if got["forced"] == got["runs"]:
            scripted = words
        else:
            note = f"among unforced runs; {int(got['forced']):,} {words}"
    if scripted:  # the share crossed, over every run: no risk to estimate
        n = int(got["all_n"])
        return (got["all_mean"] if n else math.nan, *(math.nan,) * 3, n, scripted, note)
    n = int(got["n"])
    if boolean:
        p, lo, hi = wilson(got["sum"] if n else 0, n)
        se = math.sqrt(p * (1 - p) / n) if n else math.nan
        return (p, se, lo, hi, n, scripted, note)
    mean = got["mean"] if n else math.nan
    se = got["sd"] / math.sqrt(n) if n > 1 else math.nan
    return (mean, se, mean - Z95 * se, mean + Z95 * se, n, scripted, note)


def _paired(query: Query, col: str, arm: str, baseline: str) -> PairedDifference:
    """Mean of ``col[arm] − col[baseline]`` over the runs both arms share, NaNs left out."""
    v = clean(_ident(col))
    d = "(a.v - b.v)"
    got = query.frame(
        f"SELECT count({d}) AS n, avg({d} ORDER BY run) AS mean, "
        f"stddev_samp({d} ORDER BY run) AS sd FROM "
        f"(SELECT run, {v} AS v FROM outcomes WHERE CAST(arm AS VARCHAR) = {_literal(arm)}) a "
        f"JOIN (SELECT run, {v} AS v FROM outcomes WHERE CAST(arm AS VARCHAR) = "
        f"{_literal(baseline)}) b USING (run)"
    ).iloc[0]
    n = int(got["n"])
    if n == 0:
        return PairedDifference(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(got["mean"])
    se = float(got["sd"]) / math.sqrt(n) if n > 1 else math.nan
    return PairedDifference(mean, se, mean - Z95 * se, mean + Z95 * se, n)


def contrast(
    outcomes: pd.DataFrame | Query,
    arms: Sequence[str],
    baseline: str,
    measures: Sequence[tuple[str, str]],
    date_of: Any = None,
) -> pd.DataFrame:
    """Per measure: each arm's estimate and each arm's paired difference from ``baseline``.

    A boolean measure is a proportion (Wilson interval); any other is a mean (normal
    interval). Runs are paired by their id, which the arms share.

    Every number is an aggregate asked where the table lies (one scan per arm and measure,
    one join per paired difference): the table is never read whole.

    Args:
        outcomes: The outcomes table with an ``arm`` column, or a
            :class:`~sim.analysis.query.Query` over a result that has one.
        arms: The arms, in order.
        baseline: The arm the others are compared with.
        measures: ``(outcomes column, label)`` pairs.

    A red line crossed because an event or the arm's bound set it (see
    :mod:`sim.analysis.scripted`) is no risk: an arm where every run was forced gets the words
    in ``scripted`` (its estimate is the share crossed, without interval); where some were, the
    arm's estimate is over the unforced runs and ``note`` says how many were forced. Paired
    differences keep every run: they are the effect of the decision, scripted or not.

    Columns of the result: ``measure``, ``label``, ``row`` (an arm, or ``"A − baseline"``),
    ``kind`` (``arm`` or ``paired difference``), ``estimate``, ``se``, ``low``, ``high``, ``n``,
    ``scripted``, ``note``.
    """
    query = outcomes if isinstance(outcomes, Query) else Query({"outcomes": outcomes})
    types = dict(query.frame("DESCRIBE outcomes")[["column_name", "column_type"]].to_numpy())
    rows = []
    for col, label in measures:
        boolean = types.get(col) == "BOOLEAN"
        for arm in arms:
            rows.append(
                (col, label, arm, "arm", *_arm_row(ArmOutcomes(query, arm), col, boolean, date_of))
            )
        for arm in arms:
            if arm == baseline:
                continue
            d = _paired(query, col, arm, baseline)
            rows.append(
                (col, label, f"{arm} − {baseline}", "paired difference", d.mean, d.se, d.low,
                 d.high, d.n, "", "")
            )  # fmt: skip
    columns = ["measure", "label", "row", "kind", "estimate", "se", "low", "high", "n"]
    return pd.DataFrame(rows, columns=[*columns, "scripted", "note"])


def render_contrast(table: pd.DataFrame, cf_id: str, runs: int) -> str:
    """The comparison table as text for a terminal."""
    lines = [f"Counterfactual {cf_id}: {runs:,} runs per arm on common random numbers", ""]
    for (col, label), grp in table.groupby(["measure", "label"], sort=False):
        boolean = in_percent(col)  # shares and approval in percent
        lines.append(label)
        for r in grp.itertuples(index=False):
            scripted, note = _text(getattr(r, "scripted", "")), _text(getattr(r, "note", ""))
            if r.kind == "arm" and scripted:
                lines.append(f"  {r.row:<28} {scripted}")
            elif r.kind == "arm":
                text = f"{_fmt(r.estimate, r.low, r.high, boolean)}  {note}"
                lines.append(f"  {r.row:<28} {text.rstrip()}")
            else:
                sign = _fmt_diff(r.estimate, r.se, r.low, r.high, boolean)
                lines.append(f"  {r.row:<28} {sign}")
        lines.append("")
    if len(lines) == 2:
        lines.append("(no measures)")
    return "\n".join(lines).rstrip()


def _text(x: Any) -> str:
    """A text cell of a stored table ("" for a missing one: NaN or None)."""
    return x if isinstance(x, str) else ""


def _fmt(x: float, lo: float, hi: float, pct: bool) -> str:
    if pct:
        return f"{x:7.1%}  [{lo:.1%}, {hi:.1%}]"
    d = _decimals(x, lo, hi)
    return f"{_num(x, d):>12}  [{_num(lo, d)}, {_num(hi, d)}]"


def _fmt_diff(x: float, se: float, lo: float, hi: float, pct: bool) -> str:
    if pct:
        return (
            f"{100 * x:+7.1f} pp  (SE {100 * se:.1f} pp)  "
            f"[{100 * lo:+.1f}, {100 * hi:+.1f}] pp  paired"
        )
    d = _decimals(x, lo, hi)
    d_se = max(d, 1 if se >= 1 else _decimals(se))
    return (
        f"{_num(x, d, True):>12}  (SE {_num(se, d_se)})"
        f"  [{_num(lo, d, True)}, {_num(hi, d, True)}]  paired"
    )
