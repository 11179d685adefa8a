"""The scenario language as frozen pydantic models.

One class per block of the language (``docs/scenarios.md`` explains each key once). Models are
strict (``"24"`` is not a horizon) and closed (an unknown key is an error); cross-references
between blocks (an actor named in a red line, a rung named in a channel) are checked after
parsing by :mod:`sim.scenario.references`, where every block is known.

The blocks are grouped by topic: :mod:`.block` (the base), :mod:`.actors` (actors, defaults and
their resolution), :mod:`.commitments` (alliances, red lines, games) and here the rest (time,
ladders, the world, experiments) and the :class:`Scenario` that holds them all.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from sim.outcomes import TARGET_PATTERN, column

from .actors import Actor, Channel, Defaults
from .block import Block, ChannelRef, Id, Rung
from .calibration import Calibration, Posterior
from .commitments import Alliance, Game, RedLine
from .dates import check_calendar_date
from .distributions import Number
from .history import Observation

# --- time -------------------------------------------------------------------------------------

_START = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


class Time(Block):
    start: str = "2024-01"
    step: Literal["day", "week", "month", "year"] = "month"
    horizon: int = Field(ge=1, le=100_000)
    dt: float | None = Field(default=None, gt=0, le=1)
    substeps: int | None = Field(default=None, ge=1, le=10_000)

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    @field_validator("start")
    @classmethod
    def _start_format(cls, v: str) -> str:
        if not _START.match(v):
            raise ValueError(f"expected a date as YYYY-MM or YYYY-MM-DD, got {v!r}")
        check_calendar_date(v)
        return v

    @model_validator(mode="after")
    def _span(self) -> Time:
        from .dates import check_span  # every step must be a date the tables can hold

        why = check_span(self.start, self.step, self.horizon)
        if why:
            raise ValueError(why)
        return self


# --- ladders ----------------------------------------------------------------------------------


class EconomicCost(Block):
    """What holding a rung costs economies, as economy index lost per year (1 = baseline)."""

    target: Number = 0.0
    """Lost by the channel's target (sanctions: Hufbauer et al. 2007)."""
    sender: Number = 0.0
    """Lost by the channel's owner (lost trade; Crozet & Hinz 2020)."""


class RungSpec(Block):
    id: Rung
    e: Number
    """Hostility on the escalation scale, in [-10, 10] (range checked in references)."""
    cameo: str | None = None
    kahn: int | None = Field(default=None, ge=1, le=44)
    label: str | None = None
    interdicts: Number | None = None
    """Share of the shipments a channel at this rung cuts that is stopped (blockade)."""
    economic_cost: EconomicCost | None = None


class ContinuousRange(Block):
    low: float = 0.0
    high: float

    @model_validator(mode="after")
    def _check(self) -> ContinuousRange:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self


class Ladder(Block):
    """Ordered rungs, each with a hostility score ``e``; or a continuous range."""

    rungs: list[RungSpec] | None = Field(default=None, min_length=2)
    continuous: ContinuousRange | None = None
    description: str | None = None
    felt_by: Literal["target", "adversaries"] = "target"
    """Who feels a rung's hostility ``e``: the channel's target (a response), or the target's
    adversaries (supply, tech, deploy: help to a partner is felt by the partner's enemies)."""
    spillover: float | None = Field(default=None, ge=0.0, le=1.0)
    """Share of ``e`` that the partner's adversaries feel from help given to the partner
    (``felt_by: adversaries``; default ``sim.model.layout.SPILLOVER`` = 0.5). Help is felt
    in full only as direct combat: a contingent fighting on a front against the feeler."""
    reaction: Literal["retaliate", "balance", "none"] | None = None
    """What a utility actor's rung on this ladder answers (Richardson's reaction function):
    ``retaliate`` the hostility it perceives from the channel's target (default for
    ``felt_by: target``), ``balance`` the hostility it perceives from the recipient's
    adversaries and the help others give them (default for ``felt_by: adversaries``), or
    ``none``."""

    @model_validator(mode="before")
    @classmethod
    def _list_form(cls, v: Any) -> Any:
        return {"rungs": v} if isinstance(v, list) else v

    @model_validator(mode="after")
    def _one_form(self) -> Ladder:
        if (self.rungs is None) == (self.continuous is None):
            raise ValueError("a ladder has either 'rungs' or 'continuous', not both or neither")
        if self.rungs is not None:
            ids = [r.id for r in self.rungs]
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                raise ValueError(f"duplicate rung ids: {', '.join(dup)}")
        return self

    @property
    def is_continuous(self) -> bool:
        return self.continuous is not None

    @property
    def rung_ids(self) -> list[str]:
        return [r.id for r in self.rungs or []]

    def index(self, rung: str) -> int:
        return self.rung_ids.index(rung)


