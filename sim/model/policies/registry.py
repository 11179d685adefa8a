"""The one registry of decision policies (axelrod-style: a name, literature names, a classifier).

A policy is a class with a ``spec`` (:class:`~sim.scenario.policy_specs.PolicySpec`: the name a
scenario writes under ``policy:``, the classifier, and what it needs of its actor and channels)
and a docstring that gives its names in the literature. :func:`register` adds it to
:data:`POLICIES` and its spec to the scenario layer's registry; every module of this package is
imported by the package, so adding a policy is adding one module.
"""

from __future__ import annotations

from sim.scenario.policy_specs import PolicySpec, register_spec

from .base import Policy

POLICIES: dict[str, type[Policy]] = {}
"""Policy classes by scenario name."""


def register[P: type[Policy]](cls: P) -> P:
    """Class decorator: add a policy to :data:`POLICIES` and its spec to the scenario layer's
    registry (:mod:`sim.scenario.policy_specs`), so scenarios may name it."""
    spec = cls.__dict__.get("spec")
    if not isinstance(spec, PolicySpec):
        raise TypeError(f"{cls.__name__} declares no spec = PolicySpec(...)")
    if cls.name in POLICIES and POLICIES[cls.name] is not cls:
        raise TypeError(f"two policies named {cls.name!r}")
    register_spec(spec)
    POLICIES[cls.name] = cls
    return cls
