"""What each actor is like and believes, per replication: its decision parameters, how it
observes, and its beliefs about the others (Jervis).

Policies, perception, red lines and the recorder read these arrays (actors on the second axis,
replications first) from ``model.minds``; the beliefs are the only part that changes during a
run (:func:`sim.model.jervis.update`, applied by the model after each step).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import jervis
from .layout import Layout
from .params import Params
from .terms import WEIGHT_TERMS


class Minds:
    """Per-actor parameters (R, A) and beliefs (R, A, A), sampled values where uncertain.

    Attributes:
        precision, risk_tolerance, switch_cost: decision parameters (R, A).
        weights: (R, A, len(WEIGHT_TERMS)) weights of the utility terms.
        detect, misread, attribution: observation settings (R, A), clipped to [0, 1].
        lag: (A,) observation lag in steps.
        conservatism: (R, A) how slowly beliefs move.
        belief: (R, A, A) ``belief[:, i, j]``: i's belief that j is expansionist.
    """

    def __init__(self, layout: Layout, scenario: Any, params: Params) -> None:
        ly, p, R = layout, params, params.replications
        A = ly.A
        self.precision = np.zeros((R, A))
        self.risk_tolerance = np.zeros((R, A))
        self.switch_cost = np.zeros((R, A))
        self.weights = np.zeros((R, A, len(WEIGHT_TERMS)))
        self.detect = np.zeros((R, A))
        self.misread = np.zeros((R, A))
        self.attribution = np.zeros((R, A))
        self.lag = np.zeros(A, dtype=np.int64)
        self.conservatism = np.zeros((R, A))
        self.belief = np.full((R, A, A), 0.5)
        for i, aid in enumerate(ly.actors):
            a = scenario.actors[aid]
            base = f"actors.{aid}"
            self.precision[:, i] = np.maximum(p.get(f"{base}.precision", a.precision), 0.0)
            self.risk_tolerance[:, i] = p.get(f"{base}.risk_tolerance", a.risk_tolerance)
            self.switch_cost[:, i] = np.maximum(p.get(f"{base}.switch_cost", a.switch_cost), 0.0)
            for k, term in enumerate(WEIGHT_TERMS):
                self.weights[:, i, k] = p.get(f"{base}.weights.{term}", getattr(a.weights, term))
            ob = a.observe
            self.detect[:, i] = np.clip(p.get(f"{base}.observe.detect", ob.detect), 0, 1)
            self.misread[:, i] = np.clip(p.get(f"{base}.observe.misread", ob.misread), 0, 1)
            self.attribution[:, i] = np.clip(
                p.get(f"{base}.observe.attribution", ob.attribution), 0, 1
            )
            self.lag[i] = ob.lag
            bel = a.beliefs
            self.conservatism[:, i] = np.clip(
                p.get(f"{base}.beliefs.conservatism", bel.conservatism), 0, 1
            )
            generic = p.get(f"{base}.beliefs.expansionist", bel.expansionist)
            about = bel.about
            for j, other in enumerate(ly.actors):
                if other in about:
                    v = p.get(f"{base}.beliefs.{other}.expansionist", about[other].expansionist)
                else:
                    v = generic
                self.belief[:, i, j] = np.clip(v, jervis.BELIEF_FLOOR, 1 - jervis.BELIEF_FLOOR)

    def reputation(self) -> np.ndarray:
        """(R, A) each actor's reputation weight relative to its mean weight (red lines)."""
        mean_w = self.weights.mean(axis=2)
        return self.weights[:, :, WEIGHT_TERMS.index("reputation")] / np.where(
            mean_w > 0, mean_w, 1.0
        )

    def update_beliefs(
        self,
        layout: Layout,
        h_old: np.ndarray,
        h_new: np.ndarray,
        shown: np.ndarray,
        shown_before: np.ndarray,
    ) -> None:
        """Each observer's belief about each other actor after a step (Jervis; model.md §5)."""
        if layout.D == 0:
            return
        i, j = layout.dyad_src, layout.dyad_dst
        self.belief[:, i, j] = jervis.update(
            self.belief[:, i, j],
            h_old[:, i, j],
            h_new[:, i, j],
            shown,
            shown_before,
            self.conservatism[:, i],
        )