# --- the world --------------------------------------------------------------------------------


class Fire(Block):
    """One stock category a front side fires, with its own need (several stocks per side)."""

    need: Number
    """Rounds per day of this category for full effect (0: no constraint)."""
    share: Number = 1.0
    """Weight of this category in the side's effectiveness (shares are normalised to sum 1)."""
    suppliers: list[Id] = Field(default_factory=list)
    dud_rate: dict[Id, Number] = Field(default_factory=dict)
    """Supplier → share of its rounds of this category that fail (else the front's rate)."""


class Side(Block):
    forces: Number
    lethality: Number
    reinforcement: Number = 0.0
    fire_need: Number = 0.0
    stock: Id | None = None
    suppliers: list[Id] = Field(default_factory=list)
    deployments: dict[ChannelRef, list[Number]] = Field(default_factory=dict)
    """Channels whose rung adds forces to this side: ``ACTOR.channel`` → forces per rung of
    its (discrete) ladder. The contingent at the current rung fights as part of the side."""
    fires: dict[Id, Fire] = Field(default_factory=dict)
    """Several stocks fired at once (stock → need, share, suppliers, dud rates), instead of
    ``stock`` and ``fire_need``."""


class Territory(Block):
    per_unit: Number = 0.0
    threshold: Number = 0.0
    initial: Number = 0.0


class Front(Block):
    sides: dict[Id, Side]
    fire_elasticity: Number = 0.5
    dud_rate: dict[Id, Number] = Field(default_factory=dict)
    territory: Territory = Field(default_factory=Territory)
    substeps: int | None = Field(default=None, ge=1, le=10_000)

    @field_validator("sides")
    @classmethod
    def _two(cls, v: dict[str, Side]) -> dict[str, Side]:
        if len(v) != 2:
            raise ValueError(f"a front has exactly two sides, not {len(v)}")
        return v


class Event(Block):
    at: int = Field(ge=0)
    set: ChannelRef
    to: Rung | float
    until: int | None = Field(default=None, ge=0)
    note: str = ""

    @field_validator("to", mode="before")
    @classmethod
    def _int_to(cls, v: Any) -> Any:
        return float(v) if isinstance(v, int) and not isinstance(v, bool) else v


# --- experiments ------------------------------------------------------------------------------


class Bound(Block):
    """A do-intervention on a channel: rungs clamped to ``[at_least, at_most]`` in a window."""

    at_least: Rung | None = None
    at_most: Rung | None = None
    from_: int = Field(default=0, ge=0, alias="from")
    until: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _some(self) -> Bound:
        if self.at_least is None and self.at_most is None:
            raise ValueError("a bound needs at_least, at_most or both")
        return self


class MeasureRedLine(Block):
    red_line: Id
    crossed_by: int | None = Field(default=None, ge=0)

    @property
    def label(self) -> str:
        """Column name in the outcomes table (``None`` times mean the horizon)."""
        return column("red_line", self.red_line, "crossed_by", self.crossed_by)


