"""The ``history:`` block: dated observations of what happened, each with its source.

A scenario's history is what the record says about its variables, written in the scenario's own
terms so that ``wargame backtest`` can score the ensemble against it. Each observation names
one subject (a channel, an alliance, a red line, a front, a stock or an actor), a time (a step
or a ``YYYY-MM`` / ``YYYY-MM-DD`` date, placed on the scenario's calendar), what was seen, and
its ``source``. ``docs/scenarios.md`` (History) teaches the keys; the kinds are:

- ``rungs``: a channel stayed within ``[at_least, at_most]`` at every step ``from`` … ``until``;
- ``reached``: a channel reached a rung (a deployment, a supply) by a step;
- ``alliance``: an alliance was triggered (or not) by a step;
- ``red_line``: a red line was crossed (or not) by a step;
- ``territory`` / ``gained``: a front's territory at a step, or its change between two steps;
- ``stock``: a stock's flow per step, averaged over a window;
- ``approval``: an actor's approval at a step (a poll).

Quantities are a number, an interval ``{low, high}`` or a distribution ``{dist: ...}``.
This module holds the models, the calendar (dates → steps) and the cross-reference checks that
:mod:`sim.scenario.references` runs on them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, Tag, field_validator

from .block import ID_PATTERN, Block
from .dates import check_calendar_date
from .distributions import Distribution, is_distribution

if TYPE_CHECKING:
    from .schema import Time

DATE_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_REF = r"^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$"
FLOWS = ("production", "inflow", "outflow", "consumption")


def _when(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


class _When(Block):
    """Parses step-or-date fields: an int step, or a ``YYYY-MM[-DD]`` date."""

    @field_validator("at", "by", "from_", "until", mode="before", check_fields=False)
    @classmethod
    def _date_objects(cls, v: Any) -> Any:
        return _when(v)

    @field_validator("at", "by", "from_", "until", check_fields=False)
    @classmethod
    def _date_text(cls, v: Any) -> Any:
        if isinstance(v, str):
            if not DATE_RE.match(v):
                raise ValueError(f"expected a step or a date as YYYY-MM or YYYY-MM-DD, got {v!r}")
            check_calendar_date(v)
        return v


When = Annotated[int, Field(ge=0)] | str
"""A step (``4``) or a date (``2024-10``, ``1973-10-14``)."""


class Interval(Block):
    """An observed quantity known to lie in ``[low, high]``."""

    low: float
    high: float


def _quantity_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "dist" if "dist" in value else "interval"
    if isinstance(value, Interval):
        return "interval"
    return "dist" if hasattr(value, "ppf") else "number"


Quantity = Annotated[
    Annotated[float, Tag("number")]
    | Annotated[Interval, Tag("interval")]
    | Annotated[Distribution, Tag("dist")],
    Discriminator(
        _quantity_kind,
        custom_error_type="quantity",
        custom_error_message="expected a number, an interval {low, high} or a distribution",
    ),
]


def point_and_width(q: Any) -> tuple[float, float]:
    """The observed value to score against and the width of its uncertainty.

    A number is itself (width 0); an interval its midpoint (width ``high − low``); a
    distribution its median (width: its central 90 % interval).
    """
    if isinstance(q, Interval):
        return (q.low + q.high) / 2, q.high - q.low
    if is_distribution(q):
        import numpy as np

        lo, mid, hi = (float(x) for x in q.ppf(np.array([0.05, 0.5, 0.95])))
        return mid, hi - lo
    return float(q), 0.0


# --- the observations -------------------------------------------------------------------------


class _Observation(_When):
    source: Annotated[str, Field(min_length=1)]
    note: str = ""


class RungsObs(_Observation):
    """A channel stayed within ``[at_least, at_most]`` at every step from ``from`` to ``until``."""

    KIND: ClassVar[str] = "rungs"
    channel: Annotated[str, Field(pattern=_REF)]
    at_least: str | float | None = None
    at_most: str | float | None = None
    from_: When = Field(alias="from")
    until: When | None = None


class ReachedObs(_Observation):
    """A channel was at ``reached`` or above at some step up to ``by``."""

    KIND: ClassVar[str] = "reached"
    channel: Annotated[str, Field(pattern=_REF)]
    reached: str | float
    by: When


class AllianceObs(_Observation):
    """An alliance was (``triggered: true``) or was not triggered by ``by``."""

    KIND: ClassVar[str] = "alliance"
    alliance: Annotated[str, Field(pattern=ID_PATTERN)]
    triggered: bool = True
    by: When


class RedLineObs(_Observation):
    """A red line was (``crossed: true``) or was not crossed by ``by``."""

    KIND: ClassVar[str] = "red_line"
    red_line: Annotated[str, Field(pattern=ID_PATTERN)]
    crossed: bool
    by: When


class TerritoryObs(_Observation):
    """A front's territory (gained by its first side since step 0) at ``at``."""

    KIND: ClassVar[str] = "territory"
    front: Annotated[str, Field(pattern=ID_PATTERN)]
    territory: Quantity
    at: When


