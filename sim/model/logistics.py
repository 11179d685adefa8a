"""Munitions stocks and flows between actors (model.md §7).

Each step a stock moves as::

    S ← S + production + Σ inflows·(1 − dud) − Σ outflows − consumption

Stocks are arrays of shape (R, A, S): replications × actors × stock categories (indices in the
order the caller fixes, e.g. scenario order). Flows run on K links, each from one supplier
actor to one recipient actor in one category. Two rules hold under any input:

- **nobody gives what it does not hold**: a supplier's shipments on all its links drawing on the
  same stock are scaled down together, by one factor, so that they sum to at most
  ``max(0, stock − requirement)`` (with ``requirement = 0`` that is the whole stock);
- **arms are conserved**: what leaves a supplier arrives at the recipient, less duds; what an
  interdiction stops is turned back and stays with the supplier
  (``shipped = delivered + duds + interdicted``, to rounding).

No Python loop over replications or links: scatter-adds over flat (actor, category) indices.
The caller picks the order of production, transfer and consumption within a step; the
transfer caps use the stock it is given (inflows of the same transfer cannot be re-shipped).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "TransferResult",
    "consume",
    "produce",
    "production_at",
    "readiness",
    "transfer",
]


@dataclass(frozen=True)
class TransferResult:
    """Outcome of :func:`transfer`. R replications, K links, A actors, S stock categories.

    Attributes:
        shipped: (R, K) rounds that left each link's supplier (≤ requested).
        delivered: (R, K) usable rounds that reached the recipient, ``shipped·(1 − dud)``.
        duds: (R, K) rounds lost as duds, ``shipped − interdicted − delivered``.
        interdicted: (R, K) rounds stopped on the way and turned back to the supplier.
        stock: (R, A, S) stocks after the transfer, ≥ 0.
        outflow: (R, A, S) total that left each actor's stock (shipped less interdicted).
        inflow: (R, A, S) total usable rounds delivered into each actor's stock.
    """

    shipped: np.ndarray
    delivered: np.ndarray
    duds: np.ndarray
    stock: np.ndarray
    interdicted: np.ndarray
    outflow: np.ndarray
    inflow: np.ndarray


def _scatter(values: np.ndarray, flat_index: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """Sum (R, K) values into an (R, A, S) array at the links' flat (actor·S + category) index."""
    r, a, s = shape
    out = np.zeros((r, a * s))
    np.add.at(out, (slice(None), flat_index), values)
    return out.reshape(shape)


def transfer(
    stock: np.ndarray,
    requirement: np.ndarray,
    requested: np.ndarray,
    link_src: np.ndarray,
    link_dst: np.ndarray,
    link_cat: np.ndarray,
    dud: np.ndarray | float = 0.0,
    cut: np.ndarray | None = None,
) -> TransferResult:
    """Ship munitions along K links at once, capped by what each supplier can spare.

    For each supplier a and category c (model.md §7)::

        spare[a, c]   = max(0, stock[a, c] − requirement[a, c])
        asked[a, c]   = Σ_{k: src=a, cat=c} requested[k]
        scale[a, c]   = min(1, spare / asked)                  (1 when nothing is asked)
        shipped[k]    = requested[k] · scale[src_k, cat_k]
        interdicted[k] = shipped[k] · cut[k];       sent[k] = shipped[k] − interdicted[k]
        delivered[k]  = sent[k] · (1 − dud[k]);     duds[k] = sent[k] − delivered[k]
        stock'        = stock − Σ sent (at src) + Σ delivered (at dst)

    Scaling all of a supplier's links on one stock by the same factor keeps the policy's
    proportions when the stock binds. Shipments are simultaneous: every cap uses the stock
    passed in, before any inflow of this transfer.

    Args:
        stock: (R, A, S) current stocks.
        requirement: (R, A, S) stock each actor keeps for its own defence (0: none).
        requested: (R, K) rounds each link's policy wants to ship this step (negatives count
            as 0).
        link_src: (K,) supplier actor index of each link.
        link_dst: (K,) recipient actor index of each link.
        link_cat: (K,) stock category index of each link (same category at both ends).
        dud: dud rate in [0, 1], broadcastable to (R, K).
        cut: share of each link's shipment stopped by interdiction, (R, K) in [0, 1] (None: 0);
            what is stopped stays in the supplier's stock.

    Returns:
        A :class:`TransferResult`.
    """
    stock = np.asarray(stock, float)
    shape = stock.shape
    r, _, n_cat = shape
    src = np.asarray(link_src, np.intp)
    dst = np.asarray(link_dst, np.intp)
    cat = np.asarray(link_cat, np.intp)
    k = src.shape[0]
    requested = np.maximum(np.broadcast_to(np.asarray(requested, float), (r, k)), 0.0)
    dud = np.clip(np.broadcast_to(np.asarray(dud, float), (r, k)), 0.0, 1.0)
    requirement = np.broadcast_to(np.asarray(requirement, float), shape)

    src_flat = src * n_cat + cat
    dst_flat = dst * n_cat + cat
    spare = np.maximum(stock - requirement, 0.0).reshape(r, -1)
    asked = _scatter(requested, src_flat, shape).reshape(r, -1)
    # Divide only where the ask exceeds the spare: the ratio is then below 1 and cannot overflow.
    scale = np.divide(spare, asked, out=np.ones_like(spare), where=asked > spare)
    shipped = requested * scale[:, src_flat]
    if cut is None:
        interdicted = np.zeros_like(shipped)
        sent = shipped
    else:
        interdicted = shipped * np.clip(np.broadcast_to(np.asarray(cut, float), (r, k)), 0, 1)
        sent = shipped - interdicted
    delivered = sent * (1.0 - dud)
    duds = sent - delivered

    outflow = _scatter(sent, src_flat, shape)
    inflow = _scatter(delivered, dst_flat, shape)
    # Σ shipped ≤ spare ≤ stock up to rounding; the clip only absorbs ulps.
    new_stock = np.maximum(stock - outflow + inflow, 0.0)
    return TransferResult(
        shipped=shipped,
        delivered=delivered,
        duds=duds,
        stock=new_stock,
        outflow=outflow,
        inflow=inflow,
        interdicted=interdicted,
    )


