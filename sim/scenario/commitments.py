"""The commitments of the scenario language: alliances, red lines (and their conditions) and
repeated games."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    field_validator,
)

from .block import Block, ChannelRef, Id, Rung
from .distributions import Number

# --- commitments ------------------------------------------------------------------------------


class Trigger(Block):
    attack_on: Literal["member", "any"] = "member"
    by: Literal["non_member", "any"] = "non_member"
    min_e: Number = 9.5
    """Perceived hostility that fires the trigger, in [-10, 10] (range checked in references)."""


class Pressure(Block):
    """Patron pressure ``π = σ(a0 + trend·gains + gap·shortfall)`` on a client's channel."""

    on: ChannelRef
    a0: Number = 0.0
    trend: Number = 0.0
    gap: Number = 0.0
    front: Id | None = None


class SideClauses(Block):
    tech_cost_discount: Number = 0.0


class Alliance(Block):
    members: list[Id] = Field(min_length=2)
    kind: Literal["mutual_defense", "defense_pact", "entente", "supply"] = "mutual_defense"
    trigger: Trigger | None = None
    obligations: dict[Id, dict[Id, Rung]] = Field(default_factory=dict)
    lag: int = Field(default=0, ge=0)
    reliability: Number = 0.745
    mode: Literal["soft", "hard"] = "soft"
    patron: Id | None = None
    pressure: Pressure | None = None
    side_clauses: SideClauses | None = None


class ChannelAtLeast(Block):
    """A channel at or above a rung (a red line's condition, or a committed response)."""

    channel: ChannelRef
    at_least: Rung


class FlowAbove(Block):
    """A flow link's shipments in one step above a quantity (``flow: DPRK.arm_russia``)."""

    flow: ChannelRef
    stock: Id
    above: Number


class AllOf(Block):
    """A compound condition: every part holds."""

    all_: list[Condition] = Field(alias="all", min_length=1)


class AnyOf(Block):
    """A compound condition: at least one part holds."""

    any_: list[Condition] = Field(alias="any", min_length=1)


CONDITION_KINDS = ("channel", "flow", "all", "any")


def _condition_kind(value: Any) -> str | None:
    """The kind of a red line's condition, from the key that names it (``channel: X``...)."""
    if isinstance(value, dict):
        return next((k for k in CONDITION_KINDS if k in value), None)
    names = {"channel": "channel", "flow": "flow", "all": "all_", "any": "any_"}
    return next((k for k in CONDITION_KINDS if hasattr(value, names[k])), None)


Condition = Annotated[
    Annotated[ChannelAtLeast, Tag("channel")]
    | Annotated[FlowAbove, Tag("flow")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition_kind",
        custom_error_message="a condition names one of channel, flow, all or any",
    ),
]
"""What a red line watches: a channel's rung, a flow's quantity, or all/any of several."""
AllOf.model_rebuild()
AnyOf.model_rebuild()


class RedLine(Block):
    owner: Id
    watch: Condition
    declared: Literal["public", "ambiguous", "private"] = "public"
    response: ChannelAtLeast | None = None
    responses: list[ChannelAtLeast] | None = Field(default=None, min_length=1)
    credibility: Number = 0.5
    audience_cost: Number = 0.0
    window: int | None = Field(default=None, ge=1)

    @property
    def committed(self) -> list[ChannelAtLeast]:
        """The committed responses, whichever form the file used (none: an empty list).

        Giving both forms is an error (``references``); ``responses`` wins if both are set."""
        if self.responses is not None:
            return list(self.responses)
        return [] if self.response is None else [self.response]


def payoff_key(row: str, column: str) -> str:
    """The key of a game's payoff for a pair of rungs: row rung then column rung (``CD``)."""
    return row + column


class Game(Block):
    """A payoff table over a pair of channels, played every step (a repeated game).

    ``payoffs`` is keyed by :func:`payoff_key` of each pair of rungs, the one spelling.
    """

    channels: list[ChannelRef] = Field(min_length=2, max_length=2)
    payoffs: dict[str, list[float]]

    @field_validator("payoffs")
    @classmethod
    def _pairs(cls, v: dict[str, list[float]]) -> dict[str, list[float]]:
        bad = [k for k, p in v.items() if len(p) != 2]
        if bad:
            raise ValueError(f"each payoff is a pair [row, column]; not {', '.join(bad)}")
        return v