class MeasureFront(Block):
    front: Id
    territory_at: int | None = Field(default=None, ge=0)

    @property
    def label(self) -> str:
        return column("front", self.front, "territory_at", self.territory_at)


class MeasureDyad(Block):
    dyad: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*-[A-Za-z][A-Za-z0-9_]*$")]
    max_escalation_by: int | None = Field(default=None, ge=0)

    @property
    def label(self) -> str:
        key = dyad_key(*self.dyad.split("-"))
        return column("dyad", key, "max_escalation_by", self.max_escalation_by)


class MeasureActor(Block):
    actor: Id
    approval_at: int | None = Field(default=None, ge=0)

    @property
    def label(self) -> str:
        return column("actor", self.actor, "approval_at", self.approval_at)


def dyad_key(a: str, b: str) -> str:
    """The canonical name of an unordered dyad: the two ids sorted, joined by '-'."""
    return "-".join(sorted((a, b)))


MEASURE_KINDS = ("red_line", "front", "dyad", "actor")


def _measure_kind(value: Any) -> str | None:
    """The kind of a measure, from the key that names its subject (``red_line: X``...)."""
    if isinstance(value, dict):
        return next((k for k in MEASURE_KINDS if k in value), None)
    return next((k for k in MEASURE_KINDS if hasattr(value, k)), None)


Measure = Annotated[
    Annotated[MeasureRedLine, Tag("red_line")]
    | Annotated[MeasureFront, Tag("front")]
    | Annotated[MeasureDyad, Tag("dyad")]
    | Annotated[MeasureActor, Tag("actor")],
    Discriminator(
        _measure_kind,
        custom_error_type="measure_kind",
        custom_error_message="a measure names one of red_line, front, dyad or actor",
    ),
]
"""What a counterfactual measures; the key naming its subject picks the kind."""


class Counterfactual(Block):
    description: str = ""
    arms: dict[Id, dict[ChannelRef, Bound]] = Field(min_length=1)
    measure: list[Measure] = Field(default_factory=list)


class Sensitivity(Block):
    method: Literal["morris", "sobol"] = "sobol"
    targets: list[Annotated[str, Field(pattern=TARGET_PATTERN)]] = Field(min_length=1)
    params: list[str] | None = None
    samples: int | None = Field(default=None, ge=2)


class Run(Block):
    runs: int = Field(default=1000, ge=1)
    seed: int = Field(default=0, ge=0)
    chunk_size: int = Field(default=1000, ge=1)


# --- the scenario -----------------------------------------------------------------------------


class Scenario(Block):
    """A whole scenario, includes merged and overrides applied."""

    wargame: Literal[1]
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    title: str
    description: str = ""
    time: Time
    include: list[str] = Field(default_factory=list)
    ladders: dict[Id, Ladder] = Field(default_factory=dict)
    defaults: Defaults = Field(default_factory=Defaults)
    actors: dict[Id, Actor] = Field(min_length=1)
    alliances: dict[Id, Alliance] = Field(default_factory=dict)
    red_lines: dict[Id, RedLine] = Field(default_factory=dict)
    games: dict[Id, Game] = Field(default_factory=dict)
    fronts: dict[Id, Front] = Field(default_factory=dict)
    events: list[Event] = Field(default_factory=list)
    counterfactuals: dict[Id, Counterfactual] = Field(default_factory=dict)
    sensitivity: Sensitivity | None = None
    history: list[Observation] = Field(default_factory=list)
    calibration: Calibration | None = None
    posterior: Posterior | None = None
    run: Run = Field(default_factory=Run)

    def channel(self, ref: str) -> Channel:
        """The channel named ``ACTOR.channel``."""
        actor, name = ref.split(".", 1)
        return self.actors[actor].channels[name]

    def ladder_of(self, ref: str) -> Ladder:
        return self.ladders[self.channel(ref).ladder]
