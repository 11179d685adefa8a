"""Sequential Monte Carlo ABC on a batch simulator (Del Moral, Doucet & Jasra 2012).

Why this algorithm: every generation simulates one fixed-size *batch* of parameter vectors,
which is exactly what our vectorised ensemble does best (one particle per replication).

- **Generation 0 is rejection ABC** (Pritchard et al. 1999): ``N`` draws from the prior,
  simulated once each; the ``alpha`` share closest to the observations is the rejection
  posterior.
- **Each later generation** lowers the tolerance ε to the ``alpha``-quantile of the current
  distances, resamples the particles within it back to ``N`` (equal weights), and moves each
  by one ABC-MCMC step (Marjoram et al. 2003): a Gaussian random-walk proposal, simulated
  once, accepted when it lies within ε and by the Metropolis ratio of the prior. The
  acceptance rate of the moves is the stop rule: when it falls below a floor, lower
  tolerances cost more simulations than they buy information.

We first used Lenormand et al. (2013)'s adaptive population Monte Carlo (importance weights
``π/q`` of a kernel mixture): with the flagship's 22 fitted parameters its weights
degenerated (an effective sample of 12–42 of 500), while the MCMC moves keep ``N`` equally
weighted particles. pyabc and ELFI implement these families but simulate one particle per call
(pyabc) or pin libraries older than ours (ELFI: matplotlib < 3.9, GPy); the few lines below
are the algorithm, checked against a conjugate oracle in the tests.

The sampler works in *normal scores*: a parameter with prior CDF F is seen as
``z = Φ⁻¹(F(θ))``, whose prior is the standard normal whatever F is. A Gaussian move then
never leaves the support of a bounded prior, one covariance serves parameters of any unit,
and the prior ratio is ``exp(−(|z'|² − |z|²)/2)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_JITTER = 1e-9
RW_SCALE = 2.38
"""Random-walk scale: ``(2.38² / d)`` × the particles' covariance (Roberts, Gelman & Gilks
1997's optimal scaling for a Gaussian target)."""


@dataclass(frozen=True)
class Population:
    """The particles after a generation (equally weighted).

    Attributes:
        z: (N, d) normal scores of the parameters.
        distances: (N,) each particle's distance to the observations.
        epsilon: The tolerance every particle satisfies (``inf`` for the prior).
        acceptance: Share of the generation's moves accepted (1 for the prior).
    """

    z: np.ndarray
    distances: np.ndarray
    epsilon: float
    acceptance: float

    @property
    def unique(self) -> int:
        """Distinct particles (resampling duplicates those whose move was refused)."""
        return int(np.unique(self.z, axis=0).shape[0])


def prior(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """``n`` draws from the prior, in normal scores."""
    return rng.standard_normal((n, d))


def tolerance(distances: np.ndarray, alpha: float) -> float:
    """The ``alpha``-quantile of the distances (the largest of the closest ``⌊α·N⌋``)."""
    k = max(2, int(np.floor(alpha * distances.size)))
    return float(np.sort(distances)[k - 1])


@dataclass(frozen=True)
class Moves:
    """One generation's proposals: where each particle starts and where it may move."""

    start: np.ndarray  # (N, d) resampled particles
    start_d: np.ndarray  # (N,) their distances
    proposal: np.ndarray  # (N, d) proposed positions, to simulate
    epsilon: float


def propose(pop: Population, alpha: float, rng: np.random.Generator) -> Moves:
    """Lower ε, resample the particles within it to ``N``, and propose one move each."""
    eps = tolerance(pop.distances, alpha)
    alive = np.flatnonzero(pop.distances <= eps)
    idx = rng.choice(alive, size=len(pop.z), replace=True)
    start, start_d = pop.z[idx], pop.distances[idx]
    d = pop.z.shape[1]
    cov = np.cov(pop.z[alive], rowvar=False).reshape(d, d) * (RW_SCALE**2 / d)
    chol = np.linalg.cholesky(cov + _JITTER * np.eye(d))
    step = rng.standard_normal(start.shape) @ chol.T
    return Moves(start, start_d, start + step, eps)


def accept(moves: Moves, distances: np.ndarray, rng: np.random.Generator) -> Population:
    """The ABC-MCMC step: keep a move within ε, by the Metropolis ratio of the prior."""
    log_ratio = -0.5 * ((moves.proposal**2).sum(1) - (moves.start**2).sum(1))
    ok = (distances <= moves.epsilon) & (np.log(rng.random(distances.size)) < log_ratio)
    z = np.where(ok[:, None], moves.proposal, moves.start)
    d = np.where(ok, distances, moves.start_d)
    return Population(z, d, moves.epsilon, float(ok.mean()))


def posterior(pop: Population, alpha: float) -> np.ndarray:
    """Indices of the final sample: the particles within the last tolerance (all, after a
    move; the closest ``alpha`` share for a rejection-only run)."""
    if np.isfinite(pop.epsilon):
        return np.arange(len(pop.z))
    return np.flatnonzero(pop.distances <= tolerance(pop.distances, alpha))


__all__ = ["Moves", "Population", "accept", "posterior", "prior", "propose", "tolerance"]
