"""What is imposed on the channels from outside the actors' choices, by step: the scenario's
scheduled events and a counterfactual arm's intervention bounds (do-operators).

Both are tables over steps 0..horizon built once; the model applies them after the agents
decide (events set, bounds clamp last; :meth:`sim.model.wargame.Wargame.apply_exogenous`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .entities import rung_level
from .errors import ModelError
from .layout import Layout


class Exogenous:
    """Events and bounds as (T + 1, C) tables.

    Attributes:
        lo, hi: intervention bounds per step and channel (−inf / inf where none).
        forced: the level an event sets per step and channel (NaN where none).
        starting: per step, the indices of the events that start then (for the event log).
        interventions: the arm's bounds as given (channel ref → ``Bound``).
    """

    def __init__(self, layout: Layout, interventions: Mapping[str, Any]) -> None:
        ly = layout
        T = ly.horizon
        self.lo = np.full((T + 1, ly.C), -np.inf)
        self.hi = np.full((T + 1, ly.C), np.inf)
        for ref, bound in interventions.items():
            if ref not in ly.channel_index:
                raise ModelError(f"interventions: no channel {ref!r}")
            c = ly.channel_index[ref]
            spec = ly.channels[c]
            start = int(bound.from_)
            stop = T if bound.until is None else min(int(bound.until), T)
            if bound.at_least is not None:
                lv = rung_level(spec, bound.at_least, f"interventions.{ref}.at_least")
                self.lo[start : stop + 1, c] = np.maximum(self.lo[start : stop + 1, c], lv)
            if bound.at_most is not None:
                lv = rung_level(spec, bound.at_most, f"interventions.{ref}.at_most")
                self.hi[start : stop + 1, c] = np.minimum(self.hi[start : stop + 1, c], lv)
        self.interventions = dict(interventions)
        self.forced = np.full((T + 1, ly.C), np.nan)
        self.starting: list[list[int]] = [[] for _ in range(T + 1)]
        for ev in ly.events:
            if ev.at > T:
                continue
            self.forced[ev.at : min(ev.until, T) + 1, ev.channel] = ev.level
            self.starting[ev.at].append(ev.index)
