"""``--until`` and ``--from``: a step or a date on the scenario's calendar, read and checked once.

``backtest`` and ``calibrate`` take ``--until`` and ``run`` takes ``--from``; each is a step
number or a ``YYYY-MM[-DD]`` date, placed on the scenario's calendar and refused (one line, exit
2) when it is not a date or lies outside the horizon.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer


def when_option(flag: str, help: str) -> Any:
    """The ``Annotated`` type of a ``STEP|DATE`` option named ``flag``."""
    return Annotated[str | None, typer.Option(flag, metavar="STEP|DATE", help=help)]


def parse_when(text: str | None) -> int | str | None:
    """A step number, or the date as written (``None`` stays ``None``)."""
    if text is None:
        return None
    return int(text) if text.strip().isdigit() else text.strip()


def check_when(scenario: Any, when: int | str | None, flag: str = "--until") -> list[str]:
    """Problems of ``when`` on the scenario's calendar (empty when it is fine)."""
    if when is None:
        return []
    from sim.scenario.history import DATE_RE, step_label, step_of

    if isinstance(when, str) and not DATE_RE.match(when):
        return [f"{flag}: expected a step or a date as YYYY-MM or YYYY-MM-DD, got {when!r}"]
    try:
        step = step_of(scenario.time, when)
    except ValueError as exc:
        return [f"{flag}: {when!r} is not a calendar date ({exc})"]
    t = scenario.time
    if step < 0:
        return [f"{flag}: {when} is before the start ({t.start})"]
    if step > t.horizon:
        end = step_label(t, t.horizon)
        return [f"{flag}: {when} is after the horizon ({t.horizon} steps, {end})"]
    return []


__all__ = ["check_when", "parse_when", "when_option"]
