"""Stocks and flows: conservation, caps, no negative stock."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.logistics import consume, produce, production_at, readiness, transfer

# Three actors (0 supplier, 1 recipient, 2 third party), two categories.
SRC = np.array([0, 0, 2])
DST = np.array([1, 2, 1])
CAT = np.array([0, 0, 1])


def _stock(r, values):
    return np.broadcast_to(np.asarray(values, float), (r, 3, 2)).copy()


def test_shared_cap_scales_a_suppliers_links_together():
    stock = _stock(1, [[100, 0], [0, 0], [0, 50]])
    requirement = _stock(1, [[40, 0], [0, 0], [0, 0]])
    res = transfer(stock, requirement, np.array([[40.0, 80.0, 10.0]]), SRC, DST, CAT, dud=0.25)
    # Actor 0 can spare 60 of 120 asked: both its links get half, proportions kept.
    np.testing.assert_allclose(res.shipped, [[20.0, 40.0, 10.0]])
    np.testing.assert_allclose(res.delivered, [[15.0, 30.0, 7.5]])
    np.testing.assert_allclose(res.duds, [[5.0, 10.0, 2.5]])
    np.testing.assert_allclose(res.stock[0], [[40, 0], [15, 7.5], [30, 40]])
    np.testing.assert_allclose(res.outflow[0], [[60, 0], [0, 0], [0, 10]])
    np.testing.assert_allclose(res.inflow[0], [[0, 0], [15, 7.5], [30, 0]])


def test_requests_below_the_cap_ship_in_full():
    stock = _stock(2, [[100, 0], [0, 0], [0, 50]])
    res = transfer(stock, 0.0, np.array([[10.0, 20.0, 5.0]] * 2), SRC, DST, CAT)
    np.testing.assert_allclose(res.shipped, [[10.0, 20.0, 5.0]] * 2)
    np.testing.assert_allclose(res.delivered, res.shipped)
    assert (res.duds == 0).all()


def test_nothing_ships_below_requirement_and_from_empty_stock():
    stock = _stock(1, [[30, 0], [0, 0], [0, 0]])
    requirement = _stock(1, [[40, 0], [0, 0], [0, 0]])
    res = transfer(stock, requirement, np.array([[5.0, 5.0, 5.0]]), SRC, DST, CAT)
    assert (res.shipped == 0).all()
    np.testing.assert_array_equal(res.stock, stock)


def test_requirement_zero_lets_the_whole_stock_go():
    stock = _stock(1, [[30, 0], [0, 0], [0, 0]])
    res = transfer(stock, 0.0, np.array([[100.0, 50.0, 0.0]]), SRC, DST, CAT)
    assert res.shipped[0, :2].sum() == pytest.approx(30.0)
    assert res.stock[0, 0, 0] == pytest.approx(0.0, abs=1e-12)


def test_transfers_are_simultaneous():
    # Actor 2 receives from 0 and ships on to 1 in category 0: it can only pass on what it
    # held before this transfer.
    src, dst, cat = np.array([0, 2]), np.array([2, 1]), np.array([0, 0])
    stock = _stock(1, [[50, 0], [0, 0], [5, 0]])
    res = transfer(stock, 0.0, np.array([[50.0, 50.0]]), src, dst, cat)
    np.testing.assert_allclose(res.shipped, [[50.0, 5.0]])
    np.testing.assert_allclose(res.stock[0, :, 0], [0.0, 5.0, 50.0])


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    r=st.integers(1, 5),
    a=st.integers(1, 4),
    s=st.integers(1, 3),
    k=st.integers(0, 8),
)
def test_conservation_and_no_negative_stock(seed, r, a, s, k):
    g = np.random.default_rng(seed)

    def wild(shape, hi):
        return np.where(g.random(shape) < 0.25, 0.0, g.uniform(0, hi, shape))

    stock = wild((r, a, s), 1e6)
    requirement = wild((r, a, s), 1e6)
    requested = wild((r, k), 2e6)
    src, dst, cat = g.integers(0, a, k), g.integers(0, a, k), g.integers(0, s, k)
    dud = wild((r, k), 1.0)
    res = transfer(stock, requirement, requested, src, dst, cat, dud)

    assert (res.stock >= 0).all()
    assert (res.shipped >= 0).all() and (res.shipped <= requested + 1e-9).all()
    # Every link: what left = what arrived + duds.
    np.testing.assert_allclose(res.shipped, res.delivered + res.duds, rtol=1e-12, atol=0)
    # Each actor's change is exactly its inflow minus its outflow.
    np.testing.assert_allclose(
        res.stock - stock, res.inflow - res.outflow, rtol=0, atol=1e-9 * (1 + stock.max())
    )
    # Total stock falls by the duds, nothing else.
    np.testing.assert_allclose(
        res.stock.sum(axis=(1, 2)), stock.sum(axis=(1, 2)) - res.duds.sum(axis=1), rtol=1e-12
    )
    # Nobody gives what it does not hold: outflow ≤ spare stock above requirement.
    spare = np.maximum(stock - requirement, 0.0)
    assert (res.outflow <= spare * (1 + 1e-12) + 1e-9).all()
    # The cap binds: a supplier asked for more than it can spare ships all of its spare.
    asked = np.zeros((r, a, s))
    for j in range(k):
        asked[:, src[j], cat[j]] += requested[:, j]
    binds = asked > spare
    np.testing.assert_allclose(res.outflow[binds], spare[binds], rtol=1e-12)
    np.testing.assert_allclose(res.outflow[~binds], asked[~binds], rtol=1e-12)


def test_production_ramp_and_floor():
    assert production_at(100.0, 10.0, 3) == 130.0
    assert production_at(100.0, -40.0, 5) == 0.0
    stock, made = produce(np.full((2, 1, 1), 5.0), 100.0, 10.0, step=2)
    np.testing.assert_array_equal(stock, np.full((2, 1, 1), 125.0))
    np.testing.assert_array_equal(made, np.full((2, 1, 1), 120.0))


def test_consumption_is_capped_at_stock():
    stock, used = consume(np.array([[10.0, 50.0, 0.0]]), np.array([[30.0, 20.0, -5.0]]))
    np.testing.assert_array_equal(used, [[10.0, 20.0, 0.0]])
    np.testing.assert_array_equal(stock, [[0.0, 30.0, 0.0]])


@settings(max_examples=50, deadline=None)
@given(
    stock=st.lists(st.floats(0, 1e7), min_size=1, max_size=6),
    amount=st.floats(-1e7, 1e8),
)
def test_consume_never_goes_negative(stock, amount):
    s = np.array([stock])
    new, used = consume(s, amount)
    assert (new >= 0).all()
    np.testing.assert_allclose(new + used, s)


def test_readiness_is_nan_without_requirement():
    r = readiness(np.array([[2.0e6, 5.0, 0.0]]), np.array([[1.0e6, 0.0, 4.0]]))
    assert r[0, 0] == 2.0
    assert np.isnan(r[0, 1])
    assert r[0, 2] == 0.0
