"""The SMC-ABC sampler against a conjugate oracle, without the model.

Prior θ ~ N(0, 1) (the sampler's normal scores are then θ itself); data: the mean of ``N_OBS``
draws from N(θ, σ²). The exact posterior is normal with precision ``1 + N_OBS/σ²``. ABC with
the distance |ȳ_sim − ȳ_obs| and a tolerance that shrinks towards 0 converges to it; we check
that the sampler's generations get there (mean and sd within a few Monte Carlo errors), and
that rejection alone (generation 0) is wider, so the check cannot pass on the prior.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.history import abc

SIGMA, N_OBS, Y_OBS, N = 1.0, 10, 0.8, 4000
POST_PREC = 1.0 + N_OBS / SIGMA**2
POST_MEAN = (N_OBS / SIGMA**2) * Y_OBS / POST_PREC
POST_SD = POST_PREC**-0.5


def simulate(z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The batch simulator: one sample mean per particle, and its distance to Y_OBS."""
    ybar = z[:, 0] + rng.standard_normal(len(z)) * SIGMA / np.sqrt(N_OBS)
    return np.abs(ybar - Y_OBS)


def sample(seed: int, generations: int) -> tuple[abc.Population, list[float]]:
    rng = np.random.default_rng(seed)
    sim_rng = np.random.default_rng(seed + 1)
    z = abc.prior(rng, N, 1)
    pop = abc.Population(z, simulate(z, sim_rng), float("inf"), 1.0)
    eps = []
    for _ in range(generations):
        moves = abc.propose(pop, 0.5, rng)
        pop = abc.accept(moves, simulate(moves.proposal, sim_rng), rng)
        eps.append(pop.epsilon)
    return pop, eps


def test_sequential_abc_recovers_the_conjugate_posterior() -> None:
    pop, eps = sample(7, 8)
    theta = pop.z[abc.posterior(pop, 0.5), 0]
    assert eps == sorted(eps, reverse=True) and eps[-1] < 0.05
    # ABC with a finite tolerance inflates the sd slightly (by about ε²/3 in variance).
    assert theta.mean() == pytest.approx(POST_MEAN, abs=4 * POST_SD / np.sqrt(pop.unique))
    assert theta.std() == pytest.approx(POST_SD, rel=0.15)


def test_rejection_alone_is_wider_than_the_posterior() -> None:
    rng = np.random.default_rng(3)
    z = abc.prior(rng, N, 1)
    d = simulate(z, np.random.default_rng(4))
    pop = abc.Population(z, d, float("inf"), 1.0)
    theta = z[abc.posterior(pop, 0.5), 0]
    assert theta.std() > 1.5 * POST_SD


def test_same_seed_same_particles() -> None:
    a, _ = sample(11, 3)
    b, _ = sample(11, 3)
    c, _ = sample(12, 3)
    assert np.array_equal(a.z, b.z)
    assert not np.array_equal(a.z, c.z)


def test_moves_stay_within_the_tolerance() -> None:
    pop, _ = sample(5, 3)
    assert np.all(pop.distances <= pop.epsilon)
    assert 0 < pop.acceptance < 1
