"""Counterfactual contrasts: each arm's estimate and its paired difference from the baseline.

Split from :mod:`sim.analysis.estimands` (which holds the intervals they use) so that each
module stays small. The arms share their random numbers run by run, so a contrast is the mean
of paired differences (see :func:`sim.analysis.estimands.paired_difference`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.estimands import Z95, _decimals, _num, paired_difference, wilson
from sim.analysis.scripted import forced, measure_red_line


def _rows(outcomes: pd.DataFrame, arm: str) -> pd.DataFrame:
    return outcomes[outcomes["arm"] == arm].sort_values("run", kind="stable")


def _values(outcomes: pd.DataFrame, arm: str, column: str) -> np.ndarray:
    return _rows(outcomes, arm)[column].to_numpy(dtype=float)


def _forced_in(outcomes: pd.DataFrame, arm: str, col: str, date_of: Any) -> tuple[Any, str, str]:
    """For a red line's crossing: (forced runs or None, scripted label, note) in one arm."""
    line = measure_red_line(col)
    if line is None:
        return None, "", ""
    f = forced(_rows(outcomes, arm), line[0], date_of, by=line[1])
    if f is None:
        return None, "", ""
    if f.every:
        return f, f.label, ""
    return f, "", f"among unforced runs; {f.count:,} {f.label}"


def contrast(
    outcomes: pd.DataFrame,
    arms: Sequence[str],
    baseline: str,
    measures: Sequence[tuple[str, str]],
    date_of: Any = None,
) -> pd.DataFrame:
    """Per measure: each arm's estimate and each arm's paired difference from ``baseline``.

    A boolean measure is a proportion (Wilson interval); any other is a mean (normal
    interval). Runs are paired by their id, which the arms share.

    Args:
        outcomes: The outcomes table with an ``arm`` column.
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
    rows = []
    for col, label in measures:
        boolean = pd.api.types.is_bool_dtype(outcomes[col])
        values = {arm: _values(outcomes, arm, col) for arm in arms}
        for arm in arms:
            v = values[arm]
            f, scripted, note = _forced_in(outcomes, arm, col, date_of)
            if f is not None and not scripted:
                v = v[~f.mask]
            ok = v[~np.isnan(v)]
            n = ok.size
            if scripted:
                p = float(ok.mean()) if n else math.nan
                rows.append((col, label, arm, "arm", p, math.nan, math.nan, math.nan, n))
            elif boolean:
                p, lo, hi = wilson(ok.sum(), n)
                se = math.sqrt(p * (1 - p) / n) if n else math.nan
                rows.append((col, label, arm, "arm", p, se, lo, hi, n))
            else:
                mean = float(ok.mean()) if n else math.nan
                se = float(ok.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
                rows.append((col, label, arm, "arm", mean, se, mean - Z95 * se, mean + Z95 * se, n))
            rows[-1] += (scripted, note)
        for arm in arms:
            if arm == baseline:
                continue
            d = paired_difference(values[arm], values[baseline])
            rows.append(
                (
                    col,
                    label,
                    f"{arm} − {baseline}",
                    "paired difference",
                    d.mean,
                    d.se,
                    d.low,
                    d.high,
                    d.n,
                    "",
                    "",
                )
            )
    columns = ["measure", "label", "row", "kind", "estimate", "se", "low", "high", "n"]
    return pd.DataFrame(rows, columns=[*columns, "scripted", "note"])


def render_contrast(table: pd.DataFrame, cf_id: str, runs: int) -> str:
    """The comparison table as text for a terminal."""
    lines = [f"Counterfactual {cf_id}: {runs:,} runs per arm on common random numbers", ""]
    for (col, label), grp in table.groupby(["measure", "label"], sort=False):
        boolean = col.startswith("red_line.") or ".approval" in col  # shares in percent
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
