"""Walking the language's types along a path.

Three things follow a path through the schema rather than through data: mapping a pydantic
error's ``loc`` back onto the document, resolving a ``--set`` path, and offering a did-you-mean
for an unknown key (the keys allowed at that place). The helpers here turn a field annotation
into one of four shapes (a model, a mapping, a list, or a leaf) and name the tags of the tagged
unions (a number or a distribution; a measure's kind) that pydantic puts in its ``loc``.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Discriminator, Tag
from pydantic.fields import FieldInfo


@dataclass(frozen=True)
class Shape:
    """A type reduced to what a path can do with it.

    ``kind`` is ``model``, ``dict``, ``list``, ``tagged`` (a union whose members are chosen by
    a tag that pydantic writes into ``loc``), ``union`` (a smart union: pydantic writes one
    tag per member), or ``leaf``.
    """

    kind: str
    tp: Any = None
    item: Any = None
    key: Any = None
    tags: tuple[tuple[str, Any], ...] = ()
    number: bool = False
    """A tagged union of a number and a distribution (the language's ``Number``)."""

    def member(self, tag: Any) -> Any:
        return dict(self.tags).get(tag)


def _strip(tp: Any) -> tuple[Any, list[Any]]:
    metas: list[Any] = []
    while get_origin(tp) is Annotated:
        args = get_args(tp)
        tp, metas = args[0], [*metas, *args[1:]]
    return tp, metas


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return get_args(tp)
    return None


def shape(tp: Any) -> Shape:
    """The :class:`Shape` of an annotation (``None`` members of unions are dropped)."""
    tp, metas = _strip(tp)
    members = _union_args(tp)
    if members is not None:
        members = tuple(m for m in members if m is not type(None))
        discriminator = next((m for m in metas if isinstance(m, Discriminator)), None)
        field_disc = next(
            (m.discriminator for m in metas if isinstance(m, FieldInfo) and m.discriminator),
            None,
        )
        if discriminator is not None and callable(discriminator.discriminator):
            tags = []
            for m in members:
                inner, inner_metas = _strip(m)
                tag = next((x.tag for x in inner_metas if isinstance(x, Tag)), None)
                rest = [x for x in inner_metas if not isinstance(x, Tag)]
                tags.append((tag, Annotated[inner, *rest] if rest else inner))
            return Shape("tagged", tp, tags=tuple(tags), number="number" in dict(tags))
        if isinstance(field_disc, str):
            tags = []
            for m in members:
                cls, _ = _strip(m)
                literal = cls.model_fields[field_disc].annotation
                for value in get_args(literal):
                    tags.append((value, cls))
            return Shape("tagged", tp, tags=tuple(tags), key=field_disc)
        if len(members) == 1:
            return shape(Annotated[members[0], *metas] if metas else members[0])
        return Shape("union", tp, tags=tuple((_pydantic_tag(m), m) for m in members))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return Shape("model", tp)
    origin = get_origin(tp)
    if origin is dict:
        key, item = get_args(tp)
        return Shape("dict", tp, item=item, key=key)
    if origin is list:
        return Shape("list", tp, item=get_args(tp)[0])
    return Shape("leaf", tp)


def _pydantic_tag(tp: Any) -> str:
    """Roughly the tag pydantic writes for a member of a smart union."""
    inner, metas = _strip(tp)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner.__name__
    name = getattr(inner, "__name__", str(inner))
    if inner is str and metas:
        return "constrained-str"
    return name


@cache
def fields(model: type[BaseModel]) -> dict[str, tuple[str, Any]]:
    """The keys a model accepts in data (aliases where set) → (attribute name, annotation)."""
    out = {}
    for name, info in model.model_fields.items():
        out[info.alias or name] = (name, info.rebuild_annotation())
    return out


@cache
def extra_type(model: type[BaseModel]) -> Any | None:
    """The type of extra keys a model accepts (``Beliefs``: per-actor priors), if any."""
    if model.model_config.get("extra") != "allow":
        return None
    hint = typing.get_type_hints(model, include_extras=True).get("__pydantic_extra__")
    if hint is None:
        return Any
    return get_args(hint)[1] if get_origin(hint) is dict else Any


def describe_expected(tp: Any) -> str:
    """What a type accepts, in words: ``a number``, ``one of 'day', 'week'``..."""
    s = shape(tp)
    if s.kind == "tagged" and s.number:
        return "a number or a distribution {dist: ...}"
    if s.kind in ("tagged", "model"):
        return "a mapping"
    if s.kind == "dict":
        return "a mapping"
    if s.kind == "list":
        return "a list"
    if s.kind == "union":
        return " or ".join(describe_expected(m) for _, m in s.tags)
    inner = s.tp
    if get_origin(inner) is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(inner))
    return {
        float: "a number",
        int: "a whole number",
        str: "a string",
        bool: "true or false",
    }.get(inner, getattr(inner, "__name__", str(inner)))
