"""Adaptive population Monte Carlo ABC on a batch simulator (Lenormand, Jabot & Deffuant 2013).

Why this algorithm: every generation of APMC simulates one fixed-size *batch* of parameter
vectors, which is exactly what our vectorised ensemble does best (one particle per
replication). Rejection ABC (Pritchard et al. 1999) is its first generation; the sequential
refinement (Beaumont et al. 2009's population Monte Carlo, with Lenormand's adaptive
tolerance) follows. pyabc and ELFI implement the same family but simulate one particle per
call (pyabc) or pin libraries older than ours (ELFI: matplotlib < 3.9, GPy); the few lines
below are the algorithm itself, checked against a conjugate oracle in the tests.

The sampler works in *normal scores*: a parameter with prior CDF F is seen as
``z = Φ⁻¹(F(θ))``, whose prior is the standard normal whatever F is. A Gaussian perturbation
then never leaves the support of a bounded prior (a Beta credibility, a Uniform weight), the
kernel is one covariance for parameters of any unit, and the prior density is trivial.

The module is pure numpy: ``propose`` gives the batch to simulate, the caller simulates it and
computes one distance per particle, ``first``/``update`` keep the best ``alpha`` share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

_JITTER = 1e-9


@dataclass(frozen=True)
class Population:
    """The particles kept after a generation.

    Attributes:
        z: (N, d) normal scores of the parameters.
        log_w: (N,) log importance weights (prior density over proposal density), unnormalised.
        distances: (N,) each particle's distance to the observations.
        epsilon: The tolerance: the largest kept distance.
        acceptance: Share of the generation's new particles within the previous tolerance
            (1 for the first generation).
    """

    z: np.ndarray
    log_w: np.ndarray
    distances: np.ndarray
    epsilon: float
    acceptance: float

    @property
    def weights(self) -> np.ndarray:
        """Normalised weights."""
        return np.exp(self.log_w - logsumexp(self.log_w))

    @property
    def ess(self) -> float:
        """Kish's effective sample size, ``1 / Σ w²``."""
        w = self.weights
        return float(1.0 / np.sum(w * w))


def kept(n: int, alpha: float) -> int:
    """How many particles a generation keeps: ``⌊α·n⌋``, at least 2."""
    return max(2, int(np.floor(alpha * n)))


def prior(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """``n`` draws from the prior, in normal scores."""
    return rng.standard_normal((n, d))


def _best(distances: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` smallest distances (ties in index order: deterministic)."""
    return np.argsort(distances, kind="stable")[:k]


def first(z: np.ndarray, distances: np.ndarray, alpha: float) -> Population:
    """Rejection ABC: keep the ``alpha`` share of prior draws closest to the observations."""
    keep = _best(distances, kept(len(z), alpha))
    d = distances[keep]
    return Population(z[keep], np.zeros(keep.size), d, float(d.max()), 1.0)


def kernel_cov(pop: Population) -> np.ndarray:
    """Twice the weighted covariance of the particles (Beaumont et al. 2009's optimal scale)."""
    w = pop.weights
    mean = w @ pop.z
    dev = pop.z - mean
    cov = 2.0 * (dev * w[:, None]).T @ dev
    return cov + _JITTER * np.eye(cov.shape[0])


def propose(pop: Population, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` new particles: resample the population by weight, perturb by the kernel."""
    idx = rng.choice(len(pop.z), size=n, p=pop.weights)
    chol = np.linalg.cholesky(kernel_cov(pop))
    return pop.z[idx] + rng.standard_normal((n, pop.z.shape[1])) @ chol.T


def log_weights(z: np.ndarray, pop: Population) -> np.ndarray:
    """Log importance weights of new particles ``z``: log prior − log mixture proposal."""
    cov = kernel_cov(pop)
    chol = np.linalg.cholesky(cov)
    a = np.linalg.solve(chol, z.T).T  # whitened new particles
    b = np.linalg.solve(chol, pop.z.T).T  # whitened old particles
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    log_det = 2.0 * np.log(np.diag(chol)).sum()
    log_k = -0.5 * (np.maximum(sq, 0.0) + log_det + z.shape[1] * np.log(2 * np.pi))
    log_w_old = pop.log_w - logsumexp(pop.log_w)
    log_q = logsumexp(log_k + log_w_old[None, :], axis=1)
    log_prior = -0.5 * (z * z).sum(1) - 0.5 * z.shape[1] * np.log(2 * np.pi)
    return log_prior - log_q


def update(
    pop: Population, z: np.ndarray, distances: np.ndarray, log_w: np.ndarray, alpha_n: int
) -> Population:
    """Merge the new particles into the population and keep the ``alpha_n`` closest.

    The acceptance rate is the share of new particles within the previous tolerance: when it
    falls below a floor, the tolerance has stopped buying information (Lenormand's stop rule).
    """
    acceptance = float(np.mean(distances <= pop.epsilon))
    zz = np.concatenate([pop.z, z])
    dd = np.concatenate([pop.distances, distances])
    ww = np.concatenate([pop.log_w, log_w])
    keep = _best(dd, alpha_n)
    return Population(zz[keep], ww[keep], dd[keep], float(dd[keep].max()), acceptance)


__all__ = [
    "Population",
    "first",
    "kept",
    "kernel_cov",
    "log_weights",
    "prior",
    "propose",
    "update",
]