class GainedObs(_Observation):
    """A front's territory change during the step that ends at ``in`` (a month's gains), or
    between the steps ``from`` and ``until`` (``per_step``: divided by the steps between)."""

    KIND: ClassVar[str] = "gained"
    front: Annotated[str, Field(pattern=ID_PATTERN)]
    gained: Quantity
    per_step: bool = False
    in_: When | None = Field(default=None, alias="in")
    from_: When | None = Field(default=None, alias="from")
    until: When | None = None

    @field_validator("in_", mode="before")
    @classmethod
    def _in_date(cls, v: Any) -> Any:
        return _when(v)

    @field_validator("in_")
    @classmethod
    def _in_text(cls, v: Any) -> Any:
        return cls._date_text(v)


class StockObs(_Observation):
    """A stock's flow per step (production, inflow, outflow or consumption), averaged over the
    steps after ``from`` up to ``until``."""

    KIND: ClassVar[str] = "stock"
    stock: Annotated[str, Field(pattern=_REF)]
    flow: Literal["production", "inflow", "outflow", "consumption"]
    per_step: Quantity
    from_: When = Field(alias="from")
    until: When


class ApprovalObs(_Observation):
    """An actor's approval (a poll, as a share) at ``at``."""

    KIND: ClassVar[str] = "approval"
    actor: Annotated[str, Field(pattern=ID_PATTERN)]
    approval: Quantity
    at: When


KINDS = {
    "rungs": RungsObs,
    "reached": ReachedObs,
    "alliance": AllianceObs,
    "red_line": RedLineObs,
    "territory": TerritoryObs,
    "gained": GainedObs,
    "stock": StockObs,
    "approval": ApprovalObs,
}
EVENT_KINDS = ("rungs", "reached", "alliance", "red_line")
"""Kinds scored as probabilities (Brier, log score); the others are quantities (CRPS)."""


def _observation_kind(value: Any) -> str | None:
    """The kind of an observation, from the key that names its subject."""
    if not isinstance(value, dict):
        return getattr(value, "KIND", None)
    if "channel" in value:
        return "reached" if "reached" in value else "rungs"
    if "front" in value:
        return "gained" if "gained" in value else "territory"
    if "actor" in value:
        return "approval"
    return next((k for k in ("alliance", "red_line", "stock") if k in value), None)


Observation = Annotated[
    Annotated[RungsObs, Tag("rungs")]
    | Annotated[ReachedObs, Tag("reached")]
    | Annotated[AllianceObs, Tag("alliance")]
    | Annotated[RedLineObs, Tag("red_line")]
    | Annotated[TerritoryObs, Tag("territory")]
    | Annotated[GainedObs, Tag("gained")]
    | Annotated[StockObs, Tag("stock")]
    | Annotated[ApprovalObs, Tag("approval")],
    Discriminator(
        _observation_kind,
        custom_error_type="observation_kind",
        custom_error_message=(
            "an observation names one of channel, alliance, red_line, front, stock or actor"
        ),
    ),
]


