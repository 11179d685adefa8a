"""What the numbers of a summary mean: one line under each block, with its units, and the date
of every step shown.

The summary's blocks print bare numbers (``6.50``, ``1.04``, ``+1.05``) whose scale and unit
live in docs/ODD.md; a reader should not need it to read a run. Each block therefore carries a
one-line legend, and the escalation scale names its anchor rungs — the rungs of the scenario's
``response`` ladder that carry a CAMEO code (their ``e`` is minus that event's Goldstein weight),
or those of the library's standard ladder when the scenario has none.
"""

from __future__ import annotations

from typing import Any

ANCHORS = 5
"""How many anchor rungs the escalation legend names."""


def escalation_anchors(scenario: Any) -> str:
    """``2 criticize · 4.4 warn · 7.2 show_of_force · 9.2 seize_assets · 10 strike``."""
    ladder = (getattr(scenario, "ladders", None) or {}).get("response")
    if ladder is None or not ladder.rungs:
        from sim.scenario.library import find

        found = find("response")
        ladder = found.ladder if found is not None else None
    if ladder is None or not ladder.rungs:
        return ""
    rungs = [r for r in ladder.rungs if r.cameo and isinstance(r.e, int | float)]
    if len(rungs) > ANCHORS:  # evenly spread, the last (the top of the scale) always in
        picks = {round(i * (len(rungs) - 1) / (ANCHORS - 1)) for i in range(ANCHORS)}
        rungs = [r for i, r in enumerate(rungs) if i in picks]
    return " · ".join(f"{r.e:g} {r.id}" for r in rungs)


def legends(scenario: Any) -> dict[str, str]:
    """Summary kind → its legend (one line each)."""
    anchors = escalation_anchors(scenario)
    return {
        "red_line": "share of runs whose watched move happens by the horizon;"
        " median step of crossing, with its date",
        "escalation": "highest hostility e reached in a run; e = −Goldstein weight of the CAMEO"
        " event" + (f": {anchors}" if anchors else ""),
        "front": "territory: km² gained since step 0; balance: ln strength ratio, + when the"
        " first side is stronger; forces: units of sides.*.forces",
        "payoff": "the sum of the game's payoffs over the run",
        "level": "the channel's level, in the units of its continuous ladder",
        "reversals": "moves against the direction of the channel's last move, per run",
    }


def with_date(step: float, scenario: Any) -> str:
    """``14 (2025-08)``: a step with its date; a fractional step (a median between two steps)
    gives both ends, ``14.5 (2025-08/2025-09)``; the bare step when there is no calendar."""
    import math

    from sim.scenario.history import step_label

    time = getattr(scenario, "time", None)
    if time is None or not math.isfinite(step):
        return f"{step:g}"
    try:
        ends = dict.fromkeys(step_label(time, int(f(step))) for f in (math.floor, math.ceil))
    except (ValueError, OverflowError):
        return f"{step:g}"
    return f"{step:g} ({'/'.join(ends)})"