def production_at(production: np.ndarray, ramp: np.ndarray, step: int) -> np.ndarray:
    """Output in a step: ``max(0, production + ramp·step)`` (a linear production ramp).

    Args:
        production: base output per step, any shape (e.g. (R, A, S)).
        ramp: output added per step, broadcastable to ``production``.
        step: the model step (0 at the start).

    Returns:
        Output this step, never negative (a negative ramp runs down to zero, not below).
    """
    return np.maximum(np.asarray(production, float) + np.asarray(ramp, float) * step, 0.0)


def produce(
    stock: np.ndarray, production: np.ndarray, ramp: np.ndarray, step: int
) -> tuple[np.ndarray, np.ndarray]:
    """Add one step of production to the stocks.

    Args:
        stock: (R, A, S) stocks.
        production: base output per step, broadcastable to ``stock``.
        ramp: output added per step, broadcastable to ``stock``.
        step: the model step.

    Returns:
        ``(new_stock, produced)``, both shaped like ``stock``.
    """
    stock = np.asarray(stock, float)
    produced = np.broadcast_to(production_at(production, ramp, step), stock.shape)
    return stock + produced, produced.copy()


def consume(stock: np.ndarray, amount: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Take ``amount`` from the stock, capped at what is held (no negative stock).

    Used for a front's firing (``FrontStepResult.fire_used``, already ≤ what was available)
    and for the scenario's flat ``consumption`` per step.

    Args:
        stock: stocks, any shape.
        amount: wanted consumption, broadcastable to ``stock`` (negatives count as 0).

    Returns:
        ``(new_stock, consumed)`` with ``consumed = min(max(amount, 0), max(stock, 0))``.
    """
    stock = np.asarray(stock, float)
    consumed = np.minimum(np.maximum(np.asarray(amount, float), 0.0), np.maximum(stock, 0.0))
    consumed = np.broadcast_to(consumed, stock.shape).copy()
    return stock - consumed, consumed


def readiness(stock: np.ndarray, requirement: np.ndarray) -> np.ndarray:
    """Readiness ``stock / requirement`` (model.md §3); NaN where there is no requirement.

    A stock with no requirement (≤ 0) has no readiness to report, so it is NaN rather than inf;
    ``np.nanmin`` over categories then gives an actor's readiness (NaN if none has a
    requirement), as the ``outcomes`` table wants (docs/contracts.md).

    Args:
        stock: stocks, any shape.
        requirement: broadcastable to ``stock``.

    Returns:
        Readiness, ≥ 0 or NaN, shaped like the broadcast of the inputs.
    """
    stock, requirement = np.broadcast_arrays(
        np.asarray(stock, float), np.asarray(requirement, float)
    )
    has = requirement > 0.0
    return np.divide(stock, requirement, out=np.full(stock.shape, np.nan), where=has)
