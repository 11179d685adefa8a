"""What the model raises and warns.

A scenario that passed :mod:`sim.scenario` validation can still ask the model for something it
cannot do (a tit-for-tat channel with no opponent to copy, a Richardson policy on a discrete
ladder). Those are :class:`ModelError` (a ``ValueError``), raised when the model is built, with
the scenario path of the problem. Numerical hazards that do not stop a run (an unstable
Richardson map) are :class:`ModelWarning`.
"""

from __future__ import annotations


class ModelError(ValueError):
    """A scenario the model cannot run; the message names the scenario path at fault."""


class ModelWarning(UserWarning):
    """A run that proceeds but whose numbers deserve suspicion (e.g. an unstable map)."""
