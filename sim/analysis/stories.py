"""Single runs worth telling: the typical one and the most escalatory one, from the event log.

An ensemble's bands say what is likely; a reader believes them once one run is told as a
story. Two runs are picked per arm:

- the **representative** run: the one whose escalation paths lie closest to the ensemble's
  median paths (least squared distance over every dyad and step);
- the **most escalatory** run: the one with the largest total escalation (the sum over dyads
  and steps of the dyad index — how high and how long), ties to the lowest run id.

Without a dyads table (``record="outcomes"``) the same choices are made on the outcomes'
``escalation.<dyad>.max`` columns.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.paths import red_line_dyads
from sim.analysis.series import arms, dyad_cube, dyad_paths_of, equals
from sim.analysis.source import as_source
from sim.outcomes import column, parse, stat
from sim.scenario import conditions

MAX_EVENTS = 40
"""Events told per story; the rest are counted, not listed."""

SCHEDULED = " (scheduled event)"
"""Said after what a scheduled event did: history the scenario imposes is not a model result."""

_ESC_MAX = re.compile(r"^escalation\.(?P<dyad>[^.]+)\.max$")


@dataclass
class Story:
    """One run told from its event log.

    Attributes:
        kind: ``representative`` or ``most escalatory``.
        run: The run id.
        arm: The arm, or ``""`` without arms.
        why: How the run was chosen, in words.
        events: ``(date label, text)`` in order, at most :data:`MAX_EVENTS`.
        more: How many further telling events were left out (beyond :data:`MAX_EVENTS`).
        routine: How many routine rung changes (of channels no red line is about) were
            left out.
        outcome: The run's key outcomes (red lines crossed, peak escalation, territory).
    """

    kind: str
    run: int
    arm: str
    why: str
    events: list[tuple[str, str]] = field(default_factory=list)
    more: int = 0
    routine: int = 0
    outcome: list[str] = field(default_factory=list)


def _arm(arm: str) -> str:
    return equals("arm", arm) if arm else "TRUE"


def _from_dyads(src, arm: str) -> tuple[int, int] | None:
    """The representative and most escalatory runs of an arm, from the dyads table.

    Distances and totals are summed dyad by dyad over the dyad cube the figures share
    (:func:`sim.analysis.series.dyad_cube`), never as one runs × (dyads·steps) matrix.
    """
    if not src.has("dyads"):
        return None
    _, runs, keys, cube = dyad_cube(src)
    mine = [dyad_paths_of(cube, i) for (a, _), i in sorted(keys.items()) if a == (arm or "")]
    mine = [c for c in mine if not np.isnan(c).all()]
    if not mine:
        return None
    present = np.zeros(runs.size, dtype=bool)
    distance = np.zeros(runs.size)
    total = np.zeros(runs.size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN steps have no median
        for c in mine:  # steps × runs
            present |= ~np.isnan(c).all(axis=0)
            median = np.nanmedian(c, axis=1)
            distance += np.nansum((c - median[:, None]) ** 2, axis=0)
            total += np.nan_to_num(c, nan=0.0).sum(axis=0)
    keep = np.flatnonzero(present)
    rep = keep[np.argmin(distance[keep])]  # argmin/argmax take the first: the lowest run id
    top = keep[np.argmax(total[keep])]
    return int(runs[rep]), int(runs[top])


def _from_outcomes(src, arm: str) -> tuple[int, int] | None:
    """The same choice on the outcomes' peak escalation of every dyad (one row per run)."""
    if not src.has("outcomes"):
        return None
    cols = [c for c in src.columns("outcomes") if _ESC_MAX.match(str(c))]
    if not cols:
        return None
    quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
    out = src.query.frame(f"SELECT run, {quoted} FROM outcomes WHERE {_arm(arm)} ORDER BY run")
    runs, m = out["run"].to_numpy(), out[cols].to_numpy(dtype=float, na_value=np.nan)
    keep = ~np.isnan(m).all(axis=1)
    runs, m = runs[keep], m[keep]
    if not runs.size:
        return None
    median = np.nanmedian(m, axis=0)
    rep = int(np.argmin(np.nansum((m - median) ** 2, axis=1)))  # first: the lowest run id
    top = int(np.argmax(np.nan_to_num(m, nan=0.0).sum(axis=1)))
    return int(runs[rep]), int(runs[top])


def pick_runs(results: Any, arm: str = "") -> dict[str, tuple[int, str]]:
    """The representative and most escalatory runs of an arm (``""`` without arms).

    Returns:
        ``{"representative": (run, why), "most escalatory": (run, why)}``, empty when the
        results hold no escalation at all.
    """
    src = as_source(results)
    found = _from_dyads(src, arm)
    basis = "escalation paths of every dyad"
    if found is None:
        found = _from_outcomes(src, arm)
        basis = "peak escalation of every dyad"
    if found is None:
        return {}
    rep, top = found
    return {
        "representative": (rep, f"closest to the median {basis}"),
        "most escalatory": (top, f"largest total of the {basis}"),
    }


def _date_label(date: Any, step: Any, unit: str) -> str:
    if date is None or pd.isna(date):
        return f"step {step}"
    ts = pd.Timestamp(date)
    return f"{ts:%Y-%m}" if unit in ("month", "year") else f"{ts:%Y-%m-%d}"


def _outcome_row(src, run: int, arm: str) -> pd.Series | None:
    """The run's row of the outcomes table, or ``None`` (only that row is read)."""
    if not src.has("outcomes"):
        return None
    rows = src.query.rows("outcomes", f"run = {int(run)} AND {_arm(arm)}")
    if rows.empty:
        return None
    return rows.iloc[0]


