"""The actors' blocks of the scenario language: what a state holds, wants, sees and believes,
and how an actor's fields fall back to ``defaults`` (:func:`resolve_defaults`).

Actor fields left out fall back to ``defaults``, then to :data:`BUILTIN_DEFAULTS`;
:func:`resolve_defaults` fills them, so the rest of the package reads every actor field without
a lookup chain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)

from .block import Block, ChannelRef, Id, Probability, Rung
from .distributions import Number

if TYPE_CHECKING:
    from .schema import Scenario

# --- actors -----------------------------------------------------------------------------------


class Weights(Block):
    """Weights of the utility terms (model.md §5). Unset terms weigh 0, security 1."""

    security: Number = 1.0
    alliance: Number = 0.0
    war: Number = 0.0
    economy: Number = 0.0
    domestic: Number = 0.0
    reputation: Number = 0.0


class Observe(Block):
    """How an actor sees others' rungs: late, not always, sometimes wrong."""

    lag: int = Field(default=1, ge=0, le=24)
    detect: Probability = 1.0
    misread: Probability = 0.0
    attribution: Probability = 1.0


class Approval(Block):
    """Domestic approval (elite support for autocracies), model.md §7."""

    initial: Number = 0.5
    baseline: Number | None = None
    reversion: Number = 0.1
    rally: Number = 0.0
    arms_penalty: Number = 0.0
    opposed_share: Number = 0.5
    audience_cost: Number = 0.0
    noise: Number = 0.0


class Economy(Block):
    """An actor's economy index (1 = baseline): how fast it recovers from sanctions."""

    recovery: Number = 0.3
    """Share of the gap to baseline closed per year."""


class Stock(Block):
    """A munitions category: what an actor holds, makes and must keep."""

    initial: Number = Field(default=0.0)
    production: Number = 0.0
    requirement: Number = 0.0
    consumption: Number = 0.0
    ramp: Number = 0.0
    """Added production per step (a production ramp)."""


class Cuts(Block):
    """Which shipments a channel's interdicting rungs stop: named flows and/or recipients."""

    flows: list[ChannelRef] = Field(default_factory=list)
    """Supply channels (``ACTOR.channel``) whose shipments are cut."""
    to: list[Id] = Field(default_factory=list)
    """Recipients: every shipment to them is cut."""


class Channel(Block):
    """One ladder an actor climbs toward one target."""

    ladder: Id
    target: Id
    initial: Rung | float | None = None
    max_step: int | None = Field(default=None, ge=1)
    flows: dict[Id, list[Number]] = Field(default_factory=dict)
    indirect: bool = False
    script: list[Rung | float] | None = None
    cuts: Cuts | None = None
    """What the rungs with ``interdicts`` stop (default: every shipment to the target)."""

    @field_validator("initial", mode="before")
    @classmethod
    def _int_initial(cls, v: Any) -> Any:
        return float(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @field_validator("script", mode="before")
    @classmethod
    def _int_script(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [float(x) if isinstance(x, int) and not isinstance(x, bool) else x for x in v]
        return v


class BeliefAbout(Block):
    expansionist: Number


class Beliefs(Block):
    """Priors: ``expansionist`` about everyone, or per actor id (``RUS: {expansionist: ...}``)."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)
    __pydantic_extra__: dict[Id, BeliefAbout] = Field(init=False)  # type: ignore[assignment]

    expansionist: Number = 0.5
    conservatism: Number = 1.0

    @property
    def about(self) -> dict[str, BeliefAbout]:
        """Per-actor priors, keyed by actor id."""
        return dict(self.model_extra or {})


class RichardsonParams(Block):
    """``dx/dt = k·y − a·x + g`` (Richardson 1960)."""

    k: Number
    a: Number
    g: Number = 0.0
    integrator: Literal["euler", "exact"] = "euler"


class ActorFields(Block):
    """Fields an actor may inherit from ``defaults``."""

    policy: Id | None = None
    """A registered policy (checked in :mod:`sim.scenario.policy_specs`); ``utility`` if none."""
    precision: Number | None = None
    risk_tolerance: Number | None = None
    switch_cost: Number | None = None
    weights: Weights | None = None
    approval: Approval | None = None
    observe: Observe | None = None
    beliefs: Beliefs | None = None
    economy: Economy | None = None


class Defaults(ActorFields):
    """Values every actor inherits unless it sets its own."""


class Actor(ActorFields):
    name: str | None = None
    stocks: dict[Id, Stock] = Field(default_factory=dict)
    channels: dict[Id, Channel] = Field(default_factory=dict)
    richardson: RichardsonParams | None = None
    rung: Rung | None = None
    """The rung an ``always`` policy plays."""


# Built-in values an actor falls back to when neither it nor ``defaults`` sets a field.
BUILTIN_DEFAULTS = Defaults(
    policy="utility",
    precision=2.0,
    risk_tolerance=0.5,
    switch_cost=0.0,
    weights=Weights(),
    approval=Approval(),
    observe=Observe(),
    beliefs=Beliefs(),
    economy=Economy(),
)


def _merge(own: BaseModel | None, inherited: BaseModel | None) -> BaseModel | None:
    """Field-by-field merge of two blocks of the same class: what ``own`` sets wins."""
    if own is None:
        return inherited
    if inherited is None:
        return own
    update = {k: getattr(inherited, k) for k in inherited.model_fields_set - own.model_fields_set}
    merged = own.model_copy(update=update)
    if inherited.model_extra and merged.__pydantic_extra__ is not None:
        merged.__pydantic_extra__.update(
            {k: v for k, v in inherited.model_extra.items() if k not in merged.__pydantic_extra__}
        )
    return merged


MERGED_BLOCKS = ("weights", "approval", "observe", "beliefs", "economy")


def resolve_defaults(scenario: Scenario) -> Scenario:
    """Every actor with every inheritable field filled: its own, else defaults, else built-in.

    Blocks (weights, approval, observe, beliefs) merge key by key, so an actor that sets one
    weight keeps the others from ``defaults``.
    """
    actors = {}
    for aid, actor in scenario.actors.items():
        update = {}
        for name in ActorFields.model_fields:
            own, inherited = getattr(actor, name), getattr(scenario.defaults, name)
            value = _merge(own, inherited) if name in MERGED_BLOCKS else own
            if value is None:
                value = inherited
            update[name] = value if value is not None else getattr(BUILTIN_DEFAULTS, name)
        actors[aid] = actor.model_copy(update=update)
    return scenario.model_copy(update={"actors": actors})