# --- the calendar -----------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")]
    return dt.date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1)


def step_of(time: Time, when: int | str) -> int:
    """The step of a step-or-date: a date falls on the last step dated on or before it.

    Steps are dated as ``sim.model.layout.step_dates`` dates them (``time.start`` plus whole
    units). A date before the start gives a negative step.
    """
    if isinstance(when, int):
        return when
    start, day = _date(time.start), _date(when)
    if time.step == "day":
        return (day - start).days
    if time.step == "week":
        return (day - start).days // 7
    months = (day.year - start.year) * 12 + day.month - start.month
    if time.step == "year":
        years = months // 12
        return years - (1 if months % 12 == 0 and day.day < start.day else 0)
    return months - (1 if day.day < start.day else 0)


def observation_steps(obs: Any, time: Time) -> dict[str, int]:
    """The steps of an observation's time fields (``from``, ``until``, ``by``, ``at``)."""
    out = {}
    for name, key in (("from_", "from"), ("until", "until"), ("by", "by"), ("at", "at")):
        value = getattr(obs, name, None)
        if value is not None:
            out[key] = step_of(time, value)
    in_ = getattr(obs, "in_", None)
    if in_ is not None:
        out["until"] = step_of(time, in_)
        out["from"] = out["until"] - 1
    if "from" in out and "until" not in out:
        out["until"] = out["from"]
    return out


def date_range(history: list[Any], time: Time) -> tuple[str, str] | None:
    """The first and last dates an observation speaks of (``YYYY-MM`` on a monthly calendar)."""
    steps = [s for obs in history for s in observation_steps(obs, time).values()]
    if not steps:
        return None
    return step_label(time, min(steps)), step_label(time, max(steps))


def step_label(time: Time, step: int) -> str:
    """The date of a step, as short as its unit allows (``2024-10`` for months)."""
    start = _date(time.start)
    if time.step in ("month", "year"):
        months = start.month - 1 + step * (12 if time.step == "year" else 1)
        y, m = start.year + months // 12, months % 12 + 1
        return f"{y:04d}-{m:02d}" if len(time.start) == 7 else f"{y:04d}-{m:02d}-{start.day:02d}"
    days = step * (7 if time.step == "week" else 1)
    return (start + dt.timedelta(days=days)).isoformat()


# --- cross-references -------------------------------------------------------------------------


def _check_times(checker: Any, time: Time, path: tuple[Any, ...], obs: Any) -> None:
    """Every time of an observation on the calendar, between the start and the horizon."""
    fields = {"from": "from_", "until": "until", "by": "by", "at": "at", "in": "in_"}
    steps = {}
    for key, attr in fields.items():
        value = getattr(obs, attr, None)
        if value is None:
            continue
        step = steps[key] = step_of(time, value)
        shown = f"date {value}" if isinstance(value, str) else f"step {value}"
        if step < 0:
            checker.add((*path, key), f"{shown} is before the start ({time.start})")
        elif key == "in" and step == 0:
            checker.add((*path, key), f"{shown} is step 0: a gain 'in' a step needs one before it")
        elif step > time.horizon:
            end = step_label(time, time.horizon)
            checker.add((*path, key), f"{shown} is after the horizon ({time.horizon} steps, {end})")
    if "from" in steps and "until" in steps:
        if steps["until"] < steps["from"]:
            checker.add((*path, "until"), f"until ({obs.until}) is before from ({obs.from_})")
        elif steps["until"] == steps["from"] and isinstance(obs, GainedObs | StockObs):
            checker.add((*path, "until"), "a change needs until after from (at least one step)")


def check_history(checker: Any) -> None:
    """Report every problem of the history block on ``checker`` (a references ``Checker``)."""
    s = checker.s
    for i, obs in enumerate(s.history or []):
        if obs is not None:
            _check_one(checker, s, i, obs)