def _scheduled(ev: pd.DataFrame, row: pd.Series | None) -> np.ndarray:
    """Which of one run's events a scheduled event caused, so the story says so.

    The event itself (kind ``scripted``), the rung change it made (same step, actor, target and
    channel) and a red-line crossing the recorder flagged as scripted at that step.
    """
    if "kind" not in ev or ev.empty:
        return np.zeros(len(ev), dtype=bool)
    kind = ev["kind"].astype(str).to_numpy()
    key = list(zip(ev["step"], ev["actor"], ev["target"], ev["subject"], strict=True))
    events = {k for k, kd in zip(key, kind, strict=True) if kd == "scripted"}
    out = kind == "scripted"
    out |= (kind == "rung") & np.array([k in events for k in key], dtype=bool)
    if row is not None:
        for i in np.nonzero(kind == "red_line_crossed")[0]:
            rid, step = ev["subject"].iloc[i], ev["step"].iloc[i]
            at = row.get(column("red_line", rid, "scripted_step"))
            out[i] = _flag(row.get(column("red_line", rid, "scripted"))) and at == step
    return out


def _outcome_lines(src, run: int, arm: str) -> list[str]:
    row = _outcome_row(src, run, arm)
    if row is None:
        return []
    out = row.index
    dyads = red_line_dyads(src.scenario)  # the dyads worth a line; all without red lines
    lines = []
    for col in out:
        name = str(col)
        kind = parse(name)
        if kind is not None and kind.stat == stat("red_line", "crossed"):
            rid = kind.subject
            if bool(row[col]):
                step = row.get(column("red_line", rid, "step"), np.nan)
                when = ""
                if not pd.isna(step):
                    date = src.dates(np.array([int(step)]))[0]
                    when = f" at {_date_label(date, int(step), src.step_unit)}"
                forced = column("red_line", rid, "scripted"), column("red_line", rid, "set_by_arm")
                if _flag(row.get(forced[0])):
                    when += SCHEDULED
                elif _flag(row.get(forced[1])):
                    when += " (set by the arm)"
                lines.append(f"red line {rid} crossed{when}")
            else:
                lines.append(f"red line {rid} not crossed")
        elif (m := _ESC_MAX.match(name)) is not None and (not dyads or m["dyad"] in dyads):
            lines.append(f"peak escalation {m['dyad']}: {float(row[col]):.1f}")
        elif kind is not None and kind.stat == stat("front", "territory"):
            fid = kind.subject
            lines.append(f"front {fid}: {float(row[col]):+,.0f} km² at the horizon")
    return lines


def _flag(v: Any) -> bool:
    """A boolean outcome cell; missing (an older table, NaN) is false."""
    return v is not None and not pd.isna(v) and bool(v)


def key_channels(scenario: Any) -> set[str]:
    """Channels (``ACTOR.channel``) the scenario's red lines watch or answer with."""
    out: set[str] = set()
    for rl in getattr(scenario, "red_lines", {}).values():
        out.update(conditions.leaf_channel(leaf) for _, leaf in conditions.leaves(rl.watch, ()))
        out.update(r.channel for r in rl.committed)
    return out


def _told(ev: pd.DataFrame, scenario: Any) -> np.ndarray:
    """Which events a story tells: every event that is not a routine rung change, and the rung
    changes of the channels the red lines are about (every event when there are no red lines
    to focus on, or no scenario to name them)."""
    keys = key_channels(scenario) if scenario is not None else set()
    if "kind" not in ev or not keys:
        return np.ones(len(ev), dtype=bool)
    rung = ev["kind"].astype(str).to_numpy() == "rung"
    refs = [f"{a}.{c}" for a, c in zip(ev["actor"], ev["subject"], strict=True)]
    return ~rung | np.isin(np.array(refs, dtype=object), list(keys))


def tell(results: Any, run: int, arm: str = "", *, kind: str = "", why: str = "") -> Story:
    """The story of one run: its telling events in order and its key outcomes.

    A run logs every rung change of every channel (hundreds); the story keeps the events
    that carry it — red lines, alliances, scripted events, front milestones, and the rung
    changes of the channels the red lines watch or answer with — up to :data:`MAX_EVENTS`.
    """
    src = as_source(results)
    story = Story(kind=kind, run=run, arm=arm, why=why)
    if src.has("events"):
        mine = _arm(arm) if "arm" in src.columns("events") else "TRUE"
        events = src.query.rows("events", f"run = {int(run)} AND {mine}")  # that run's rows only
        ev = events.sort_values("step", kind="stable")
        total = len(ev)
        ev = ev[_told(ev, src.scenario)]
        scheduled = _scheduled(ev, _outcome_row(src, run, arm))
        for date, step, text, sched in zip(
            *(ev[c].head(MAX_EVENTS) for c in ("date", "step", "text")),
            scheduled[:MAX_EVENTS],
            strict=True,
        ):
            label = _date_label(date, step, src.step_unit)
            # the model's texts may start with their own date: say it once
            text = str(text).removeprefix(label).lstrip(" :—-")
            story.events.append((label, text + SCHEDULED if sched else text))
        story.more = max(0, len(ev) - MAX_EVENTS)
        story.routine = total - len(ev)
    story.outcome = _outcome_lines(src, run, arm)
    return story


def stories(results: Any) -> list[Story]:
    """The representative and most escalatory run of every arm, told."""
    src = as_source(results)
    table = "dyads" if src.has("dyads") else "outcomes" if src.has("outcomes") else None
    out = []
    for arm in (arms(src, table) if table is not None else []) or [""]:
        for kind, (run, why) in pick_runs(src, arm).items():
            out.append(tell(src, run, arm, kind=kind, why=why))
    return out
