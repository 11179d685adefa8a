"""``richardson``: Richardson's arms-race equations on continuous channels, integrated jointly.

For every channel c on a continuous ladder whose owner plays ``richardson`` (model.md §5;
Richardson 1960)::

    dx_c/dt = k_c·y_c − a_c·x_c + g_c

with y_c the level of the rival channel (:func:`~sim.model.policies.base.counterpart`), k the
reaction to it, a fatigue and g grievance; one model step is one unit of t. All Richardson
channels of a model form one linear system ``x' = M·x + g`` (rivals that are not Richardson
channels enter as constants for the step) and are integrated together, so the coupled ODE is
followed rather than each side reacting to last step's rival:

- ``integrator: euler`` (default): ``1/time.dt`` (or ``time.substeps``) Euler sub-steps per
  step. The map ``I + dt·M`` must have spectral radius below 1 to converge; otherwise a
  :class:`~sim.model.errors.ModelWarning` is issued when the model is built.
- ``integrator: exact``: the matrix exponential of the augmented system, exact to rounding;
  the warning then says the ODE itself diverges (an eigenvalue of M with real part ≥ 0).

Levels are clipped to the ladder's ``[low, high]`` after each step. Richardson actors see each
other's levels at once (the ODE has no lag or noise); their perception settings do not apply.
"""

from __future__ import annotations

import warnings

import numpy as np

from sim.scenario.policy_specs import PolicySpec

from ..errors import ModelError, ModelWarning
from .base import Policy, counterpart
from .registry import register


@register
class Richardson(Policy):
    """Richardson arms race: reaction, fatigue, grievance.

    Literature names: Richardson's arms-race model (Richardson 1960, *Arms and Insecurity*);
    a linear action–reaction process; with a → 0 the pure reaction model.
    """

    spec = PolicySpec(
        name="richardson",
        summary="Richardson's arms-race equation dx/dt = k·y − a·x + g, integrated jointly",
        stochastic=False,
        memory_depth=1,
        ladders="continuous",
        actor_keys={"richardson": "its equation {k, a, g}"},
    )

    def __init__(self, layout, channels, params):
        super().__init__(layout, channels, params)
        ly = layout
        R = params.replications
        n = len(channels)
        pos = {int(c): k for k, c in enumerate(channels)}
        self.k = np.empty((R, n))
        self.a = np.empty((R, n))
        self.g = np.empty((R, n))
        integrators = set()
        self.rival = np.empty(n, dtype=np.intp)
        self.rival_pos = np.full(n, -1, dtype=np.intp)
        for k, c in enumerate(channels):
            spec = ly.channels[c]
            aid = ly.actors[spec.owner]
            rp = ly.scenario.actors[aid].richardson  # present: checked by the scenario layer
            base = f"actors.{aid}.richardson"
            self.k[:, k] = params.get(f"{base}.k", rp.k)
            self.a[:, k] = params.get(f"{base}.a", rp.a)
            self.g[:, k] = params.get(f"{base}.g", rp.g)
            integrators.add(rp.integrator)
            self.rival[k] = counterpart(ly, int(c))
            self.rival_pos[k] = pos.get(int(self.rival[k]), -1)
        if len(integrators) > 1:
            raise ModelError(
                "richardson: all Richardson actors of a scenario use one integrator "
                f"(found {', '.join(sorted(integrators))})"
            )
        self.exact = integrators == {"exact"}
        self.substeps = ly.richardson_substeps
        self.dt = 1.0 / self.substeps
        M = np.zeros((R, n, n))
        idx = np.arange(n)
        M[:, idx, idx] = -self.a
        inner = self.rival_pos >= 0
        np.add.at(M, (slice(None), idx[inner], self.rival_pos[inner]), self.k[:, inner])
        self.M = M
        self.external = np.nonzero(~inner)[0]
        self._expm_const = None
        self._check_stability()

    def _check_stability(self) -> None:
        n = self.M.shape[1]
        eig = np.linalg.eigvals(self.M)
        if self.exact:
            bad = eig.real.max(axis=1) >= 0.0
            what = "the Richardson system diverges: M has an eigenvalue with real part ≥ 0"
        else:
            rho = np.abs(1.0 + self.dt * eig).max(axis=1)
            bad = rho >= 1.0
            what = (
                f"the Euler map of the Richardson system is unstable: spectral radius of "
                f"I + dt·J ≥ 1 (dt = {self.dt:g}); reduce time.dt or use integrator: exact"
            )
        if bad.any():
            warnings.warn(
                f"{what} in {int(bad.sum())} of {bad.size} replications ({n} Richardson channels)",
                ModelWarning,
                stacklevel=4,
            )

    def _g_eff(self, model) -> np.ndarray:
        g = self.g
        if self.external.size:
            g = g.copy()
            y = model.level[:, self.rival[self.external]]
            g[:, self.external] += self.k[:, self.external] * y
        return g

    def decide(self, model, u):
        x = model.level[:, self.channels]
        g = self._g_eff(model)
        if self.exact:
            E = self._expm_const if not self.external.size else None
            if E is None:
                E = self._expm(g)
                if not self.external.size:
                    self._expm_const = E
            n = x.shape[1]
            x = np.einsum("rij,rj->ri", E[:, :n, :n], x) + E[:, :n, n]
        else:
            M, dt = self.M, self.dt
            for _ in range(self.substeps):
                x = x + dt * (np.einsum("rij,rj->ri", M, x) + g)
        lo = self.layout.low[self.channels]
        hi = self.layout.high[self.channels]
        return np.clip(x, lo, hi)

    def _expm(self, g: np.ndarray) -> np.ndarray:
        from scipy.linalg import expm

        R, n, _ = self.M.shape
        aug = np.zeros((R, n + 1, n + 1))
        aug[:, :n, :n] = self.M
        aug[:, :n, n] = g
        return expm(aug)
