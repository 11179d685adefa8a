"""Approval and patron pressure: reversion, the sign of each term, bounds."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.politics import (
    ApprovalParams,
    patron_pressure,
    request_rung,
    sigmoid,
    update_approval,
)


def _params(**kw):
    base = dict(
        baseline=0.30,
        reversion=0.15,
        rally=0.03,
        arms_penalty=0.04,
        opposed_share=0.64,
        audience_cost=0.05,
        noise=0.0,
    )
    base.update(kw)
    return ApprovalParams(**{k: np.asarray(v, float) for k, v in base.items()})


def _step(a, p, provoked=False, arming=False, unenforced=False, eps=0.0):
    a = np.asarray(a, float)
    return update_approval(
        a,
        p,
        provoked_assertive=np.full(a.shape, provoked),
        arming_beyond=np.full(a.shape, arming),
        red_line_unenforced=np.full(a.shape, unenforced),
        eps=np.full(a.shape, eps),
    )


def test_reverts_geometrically_to_baseline():
    p = _params()
    a = np.array([0.26, 0.9, 0.30])
    for _ in range(10):
        a = _step(a, p)
    expected = 0.30 + 0.85**10 * (np.array([0.26, 0.9, 0.30]) - 0.30)
    np.testing.assert_allclose(a, expected, rtol=1e-12)


def test_each_term_has_its_sign_and_size():
    p = _params(reversion=0.0)
    a = np.array([0.5])
    assert _step(a, p, provoked=True)[0] == pytest.approx(0.53)
    assert _step(a, p, arming=True)[0] == pytest.approx(0.5 - 0.04 * 0.64)
    assert _step(a, p, unenforced=True)[0] == pytest.approx(0.45)
    noisy = _params(reversion=0.0, noise=0.02)
    assert _step(a, noisy, eps=1.5)[0] == pytest.approx(0.53)
    assert _step(a, noisy, eps=-1.5)[0] == pytest.approx(0.47)
    # No noise parameter: ε has no effect (but the caller still draws it).
    assert _step(a, p, eps=3.0)[0] == 0.5


def test_vectorised_over_replications_and_actors():
    r, n_actors = 4, 3
    p = _params(baseline=np.linspace(0.2, 0.8, n_actors), reversion=0.5)
    a = np.full((r, n_actors), 0.5)
    provoked = np.zeros((r, n_actors), bool)
    provoked[1, 2] = True
    out = update_approval(
        a,
        p,
        provoked_assertive=provoked,
        arming_beyond=np.zeros((r, n_actors)),
        red_line_unenforced=np.zeros((r, n_actors)),
        eps=np.zeros((r, n_actors)),
    )
    np.testing.assert_allclose(out[0], [0.35, 0.5, 0.65])
    assert out[1, 2] == pytest.approx(0.65 + 0.03)


@settings(max_examples=200, deadline=None)
@given(
    a=st.floats(0, 1),
    baseline=st.floats(0, 1),
    reversion=st.floats(0, 1),
    rally=st.floats(0, 1),
    penalty=st.floats(0, 1),
    share=st.floats(0, 1),
    cost=st.floats(0, 1),
    noise=st.floats(0, 1),
    eps=st.floats(-10, 10),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_approval_stays_in_unit_interval(
    a, baseline, reversion, rally, penalty, share, cost, noise, eps, flags
):
    p = _params(
        baseline=baseline,
        reversion=reversion,
        rally=rally,
        arms_penalty=penalty,
        opposed_share=share,
        audience_cost=cost,
        noise=noise,
    )
    out = _step(np.array([a]), p, *flags, eps=eps)
    assert 0.0 <= out[0] <= 1.0


def test_pressure_is_logistic_and_rises_with_gains_and_shortfall():
    assert patron_pressure(0.0, 1.5, 1.0, 0.0, 0.0) == 0.5
    assert patron_pressure(-1.0, 1.5, 1.0, 0.0, 0.0) == pytest.approx(1 / (1 + np.e))
    gains = np.array([-1.0, 0.0, 1.0, 2.0])
    pi = patron_pressure(-1.0, 1.5, 1.0, gains, 0.3)
    assert (np.diff(pi) > 0).all()
    assert patron_pressure(-1.0, 1.5, 1.0, 0.0, 0.8) > patron_pressure(-1.0, 1.5, 1.0, 0.0, 0.2)
    extreme = sigmoid(np.array([-1e6, 1e6]))
    assert extreme.tolist() == [0.0, 1.0]


def test_request_rung_rounds_half_up_within_ladder():
    pi = np.array([0.0, 0.09, 0.1, 0.5, 0.999, 1.0])
    np.testing.assert_array_equal(request_rung(pi, 5), [0, 0, 1, 3, 5, 5])
    assert request_rung(np.array([0.5]), 1).dtype == np.int64
    np.testing.assert_array_equal(request_rung(np.array([0.5, 0.5]), np.array([2, 9])), [1, 5])
