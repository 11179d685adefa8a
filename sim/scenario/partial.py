"""A partly valid scenario: what to check references on when some blocks fail validation.

One run must report all the problems of a file. When pydantic rejects some blocks, the
reference checks still run on everything that validates on its own, at the finest grain that
keeps them honest:

- a named entry (an actor, a red line...) that fails is salvaged by dropping the keys that
  failed; it is left out only if that is not enough (a required key failed);
- inside an actor, a failing channel or stock is dropped alone, since others name them;
- ``broken`` lists what was left out, so that references to it are neither reported as
  unknown nor followed: ``broken["actors"] = {"RUS"}``, ``broken["channels"] = {"ROK.arm"}``,
  ``broken["partial"] = {"ROK"}`` (an actor that lost some keys), ``ANY`` for a whole block.
"""

from __future__ import annotations

import re
from typing import Any, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from .actors import Actor, Channel, Defaults, Stock
from .block import ID_PATTERN
from .schema import Scenario
from .typewalk import shape

ANY = "*"
"""In ``broken``: every name of the block (the block itself could not be read)."""

COLLECTIONS = ("ladders", "actors", "alliances", "red_lines", "games", "fronts", "counterfactuals")

_NAMED_PARTS: dict[str, type[BaseModel]] = {"channels": Channel, "stocks": Stock}
"""Fields of an actor whose entries other blocks name (``ROK.arm_ukraine``, a side's stock)."""


def _model_of(annotation: Any) -> type[BaseModel]:
    return shape(annotation).tp


def _item_model(annotation: Any) -> type[BaseModel]:
    return _model_of(get_args(annotation)[-1])


def _salvage(
    model: type[BaseModel], value: Any, owner: str, broken: dict[str, set[Any]]
) -> BaseModel | None:
    """``value`` validated, after dropping the keys that fail if need be; else ``None``."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        if not isinstance(value, dict):
            return None
        failing = {err["loc"][0] for err in exc.errors() if err["loc"]}
    kept = dict(value)
    lost: dict[str, set[Any]] = {}
    for key in failing:
        part = _NAMED_PARTS.get(key) if model is Actor else None
        if part is not None and isinstance(value.get(key), dict):
            entries = {}
            for name, sub in value[key].items():
                try:
                    if not (isinstance(name, str) and re.fullmatch(ID_PATTERN, name)):
                        raise ValueError(name)
                    part.model_validate(sub)
                    entries[name] = sub
                except (ValidationError, ValueError):
                    lost.setdefault(key, set()).add(f"{owner}.{name}")
            kept[key] = entries
        else:
            kept.pop(key, None)
    try:
        salvaged = model.model_validate(kept)
    except ValidationError:
        return None
    for kind, names in lost.items():
        broken.setdefault(kind, set()).update(names)
    broken.setdefault("partial", set()).add(owner)
    return salvaged


def validate_partially(data: Any) -> tuple[Scenario, dict[str, set[Any]]]:
    """The parts of ``data`` that validate on their own, and what was left out."""
    broken: dict[str, set[Any]] = {}
    values: dict[str, Any] = {}
    if not isinstance(data, dict):
        data = {}
    for name, info in Scenario.model_fields.items():
        raw = data.get(info.alias or name)
        if name in COLLECTIONS:
            entries = {}
            item_model = _item_model(info.annotation)
            unreadable = raw is not None and not isinstance(raw, dict)
            if unreadable or (raw is None and info.is_required()):
                broken[name] = {ANY}  # the whole block is unreadable: follow no name into it
            for key, value in (raw if isinstance(raw, dict) else {}).items():
                entry = None
                if isinstance(key, str) and re.fullmatch(ID_PATTERN, key):
                    entry = _salvage(item_model, value, key, broken)
                if entry is None:
                    broken.setdefault(name, set()).add(key)
                else:
                    entries[key] = entry
            values[name] = entries
        elif name in ("events", "history"):
            item = TypeAdapter(get_args(info.annotation)[0])  # a model, or a tagged union
            events: list[Any] = []
            for value in raw if isinstance(raw, list) else []:
                try:
                    events.append(item.validate_python(value))
                except ValidationError:
                    events.append(None)
            values[name] = events
        elif name in ("time", "defaults", "sensitivity", "run"):
            model = _model_of(info.annotation)
            try:
                values[name] = model.model_validate(raw) if raw is not None else None
            except ValidationError:
                values[name] = None
    if values.get("defaults") is None:
        values["defaults"] = Defaults()
    return Scenario.model_construct(**values), broken
