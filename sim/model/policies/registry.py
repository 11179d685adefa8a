"""The one registry of decision policies (axelrod-style: a name, literature names, a classifier).

A policy is a class with a ``name`` (what a scenario writes under ``policy:``), a docstring that
gives its names in the literature, and a ``classifier`` dict (``stochastic``, ``memory_depth``,
``continuous``). :func:`register` adds it to :data:`POLICIES`; every module of this package is
imported by the package, so adding a policy is adding one module.
"""

from __future__ import annotations

from .base import Policy

POLICIES: dict[str, type[Policy]] = {}
"""Policy classes by scenario name."""


def register[P: type[Policy]](cls: P) -> P:
    """Class decorator: add a policy to :data:`POLICIES` under its ``name``."""
    if not cls.name:
        raise TypeError(f"{cls.__name__} has no name")
    if cls.name in POLICIES and POLICIES[cls.name] is not cls:
        raise TypeError(f"two policies named {cls.name!r}")
    for key in ("stochastic", "memory_depth", "continuous"):
        if key not in cls.classifier:
            raise TypeError(f"{cls.__name__}.classifier lacks {key!r}")
    POLICIES[cls.name] = cls
    return cls
