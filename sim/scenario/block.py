"""The base of every block of the scenario language, and the names blocks are made of."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from .distributions import Number

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
ChannelRef = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$")]
"""``ACTOR.channel``."""
Rung = Annotated[str, Field(min_length=1)]
Probability = Number  # range checked in references (a distribution's support must fit too)


class Block(BaseModel):
    """Base of every block: frozen, strict, closed."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)
