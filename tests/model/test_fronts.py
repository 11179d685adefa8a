"""Battlefield: Lanchester's square law as the oracle, ammunition, invariants, vectorisation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.fronts import (
    BALANCE_CAP,
    FrontParams,
    FrontState,
    advance,
    balance,
    square_law,
)


def _params(r=1, k=(0.01, 0.01), m=(0.0, 0.0), need=(0.0, 0.0), eta=0.5, kappa=600.0, theta=0.5):
    def two(v):
        return np.broadcast_to(np.asarray(v, float), (r, 2)).copy()

    def one(v):
        return np.broadcast_to(np.asarray(v, float), (r,)).copy()

    return FrontParams(two(k), two(m), two(need), one(eta), one(kappa), one(theta))


def _state(n0, n1, territory=0.0):
    forces = np.column_stack([np.atleast_1d(n0), np.atleast_1d(n1)]).astype(float)
    return FrontState(forces, np.full(len(forces), territory))


def _no_fire(r=1):
    return np.zeros((r, 2))


def _rk4(n, k, m, days, h):
    """Independent reference: classical RK4 on the unconstrained ODE (no side reaches zero)."""

    def f(x):
        return np.array([-k[1] * x[1] + m[0], -k[0] * x[0] + m[1]])

    x = np.array(n, float)
    for _ in range(round(days / h)):
        a = f(x)
        b = f(x + h / 2 * a)
        c = f(x + h / 2 * b)
        d = f(x + h * c)
        x = x + h / 6 * (a + 2 * b + 2 * c + d)
    return x


def test_square_law_example_from_model_md():
    # A0 = 100, B0 = 80, k = 0.01: 60 survive, B reaches zero at 100·ln 3 days.
    t_zero = 100 * math.log(3)
    p = _params()
    before = advance(_state(100, 80), p, _no_fire(), days=t_zero - 0.01, substeps=110)
    after = advance(_state(100, 80), p, _no_fire(), days=t_zero + 0.01, substeps=110)
    assert before.forces[0, 1] > 0.0
    assert after.forces[0, 1] == 0.0
    assert after.forces[0, 0] == pytest.approx(60.0, rel=1e-9)


def test_square_law_monthly_steps_with_daily_substeps():
    # As the model calls it: 30-day steps, 30 sub-steps each; after 4 steps B is gone.
    p = _params()
    state = _state(100, 80)
    for _ in range(4):
        res = advance(state, p, _no_fire(), days=30, substeps=30)
        state = res.state
    assert state.forces[0, 1] == 0.0
    assert state.forces[0, 0] == pytest.approx(60.0, rel=1e-9)
    assert square_law(100, 80, 0.01, 0.01)[2] == pytest.approx(100 * math.log(3), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    n0=st.floats(1.0, 1000.0),
    n1=st.floats(1.0, 1000.0),
    k0=st.floats(1e-4, 0.05),
    k1=st.floats(1e-4, 0.05),
)
def test_square_law_winner_and_survivors(n0, n1, k0, k1):
    power0, power1 = k0 * n0**2, k1 * n1**2
    if abs(power0 - power1) < 0.02 * max(power0, power1):
        return  # near a tie the loser only vanishes after a very long time
    wins0, survivors, t_zero = square_law(n0, n1, k0, k1)
    days = float(t_zero) * 1.5 + 1.0
    res = advance(_state(n0, n1), _params(k=(k0, k1)), _no_fire(), days=days, substeps=50)
    winner = 0 if wins0 else 1
    assert res.forces[0, 1 - winner] == 0.0
    assert res.forces[0, winner] == pytest.approx(float(survivors), rel=1e-8)
    assert (res.balance[0] > 0) == bool(wins0)


@settings(max_examples=60, deadline=None)
@given(
    n0=st.floats(1.0, 1000.0),
    n1=st.floats(1.0, 1000.0),
    k0=st.floats(1e-4, 0.05),
    k1=st.floats(1e-4, 0.05),
    frac=st.floats(0.05, 0.95),
)
def test_square_law_invariant_before_annihilation(n0, n1, k0, k1, frac):
    # k_0·N_0² − k_1·N_1² is conserved while both sides stand.
    _, _, t_zero = square_law(n0, n1, k0, k1)
    days = float(min(t_zero, 1e4)) * frac
    res = advance(_state(n0, n1), _params(k=(k0, k1)), _no_fire(), days=days, substeps=7)
    a, b = res.forces[0]
    start = k0 * n0**2 - k1 * n1**2
    scale = k0 * n0**2 + k1 * n1**2
    assert k0 * a**2 - k1 * b**2 == pytest.approx(start, abs=1e-9 * scale)


def test_reinforcement_matches_independent_rk4():
    n, k, m = (50.0, 40.0), (0.01, 0.012), (0.3, 0.5)
    res = advance(_state(*n), _params(k=k, m=m), _no_fire(), days=30, substeps=3)
    ref = _rk4(n, k, m, days=30, h=0.01)
    np.testing.assert_allclose(res.forces[0], ref, rtol=1e-10)


def test_side_at_zero_held_while_fire_exceeds_reinforcement():
    res = advance(_state(10.0, 0.0), _params(k=(0.1, 0.1), m=(0.2, 0.5)), _no_fire(), 30, 30)
    # k_0·N_0 = 1 > m_1 = 0.5: side 1 stays at zero, side 0 only gains reinforcements.
    assert res.forces[0, 1] == 0.0
    assert res.forces[0, 0] == pytest.approx(10.0 + 0.2 * 30)
    assert res.balance[0] == BALANCE_CAP


def test_side_at_zero_regrows_when_reinforcement_exceeds_fire():
    # k_0·N_0 = 0.1 < m_1 = 0.5: side 1 comes back from zero.
    res = advance(_state(10.0, 0.0), _params(k=(0.01, 0.01), m=(0.0, 0.5)), _no_fire(), 10, 10)
    ref = _rk4((10.0, 0.0), (0.01, 0.01), (0.0, 0.5), days=10, h=0.001)
    assert (ref > 0).all()
    np.testing.assert_allclose(res.forces[0], ref, rtol=1e-9)
    assert res.forces[0, 1] > 0.0


def test_shortfall_lowers_q_and_balance():
    need = (1000.0, 1000.0)
    p = _params(k=(0.01, 0.01), need=need, eta=0.5)
    full = advance(_state(100, 100), p, np.array([[30_000.0, 30_000.0]]), days=30, substeps=30)
    short = advance(_state(100, 100), p, np.array([[7_500.0, 30_000.0]]), days=30, substeps=30)
    assert full.q[0].tolist() == [1.0, 1.0]
    assert full.shortfall[0].tolist() == [0.0, 0.0]
    assert full.balance[0] == pytest.approx(0.0, abs=1e-12)
    # A quarter of the need at η = 0.5 gives q = 0.5, fired evenly over the step.
    assert short.q[0, 0] == pytest.approx(0.5, rel=1e-12)
    assert short.shortfall[0, 0] == pytest.approx(0.75, rel=1e-12)
    assert short.fire_used[0, 0] == pytest.approx(7_500.0, rel=1e-12)
    assert short.fire_used[0, 0] <= 7_500.0
    assert short.fire_used[0, 1] == pytest.approx(30_000.0, rel=1e-12)
    assert short.balance[0] < 0.0
    assert short.forces[0, 0] < full.forces[0, 0]
    assert short.forces[0, 1] > full.forces[0, 1]


def test_no_ammunition_need_means_full_effect():
    p = _params(need=(0.0, 500.0))
    res = advance(_state(100, 100), p, np.array([[0.0, 0.0]]), days=30, substeps=30)
    assert res.q[0].tolist() == [1.0, 0.0]
    assert res.fire_used[0].tolist() == [0.0, 0.0]
    assert res.shortfall[0].tolist() == [0.0, 1.0]
    assert res.balance[0] == BALANCE_CAP


def test_territory_sign_threshold_and_magnitude():
    # A vanishingly short step leaves the forces as given, so z is known in advance.
    p = _params(r=3, k=(0.01, 0.01), kappa=600.0, theta=0.5)
    state = _state([100.0, 100.0, 50.0], [50.0, 95.0, 100.0], territory=10.0)
    res = advance(state, p, _no_fire(3), days=1e-9, substeps=1)
    z = np.log(res.forces[:, 0] ** 2 / res.forces[:, 1] ** 2)
    np.testing.assert_allclose(res.balance, z)
    expected = 600.0 * np.sign(z) * np.maximum(0.0, np.abs(z) - 0.5)
    np.testing.assert_allclose(res.territory_change, expected)
    assert res.territory_change[0] > 0  # side 0 stronger: side 0 gains
    assert res.territory_change[1] == 0.0  # |z| ≈ 0.10 below threshold
    assert res.territory_change[2] < 0
    np.testing.assert_allclose(res.territory, 10.0 + expected)


def test_balance_guards_zeros():
    z = balance(np.array([[0.01, 0.01]] * 3), np.ones((3, 2)), np.array([[0, 0], [1, 0], [0, 1]]))
    assert z.tolist() == [0.0, BALANCE_CAP, -BALANCE_CAP]


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="substeps"):
        advance(_state(1, 1), _params(), _no_fire(), days=30, substeps=0)
    with pytest.raises(ValueError, match="days"):
        advance(_state(1, 1), _params(), _no_fire(), days=0, substeps=1)


_pos = st.floats(0.0, 1e6, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    r=st.integers(1, 6),
    days=st.sampled_from([1.0, 7.0, 30.0, 365.0]),
    substeps=st.integers(1, 40),
)
def test_random_inputs_stay_finite_and_non_negative(seed, r, days, substeps):
    g = np.random.default_rng(seed)

    def wild(shape, hi):
        # Mix exact zeros with values spread over many orders of magnitude.
        x = 10.0 ** g.uniform(-6, np.log10(hi), shape)
        return np.where(g.random(shape) < 0.2, 0.0, x)

    p = FrontParams(
        lethality=wild((r, 2), 10.0),
        reinforcement=wild((r, 2), 1e3),
        fire_need=wild((r, 2), 1e6),
        fire_elasticity=g.uniform(0.0, 3.0, r),
        per_unit=wild(r, 1e4),
        threshold=g.uniform(0.0, 2.0, r),
    )
    state = FrontState(wild((r, 2), 1e6), g.normal(0, 100, r))
    available = wild((r, 2), 1e8)
    res = advance(state, p, available, days=days, substeps=substeps)
    for arr in (res.forces, res.balance, res.territory, res.fire_used, res.shortfall, res.q):
        assert np.isfinite(arr).all()
    assert (res.forces >= 0).all()
    assert (res.fire_used >= 0).all() and (res.fire_used <= available).all()
    assert ((res.shortfall >= 0) & (res.shortfall <= 1)).all()
    assert ((res.q >= 0) & (res.q <= 1)).all()
    assert (np.abs(res.balance) <= BALANCE_CAP).all()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_vectorised_equals_stacked_single_runs(seed):
    g = np.random.default_rng(seed)
    r = 8
    p = FrontParams(
        lethality=g.uniform(0.001, 0.05, (r, 2)),
        reinforcement=g.uniform(0, 0.5, (r, 2)) * (g.random((r, 2)) < 0.5),
        fire_need=g.uniform(0, 1e4, (r, 2)),
        fire_elasticity=g.uniform(0.2, 1.0, r),
        per_unit=g.uniform(100, 1000, r),
        threshold=g.uniform(0, 1, r),
    )
    state = FrontState(g.uniform(1, 100, (r, 2)), g.normal(0, 100, r))
    available = g.uniform(0, 4e5, (r, 2))
    whole = advance(state, p, available, days=30, substeps=30)
    for i in range(r):
        pi = FrontParams(*(getattr(p, f)[i : i + 1] for f in p.__dataclass_fields__))
        si = FrontState(state.forces[i : i + 1], state.territory[i : i + 1])
        one = advance(si, pi, available[i : i + 1], days=30, substeps=30)
        for f in ("forces", "balance", "territory", "fire_used", "shortfall", "q"):
            np.testing.assert_array_equal(getattr(whole, f)[i], getattr(one, f)[0], err_msg=f)


def test_annihilation_with_reinforcements_matches_clamped_fine_integration():
    # B is wiped out mid-step while both sides get reinforcements; afterwards A's fire
    # (k·N_A ≈ 0.6/day) outweighs B's reinforcement (0.2/day), so B stays at zero.
    k, m = (0.01, 0.01), (0.1, 0.2)
    res = advance(_state(100.0, 80.0), _params(k=k, m=m), _no_fire(), days=300, substeps=10)
    x, h = np.array([100.0, 80.0]), 1e-3
    for _ in range(round(300 / h)):  # forward Euler with clamping: O(h) reference
        x = np.maximum(x + h * np.array([-k[1] * x[1] + m[0], -k[0] * x[0] + m[1]]), 0.0)
    assert res.forces[0, 1] == 0.0 and x[1] == 0.0
    assert res.forces[0, 0] == pytest.approx(x[0], rel=2e-5)