def _check_one(checker: Any, s: Any, i: int, obs: Any) -> None:
    path = ("history", i)
    if isinstance(obs, GainedObs) and (obs.in_ is None) == (obs.from_ is None or obs.until is None):
        checker.add(path, "a gain is observed 'in' one step, or 'from' one step 'until' another")
        return
    time = s.time
    if time is not None:
        _check_times(checker, time, path, obs)
    if isinstance(obs, RungsObs | ReachedObs):
        found = checker.channel(obs.channel, (*path, "channel"))
        if found is None:
            return
        _, channel, ladder = found
        if isinstance(obs, ReachedObs):
            checker.rung(channel.ladder, ladder, obs.reached, (*path, "reached"))
            return
        if obs.at_least is None and obs.at_most is None:
            checker.add(path, "a rung observation needs at_least, at_most or both")
            return
        lo = hi = None
        if obs.at_least is not None:
            lo = checker.rung(channel.ladder, ladder, obs.at_least, (*path, "at_least"))
        if obs.at_most is not None:
            hi = checker.rung(channel.ladder, ladder, obs.at_most, (*path, "at_most"))
        if lo is not None and hi is not None and lo > hi:
            checker.add(
                (*path, "at_most"), f"at_most ({obs.at_most}) is below at_least ({obs.at_least})"
            )
    elif isinstance(obs, AllianceObs):
        if checker.known("alliances", obs.alliance, (*path, "alliance"), "alliance"):
            if s.alliances[obs.alliance].trigger is None:
                checker.add(
                    (*path, "alliance"),
                    f"alliance {obs.alliance!r} has no trigger, so it is never triggered",
                )
    elif isinstance(obs, RedLineObs):
        checker.known("red_lines", obs.red_line, (*path, "red_line"), "red line")
    elif isinstance(obs, TerritoryObs | GainedObs):
        checker.known("fronts", obs.front, (*path, "front"), "front")
        _quantity(
            checker, obs.territory if isinstance(obs, TerritoryObs) else obs.gained, path, obs
        )
    elif isinstance(obs, StockObs):
        actor, _, stock = obs.stock.partition(".")
        if checker.known("actors", actor, (*path, "stock"), "actor"):
            stocks = s.actors[actor].stocks
            if stock not in stocks:
                from .validation import did_you_mean, listing

                hint = did_you_mean(stock, stocks) or (
                    f" (its stocks: {listing(stocks)})" if stocks else " (it has no stocks)"
                )
                checker.add((*path, "stock"), f"actor {actor!r} has no stock {stock!r}{hint}")
        _quantity(checker, obs.per_step, path, obs, low=0.0)
    elif isinstance(obs, ApprovalObs):
        checker.known("actors", obs.actor, (*path, "actor"), "actor")
        _quantity(checker, obs.approval, path, obs, low=0.0, high=1.0)


def _quantity(
    checker: Any, q: Any, path: tuple[Any, ...], obs: Any, low: float = -1e300, high: float = 1e300
) -> None:
    key = next(k for k in ("territory", "gained", "per_step", "approval") if hasattr(obs, k))
    qpath = (*path, key)
    if isinstance(q, Interval):
        if q.low > q.high:
            checker.add((*qpath, "high"), f"high ({q.high:g}) is below low ({q.low:g})")
        values = (q.low, q.high)
    elif is_distribution(q):
        mid, width = point_and_width(q)  # its central 90 %: a normal's tails are no mistake
        values = (mid - width / 2, mid + width / 2)
    else:
        values = (float(q),)
    if any(v < low or v > high for v in values):
        what = "a share in [0, 1]" if high == 1.0 else "non-negative"
        found = " to ".join(f"{v:g}" for v in values)
        hint = " (a poll of 26 % is 0.26)" if high == 1.0 and max(values) > 1 else ""
        checker.add(qpath, f"must be {what}, found {found}{hint}")
