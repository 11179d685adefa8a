"""The event log: what happened, per run and step, in sentences a reader can follow.

During a run only integers are collected, vectorised from masks (``np.nonzero``): kind, run,
step, actor, target, subject and two values (a level, another level or index). Sentences are
built once, at table time, for each distinct event (kind, step, subject, values) — there are
far fewer of those than rows — and shared by all the runs in which it happened.

Kinds and their sentences (dates are the step's calendar date)::

    rung                   2025-03 RUS raises tech→DPRK to advanced_missile
    scripted               2024-10 event: DPRK deploy→RUS set to combat_troops (10–12k troops…)
    red_line_crossed       2025-03 RUS raises tech→DPRK to advanced_missile — ROK red line
                           rok_missile_tech crossed
    red_line_perceived     2025-04 ROK sees its red line rok_missile_tech crossed (RUS tech→DPRK
                           at advanced_missile)
    red_line_enforced      2025-05 ROK enforces red line rok_missile_tech: supply→UKR at …
    red_line_not_enforced  2025-05 ROK does not enforce red line rok_missile_tech and pays an
                           audience cost (supply→UKR below offensive_weapons)
    (a compound or flow condition is written out: "2025-03 ROK red line X crossed
    (RUS.tech_dprk ≥ advanced_missile or DPRK.arm_russia shell_152 above 300,000)")
    alliance_triggered     2024-09 alliance rus_dprk_2024 triggered: UKR deploy→RUS seen by RUS
                           at combat_troops
    obligation_honoured    2024-11 DPRK honours rus_dprk_2024: deploy→RUS at combat_troops
    obligation_broken      2025-01 RUS breaks rus_dprk_2024: tech→DPRK below conventional_arms
    front_milestone        2025-02 front ukraine: RUS has gained 1,000 km²
    deployment             2024-10 DPRK deploy→RUS at combat_troops: +0.018 forces on front
                           ukraine (RUS)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .layout import Layout

KINDS = (
    "rung",
    "scripted",
    "red_line_crossed",
    "red_line_perceived",
    "red_line_enforced",
    "red_line_not_enforced",
    "alliance_triggered",
    "obligation_honoured",
    "obligation_broken",
    "front_milestone",
    "deployment",
)
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
FIELDS = ("run", "step", "kind", "actor", "target", "subject", "v0", "v1")


class EventLog:
    """Collects events as integer/float arrays, step by step."""

    def __init__(self) -> None:
        self._chunks: list[tuple[np.ndarray, ...]] = []

    def add(self, kind: str, step: int, runs, actor, target, subject, v0, v1) -> None:
        """Append events; every argument but ``kind`` and ``step`` broadcasts to ``runs``."""
        runs = np.asarray(runs, dtype=np.int64)
        n = runs.size
        if n == 0:
            return

        def col(x, dtype):
            return np.broadcast_to(np.asarray(x, dtype=dtype), (n,)).copy()

        self._chunks.append(
            (
                runs,
                np.full(n, step, dtype=np.int64),
                np.full(n, KIND_CODE[kind], dtype=np.int64),
                col(actor, np.int64),
                col(target, np.int64),
                col(subject, np.int64),
                col(v0, float),
                col(v1, float),
            )
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """All events so far, ordered by run, then step, then order of logging."""
        if not self._chunks:
            return {f: np.zeros(0, dtype=float if f in ("v0", "v1") else np.int64) for f in FIELDS}
        cols = [np.concatenate(parts) for parts in zip(*self._chunks, strict=True)]
        order = np.argsort(cols[0], kind="stable")
        return {f: c[order] for f, c in zip(FIELDS, cols, strict=True)}


def _level_text(ly: Layout, c: int, level: float) -> str:
    spec = ly.channels[c]
    if spec.continuous:
        return f"{level:.3g}"
    k = round(level)
    return spec.rung_ids[min(max(k, 0), len(spec.rung_ids) - 1)]


def _chan(ly: Layout, c: int) -> str:
    spec = ly.channels[c]
    return f"{spec.ladder}→{ly.actors[spec.target]}"


def sentence(
    ly: Layout, kind: int, step: int, actor: int, target: int, subject: int, v0: float, v1: float
) -> str:
    """The sentence of one event (see the module docstring)."""
    date = ly.date_labels[step]
    k = KINDS[kind]
    act = ly.actors
    if k == "rung":
        spec = ly.channels[subject]
        verb = "raises" if v0 > v1 else "lowers"
        to = _level_text(ly, subject, v0)
        return f"{date} {act[spec.owner]} {verb} {_chan(ly, subject)} to {to}"
    if k == "scripted":
        ev = ly.events[subject]
        spec = ly.channels[ev.channel]
        note = f" ({ev.note})" if ev.note else ""
        return (
            f"{date} event: {act[spec.owner]} {_chan(ly, ev.channel)} set to "
            f"{_level_text(ly, ev.channel, ev.level)}{note}"
        )
    if k.startswith("red_line"):
        return _red_line_sentence(ly, k, date, subject, v0, v1)
    if k == "alliance_triggered":
        al = ly.alliances[subject]
        c = int(v1)
        return (
            f"{date} alliance {al.id} triggered: {act[actor]} {_chan(ly, c)} seen by "
            f"{act[target]} at {_level_text(ly, c, v0)}"
        )
    if k in ("obligation_honoured", "obligation_broken"):
        ob = ly.obligations[subject]
        al = ly.alliances[ob.alliance]
        who, what = act[ob.member], _chan(ly, ob.channel)
        if k == "obligation_honoured":
            return f"{date} {who} honours {al.id}: {what} at {_level_text(ly, ob.channel, v0)}"
        return f"{date} {who} breaks {al.id}: {what} below {_level_text(ly, ob.channel, ob.rung)}"
    if k == "front_milestone":
        f = ly.fronts[subject]
        side = f.side_ids[0] if v0 > 0 else f.side_ids[1]
        from .world import MILESTONE_KM2

        return f"{date} front {f.id}: {side} has gained {abs(v0) * MILESTONE_KM2:,.0f} km²"
    if k == "deployment":
        d = ly.deployments[subject]
        f = ly.fronts[d.front]
        c = d.channel
        return (
            f"{date} {act[actor]} {_chan(ly, c)} at {_level_text(ly, c, v0)}: {v1:+.3g} forces "
            f"on front {f.id} ({f.side_ids[d.side]})"
        )
    raise ValueError(k)  # pragma: no cover


def _red_line_sentence(ly: Layout, k: str, date: str, subject: int, v0: float, v1: float) -> str:
    act = ly.actors
    rl = ly.red_lines[subject]
    w = rl.watch
    who = act[ly.owner[w]]
    if k == "red_line_crossed":
        if not rl.simple:
            return f"{date} {act[rl.owner]} red line {rl.id} crossed ({rl.text})"
        verb = "raises" if v0 > v1 else "holds"
        return (
            f"{date} {who} {verb} {_chan(ly, w)} to {_level_text(ly, w, v0)} — "
            f"{act[rl.owner]} red line {rl.id} crossed"
        )
    if k == "red_line_perceived":
        if not rl.simple:
            return f"{date} {act[rl.owner]} sees its red line {rl.id} crossed ({rl.text})"
        return (
            f"{date} {act[rl.owner]} sees its red line {rl.id} crossed "
            f"({who} {_chan(ly, w)} at {_level_text(ly, w, v0)})"
        )
    if k == "red_line_enforced":
        (r, _), *more = rl.responses
        held = [f"{_chan(ly, r)} at {_level_text(ly, r, v0)}"]
        held += [f"{_chan(ly, c)} at least at {_level_text(ly, c, rung)}" for c, rung in more]
        return f"{date} {act[rl.owner]} enforces red line {rl.id}: {', '.join(held)}"
    below = ", ".join(
        f"{_chan(ly, c)} below {_level_text(ly, c, rung)}" for c, rung in rl.responses
    )
    return (
        f"{date} {act[rl.owner]} does not enforce red line {rl.id} and pays an audience cost "
        f"({below})"
    )


def subject_names(ly: Layout) -> dict[int, list[str]]:
    """Subject labels per kind code: channel, event's channel, red line, alliance, front ids."""
    chans = [c.name for c in ly.channels]
    names = {
        "rung": chans,
        "scripted": [ly.channels[e.channel].name for e in ly.events],
        "alliance_triggered": [a.id for a in ly.alliances],
        "obligation_honoured": [ly.alliances[o.alliance].id for o in ly.obligations],
        "obligation_broken": [ly.alliances[o.alliance].id for o in ly.obligations],
        "front_milestone": [f.id for f in ly.fronts],
        "deployment": [ly.channels[d.channel].name for d in ly.deployments],
    }
    for k in KINDS:
        if k.startswith("red_line"):
            names[k] = [r.id for r in ly.red_lines]
    return {KIND_CODE[k]: v for k, v in names.items()}


