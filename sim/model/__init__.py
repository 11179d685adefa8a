"""The Mesa model: states as agents over R replications at once, and its tidy tables.

``Wargame`` (a ``mesa.Model``) and ``StateAgent`` (a ``mesa.Agent``) are the model;
``simulate`` runs one chunk of replications and returns the tables of docs/contracts.md.
The world functions (:mod:`.fronts`, :mod:`.logistics`, :mod:`.politics`) are pure numpy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .errors import ModelError, ModelWarning

# Imported on first use, so that the scenario layer can load the policies (a light part of the
# model: numpy only) to check a scenario without paying for Mesa and pandas.
_LAZY = {
    "POLICIES": ".policies",
    "explain": ".runs",
    "simulate": ".runs",
    "StateAgent": ".agent",
    "Wargame": ".wargame",
}

__all__ = [
    "POLICIES",
    "ModelError",
    "ModelWarning",
    "StateAgent",
    "Wargame",
    "explain",
    "simulate",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'sim.model' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
