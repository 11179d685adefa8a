"""The Mesa model: states as agents over R replications at once, and its tidy tables.

``Wargame`` (a ``mesa.Model``) and ``StateAgent`` (a ``mesa.Agent``) are the model;
``simulate`` runs one chunk of replications and returns the tables of docs/contracts.md.
The world functions (:mod:`.fronts`, :mod:`.logistics`, :mod:`.politics`) are pure numpy.
"""

from __future__ import annotations

from .errors import ModelError, ModelWarning
from .policies import POLICIES
from .simulate import explain, simulate
from .wargame import StateAgent, Wargame

__all__ = [
    "POLICIES",
    "ModelError",
    "ModelWarning",
    "StateAgent",
    "Wargame",
    "explain",
    "simulate",
]