def events_table(ly: Layout, ev: dict[str, np.ndarray], run_offset: int) -> pd.DataFrame:
    """The events table: run, step, date, kind, actor, target, subject, text."""
    n = ev["run"].size
    # distinct events -> one sentence each
    fields = ("kind", "step", "actor", "target", "subject", "v0", "v1")
    groups = pd.DataFrame({f: ev[f] for f in fields}).groupby(list(fields), sort=False)
    inverse = groups.ngroup().to_numpy()
    first = np.unique(inverse, return_index=True)[1] if n else np.zeros(0, dtype=np.int64)
    texts = [
        sentence(ly, *(int(ev[f][i]) for f in fields[:5]), float(ev["v0"][i]), float(ev["v1"][i]))
        for i in first
    ]
    cats, text_codes = np.unique(np.array(texts, dtype=object), return_inverse=True)
    text = pd.Categorical.from_codes(
        text_codes[inverse] if n else np.zeros(0, dtype=int),
        categories=pd.Index(cats, dtype=object) if n else [],
    )
    # subject labels
    names = subject_names(ly)
    all_subjects: list[str] = sorted({s for v in names.values() for s in v})
    sidx = {s: i for i, s in enumerate(all_subjects)}
    lookup = {k: np.array([sidx[s] for s in v], dtype=np.int64) for k, v in names.items()}
    subj = np.zeros(n, dtype=np.int64)
    for k, arr in lookup.items():
        m = ev["kind"] == k
        if m.any():
            subj[m] = arr[ev["subject"][m]]
    tgt = ev["target"]
    return pd.DataFrame(
        {
            "run": ev["run"] + run_offset,
            "step": ev["step"],
            "date": ly.dates[ev["step"]],
            "kind": pd.Categorical.from_codes(ev["kind"], categories=list(KINDS)),
            "actor": pd.Categorical.from_codes(ev["actor"], categories=ly.actors),
            "target": pd.Categorical.from_codes(np.where(tgt >= 0, tgt, -1), categories=ly.actors),
            "subject": pd.Categorical.from_codes(subj, categories=all_subjects),
            "text": text,
        }
    )
