"""What each decision policy of the language is and needs: the scenario layer's policy registry.

A policy is one module of :mod:`sim.model.policies`: its class declares a :class:`PolicySpec`
(its name, its classifier, and what it requires of its actor and channels) and registering the
class registers the spec here. The scenario layer validates ``policy:`` and each policy's needs
from these specs alone, in one generic place (:func:`check`), so it never imports the model and
a new policy needs no edit here: the needs are data, read the same way for every policy.

The scenario layer names no module above it. Which modules provide the built-in policies is
said once, by the package root (``sim.POLICY_MODULES``, the place that wires the layers); they
are imported the first time a policy is looked up. Anything else (a user's module, a test) adds
a policy by registering its class before it loads a scenario.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import sim

from .validation import did_you_mean, listing

if TYPE_CHECKING:
    from .references import Checker

LadderKind = Literal["rungs", "continuous", "any"]


@dataclass(frozen=True)
class PolicySpec:
    """A policy as the scenario language sees it: light data, no numpy.

    Attributes:
        name: what a scenario writes under ``policy:``.
        summary: one line for documentation and the JSON Schema.
        stochastic: whether its choice draws random numbers (axelrod's classifier).
        memory_depth: how many past steps it reads (``inf``: its whole history).
        ladders: the ladders its channels may be on: ``rungs`` (discrete only), ``continuous``
            (continuous only) or ``any``.
        actor_keys: actor fields it needs, each with what the field gives it.
        rung_keys: actor fields that name a rung of every one of the actor's ladders.
        channel_keys: channel fields it needs on every channel, each with what it gives.
    """

    name: str
    summary: str
    stochastic: bool
    memory_depth: float
    ladders: LadderKind = "rungs"
    actor_keys: Mapping[str, str] = field(default_factory=dict)
    rung_keys: tuple[str, ...] = ()
    channel_keys: Mapping[str, str] = field(default_factory=dict)

    @property
    def classifier(self) -> dict[str, Any]:
        """Axelrod-style classifier: ``stochastic``, ``memory_depth``, ``continuous``."""
        return {
            "stochastic": self.stochastic,
            "memory_depth": self.memory_depth,
            "continuous": self.ladders != "rungs",
        }


SPECS: dict[str, PolicySpec] = {}
"""Registered policy specs by name, in registration order."""

_builtins_loaded = False


def register_spec(spec: PolicySpec) -> PolicySpec:
    """Add a policy's spec (called by the model's ``register``); one spec per name."""
    if not spec.name:
        raise TypeError("a policy spec needs a name")
    if SPECS.get(spec.name, spec) != spec:
        raise TypeError(f"two policies named {spec.name!r}")
    SPECS[spec.name] = spec
    return spec


def specs() -> dict[str, PolicySpec]:
    """Every registered policy spec, the built-in ones imported on first use."""
    global _builtins_loaded
    if not _builtins_loaded:
        _builtins_loaded = True
        for module in sim.POLICY_MODULES:
            importlib.import_module(module)
    return SPECS


def unknown(name: str) -> str | None:
    """Why ``name`` is not a policy (with a did-you-mean), or None if it is one."""
    known = specs()
    if name in known:
        return None
    hint = did_you_mean(name, list(known)) or f" (policies: {listing(sorted(known))})"
    return f"unknown policy {name!r}{hint}"


def markdown_table() -> str:
    """The table of policies for ``docs/scenarios.md``, by name (a test keeps the docs equal
    to it): what reads the classifier besides the tests."""
    rows = [
        "| policy | what it does | ladders | needs | stochastic | memory |",
        "|---|---|---|---|---|---|",
    ]
    for _, s in sorted(specs().items()):
        needs = [f"`{k}` ({why})" for k, why in s.actor_keys.items()]
        needs += [f"`{k}` on every channel ({why})" for k, why in s.channel_keys.items()]
        memory = "all" if s.memory_depth == float("inf") else f"{s.memory_depth:g}"
        rows.append(
            f"| `{s.name}` | {s.summary} | {s.ladders} | {', '.join(needs) or '—'} | "
            f"{'yes' if s.stochastic else 'no'} | {memory} |"
        )
    return "\n".join(rows) + "\n"


def check(checker: Checker) -> None:
    """Every actor's resolved policy against its spec: the one place policies' needs are read.

    A policy inherited from ``defaults`` is reported at the actor (at its key), otherwise at its
    ``policy``; an actor that lost keys to validation is skipped (what it needs may be there).
    """
    s = checker.s
    default_policy = s.defaults.policy if s.defaults is not None else None
    if default_policy is not None and (why := unknown(default_policy)):
        checker.add(("defaults", "policy"), why)
    for aid, actor in (s.actors or {}).items():
        if actor.policy is not None and (why := unknown(actor.policy)):
            checker.add(("actors", aid, "policy"), why)
        if aid in checker.broken.get("partial", ()):
            continue
        name = actor.policy or default_policy or "utility"
        spec = specs().get(name)
        if spec is None:
            continue  # an unknown name is reported where it is written
        if actor.policy is not None:
            path, key, source = ("actors", aid, "policy"), False, ""
        else:
            path, key, source = ("actors", aid), True, " (from defaults)"
        said = f"policy {name}{source}"
        for k, why in spec.actor_keys.items():
            if getattr(actor, k) is None:
                checker.add(path, f"{said} needs {k!r}: {why}", key)
        for cid, ch in actor.channels.items():
            cpath = ("actors", aid, "channels", cid)
            ladder = s.ladders.get(ch.ladder)
            for k, why in spec.channel_keys.items():
                if getattr(ch, k) is None:
                    checker.add(cpath, f"{said} needs {k!r} on every channel ({why})", key=True)
            if ladder is None:
                continue  # an unknown ladder is reported at the channel
            if spec.ladders == "rungs" and ladder.is_continuous:
                checker.add(
                    (*cpath, "ladder"),
                    f"{said} moves along rungs; ladder {ch.ladder!r} is continuous",
                )
            elif spec.ladders == "continuous" and not ladder.is_continuous:
                checker.add(
                    (*cpath, "ladder"),
                    f"{said} moves a level on a continuous ladder; ladder {ch.ladder!r} has rungs",
                )
            for k in spec.rung_keys:
                rung = getattr(actor, k)
                if rung is not None:
                    checker.rung(ch.ladder, ladder, rung, ("actors", aid, k))
