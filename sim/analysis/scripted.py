"""Outcomes the scenario set, told apart from outcomes the model estimates.

The recorder flags each red line's crossing that a scheduled event (``red_line.<id>.scripted``,
at ``red_line.<id>.scripted_step``) or a counterfactual arm's lower bound
(``red_line.<id>.set_by_arm``) imposed. Such a crossing is the scenario's premise, not a
risk: quoting "100 % [98 %, 100 %]" for it would read as a finding. This module is the one
place that turns those flags into the words the summary, the report and the contrast tables
print.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.outcomes import column, parse, stat


@dataclass(frozen=True)
class Forced:
    """Runs of one red line whose crossing was set from outside the model.

    Attributes:
        mask: (n,) which runs were forced.
        label: "scripted (event at 2024-11)" or "set by the arm" (or both, joined).
    """

    mask: np.ndarray
    label: str

    @property
    def count(self) -> int:
        return int(self.mask.sum())

    @property
    def every(self) -> bool:
        return self.mask.size > 0 and bool(self.mask.all())


def forced(
    df: pd.DataFrame,
    rid: str,
    date_of: Callable[[int], str] | None = None,
    by: float = np.inf,
) -> Forced | None:
    """The forced runs of red line ``rid`` in ``df`` (an outcomes table), or ``None``.

    ``None`` when no run was forced or the table predates the flags. ``date_of`` names a step
    ("2024-11"); without it the step number is given. ``by``: for "crossed by step N", only
    crossings forced by then count.
    """
    ev_col, arm_col = column("red_line", rid, "scripted"), column("red_line", rid, "set_by_arm")
    n = len(df)
    by_event = _flag(df, ev_col, n)
    by_arm = _flag(df, arm_col, n)
    if np.isfinite(by):
        by_event &= _steps(df, column("red_line", rid, "scripted_step")) <= by
        by_arm &= _steps(df, column("red_line", rid, "step")) <= by
    mask = by_event | by_arm
    if not mask.any():
        return None
    first = math.nan
    if by_event.any():
        first = np.nanmin(
            df[column("red_line", rid, "scripted_step")].to_numpy(dtype=float)[by_event]
        )
    return Forced(mask, forced_label(bool(by_event.any()), first, bool(by_arm.any()), date_of))


def forced_label(
    by_event: bool, first_step: float, by_arm: bool, date_of: Callable[[int], str] | None
) -> str:
    """The words for forced crossings: "scripted (event at 2024-11)", "set by the arm", both.

    ``first_step``: the earliest step an event set the crossing at.
    """
    words = []
    if by_event:
        step = int(first_step)
        when = date_of(step) if date_of is not None else f"step {step}"
        words.append(f"scripted (event at {when})")
    if by_arm:
        words.append("set by the arm")
    return " / ".join(words)


def observed_red_lines(manifest: Any, scenario: Any) -> dict[str, str]:
    """Red lines whose crossing an ensemble was conditioned on (``run --from``): id → label.

    A conditioned ensemble keeps only futures that did what the record says; a red line the
    record saw crossed is then crossed in every kept run by construction — a fact, labelled
    like a scripted crossing, never a risk.
    """
    cond = (manifest or {}).get("conditioned") or {}
    if scenario is None or not cond:
        return {}
    from sim.scenario.history import observation_steps, step_label

    out = {}
    for i in cond.get("observations", []):
        obs = scenario.history[i]
        if obs.KIND == "red_line" and obs.crossed:
            by = observation_steps(obs, scenario.time)["by"]
            out[obs.red_line] = f"observed (crossed by {step_label(scenario.time, by)})"
    return out


def measure_red_line(col: str) -> tuple[str, float] | None:
    """``(red line id, by step)`` of a crossing measure (``red_line.X.crossed``,
    ``red_line.X.crossed_by.24``), or ``None`` for any other outcomes column."""
    name = parse(col)
    if name is None or name.stat is None:
        return None
    if name.stat == stat("red_line", "crossed"):
        return name.subject, np.inf
    if name.stat == stat("red_line", "crossed_by") and name.step is not None:
        return name.subject, float(name.step)
    return None


def _steps(df: pd.DataFrame, col: str) -> np.ndarray:
    return df[col].to_numpy(dtype=float) if col in df else np.full(len(df), np.nan)


def _flag(df: pd.DataFrame, col: str, n: int) -> np.ndarray:
    if col not in df:
        return np.zeros(n, dtype=bool)
    return df[col].fillna(False).to_numpy(dtype=bool, copy=True)


def month_namer(source: Any) -> Callable[[int], str]:
    """``date_of(step)`` → "2024-11" from a results source (anything with ``dates``)."""

    def date_of(step: int) -> str:
        try:
            return f"{pd.Timestamp(source.dates(np.array([step]))[0]):%Y-%m}"
        except Exception:  # a label is not worth failing a summary for
            return f"step {step}"

    return date_of
