"""Battlefields: Lanchester's aimed-fire (square-law) model with ammunition, in daily sub-steps.

One front has two sides, indexed 0 and 1 in the order of the scenario's ``sides`` mapping. Every
array has the replication axis R first. Per sub-step of length ``dτ = days / substeps`` days
(model.md §7; Lanchester 1916)::

    F_s   = min(F_req, available_remaining / remaining_days)      rounds/day fired
    q_s   = (F_s / F_req) ** η                                      (q = 1 when F_req = 0)
    dN_0/dτ = −k_1·q_1·N_1 + m_0
    dN_1/dτ = −k_0·q_0·N_0 + m_1

With q = 1 and m = 0 this is exactly Lanchester's square law: ``k_0·N_0² − k_1·N_1²`` is
conserved and side 0 wins iff ``k_0·N_0(0)² > k_1·N_1(0)²``.

Integration is exact, not a numerical scheme: within a sub-step q and m are constant, so the
system is linear, ``x' = M·x + m`` with ``M = [[0, −a_1], [−a_0, 0]]``, ``a_i = k_i·q_i``, and
its solution is the matrix exponential in closed hyperbolic form (see :func:`_propagate`). When
a side reaches zero inside a sub-step the crossing time is found by bisection (to ~1e-15 of the
sub-step) and the side is held at zero from then on while attrition exceeds its reinforcement.
The only approximation is that ammunition (hence q) is piecewise constant per sub-step.

No Mesa, no pandas: pure numpy over the replication axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "BALANCE_CAP",
    "FrontParams",
    "FrontState",
    "FrontStepResult",
    "advance",
    "balance",
    "square_law",
]

BALANCE_CAP = 10.0
"""|z| is clipped to this (a fighting-power ratio of e¹⁰ ≈ 22,000): a side at zero forces gives a
finite balance and a finite territory change (at most ``κ·(BALANCE_CAP − θ)`` per step)."""

_BISECTIONS = 52  # halvings of the sub-step when locating a side's annihilation (2⁻⁵² ≈ 2e-16)
_MAX_CROSSINGS = 4  # nested zero-crossings resolved exactly within one sub-step
_Y_MAX = 300.0  # cap on ω·t inside cosh/sinh (e³⁰⁰ ≈ 1e130): no overflow, signs preserved


@dataclass(frozen=True)
class FrontParams:
    """Per-replication parameters of one front (sides 0 and 1 in the scenario's order).

    Attributes:
        lethality: k, shape (R, 2): casualties a side inflicts per unit of its forces per day at
            full fire (q = 1).
        reinforcement: m, shape (R, 2): forces added per day.
        fire_need: F_req, shape (R, 2): rounds per day a side needs for full effect; 0 means no
            ammunition constraint (q = 1 always). Or (R, 2, M): one need per stock category a
            side fires (shells, drones, missiles; M the most categories of a side).
        fire_elasticity: η, shape (R,): how strongly a shortfall cuts effectiveness.
        per_unit: κ, shape (R,): km² of territory per step per unit of balance above threshold.
        threshold: θ, shape (R,): |balance| below which the line does not move.
    """

    lethality: np.ndarray
    reinforcement: np.ndarray
    fire_need: np.ndarray
    fire_elasticity: np.ndarray
    per_unit: np.ndarray
    threshold: np.ndarray


@dataclass(frozen=True)
class FrontState:
    """State of one front.

    Attributes:
        forces: N, shape (R, 2), ≥ 0.
        territory: shape (R,), cumulative km² gained by side 0 (negative: gained by side 1).
    """

    forces: np.ndarray
    territory: np.ndarray


@dataclass(frozen=True)
class FrontStepResult:
    """What one step of :func:`advance` produced. All arrays have R first.

    Attributes:
        forces: (R, 2) forces at the end of the step, ≥ 0.
        territory: (R,) cumulative territory after the step, ``state.territory + territory_change``.
        territory_change: (R,) km² gained by side 0 this step, ``κ·sign(z)·max(0, |z| − θ)``.
        balance: (R,) z at the end of the step, positive when side 0 is stronger.
        fire_used: (R, 2) rounds consumed over the step (≤ fire_available) — subtract from stock;
            (R, 2, M) per category when the need is given per category.
        shortfall: (R, 2) ``1 − fire_used / (F_req·days)`` in [0, 1]; 0 when F_req = 0; (R, 2, M)
            per category when the need is.
        q: (R, 2) fire effectiveness, mean over the sub-steps (1 when F_req = 0).
    """

    forces: np.ndarray
    territory: np.ndarray
    territory_change: np.ndarray
    balance: np.ndarray
    fire_used: np.ndarray
    shortfall: np.ndarray
    q: np.ndarray

    @property
    def state(self) -> FrontState:
        """The new front state, to pass to the next :func:`advance`."""
        return FrontState(forces=self.forces, territory=self.territory)


def balance(
    lethality: np.ndarray,
    q: np.ndarray,
    forces: np.ndarray,
    cap: float = BALANCE_CAP,
) -> np.ndarray:
    """Battlefield balance ``z = ln(k_0·q_0·N_0² / (k_1·q_1·N_1²))`` (model.md §7).

    The logarithm of the ratio of square-law fighting powers: positive when side 0 is stronger,
    0 at parity. Zeros are guarded: each power is floored at the smallest positive float before
    the logarithm and z is clipped to ``±cap``, so a side with no forces (or no ammunition) gives
    ``±cap`` and two empty sides give 0 — never NaN or inf.

    Args:
        lethality: k, (R, 2).
        q: fire effectiveness, (R, 2).
        forces: N, (R, 2).
        cap: bound on |z|.

    Returns:
        z, shape (R,).
    """
    power = np.asarray(lethality, float) * np.asarray(q, float) * np.asarray(forces, float) ** 2
    tiny = np.finfo(float).tiny
    logp = np.log(np.maximum(power, tiny))
    z = logp[:, 0] - logp[:, 1]
    return np.clip(z, -cap, cap)


def square_law(
    n0: np.ndarray | float,
    n1: np.ndarray | float,
    k0: np.ndarray | float,
    k1: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closed-form outcome of Lanchester's square law (q = 1, m = 0; Lanchester 1916).

    ``dN_0/dt = −k_1·N_1``, ``dN_1/dt = −k_0·N_0``. Side 0 wins iff ``k_0·n0² > k_1·n1²``; the
    winner keeps ``√(n_w² − (k_l/k_w)·n_l²)``; the loser reaches zero at
    ``t = artanh(√(k_l/k_w)·n_l/n_w) / √(k_0·k_1)``. Example (model.md §9): n0 = 100, n1 = 80,
    k = 0.01 both: 60 survive and side 1 reaches zero at 100·ln 3 ≈ 109.86 days.

    Args:
        n0, n1: initial forces (> 0).
        k0, k1: lethalities (> 0).

    Returns:
        ``(side0_wins, survivors, time_to_zero)``; at an exact tie both sides reach zero only
        asymptotically (survivors 0, time inf).
    """
    n0, n1, k0, k1 = (np.asarray(x, float) for x in (n0, n1, k0, k1))
    wins0 = k0 * n0**2 > k1 * n1**2
    nw, nl = np.where(wins0, n0, n1), np.where(wins0, n1, n0)
    kw, kl = np.where(wins0, k0, k1), np.where(wins0, k1, k0)
    survivors = np.sqrt(np.maximum(nw**2 - (kl / kw) * nl**2, 0.0))
    ratio = np.sqrt(kl / kw) * nl / nw
    with np.errstate(divide="ignore"):
        t = np.where(ratio < 1.0, np.arctanh(np.minimum(ratio, 1.0)), np.inf) / np.sqrt(k0 * k1)
    return wins0, survivors, t


def _propagate(n: np.ndarray, a: np.ndarray, m: np.ndarray, t: np.ndarray | float) -> np.ndarray:
    """Exact solution of ``x' = M·x + m`` at time t, ``M = [[0, −a_1], [−a_0, 0]]``.

    ``exp(M·t) = C·I + S·M`` and ``∫₀ᵗ exp(M·s) ds = S·I + D·M`` with ``ω = √(a_0·a_1)``,
    ``C = cosh ωt``, ``S = sinh(ωt)/ω``, ``D = (cosh ωt − 1)/ω²``; S and D are entire in ω², so
    the formula holds at ω = 0 (S = t, D = t²/2). Hence::

        N_0(t) = C·n_0 + S·(m_0 − a_1·n_1) − D·a_1·m_1
        N_1(t) = C·n_1 + S·(m_1 − a_0·n_0) − D·a_0·m_0

    Args:
        n: (R, 2) forces at time 0.
        a: (R, 2) effective lethality k·q.
        m: (R, 2) reinforcement per day.
        t: time in days, scalar or (R,).

    Returns:
        (R, 2) forces at time t (may be negative: the caller clips or finds the crossing).
    """
    t = np.broadcast_to(np.asarray(t, float), n.shape[:1])
    omega = np.sqrt(a[:, 0] * a[:, 1])
    y = np.minimum(omega * t, _Y_MAX)
    small = y < 1e-4
    ys = np.where(small, 1.0, y)
    c = np.cosh(y)
    # sinh(y)/y and 2·sinh²(y/2)/y² with their Taylor series near 0 (no 0/0).
    sinhc = np.where(small, 1.0 + y**2 / 6.0, np.sinh(ys) / ys)
    half = np.sinh(ys / 2.0) / (ys / 2.0)
    coshc = np.where(small, 0.5 + y**2 / 24.0, 0.5 * half**2)
    s = t * sinhc
    d = t**2 * coshc
    out = np.empty_like(n)
    out[:, 0] = c * n[:, 0] + s * (m[:, 0] - a[:, 1] * n[:, 1]) - d * a[:, 1] * m[:, 1]
    out[:, 1] = c * n[:, 1] + s * (m[:, 1] - a[:, 0] * n[:, 0]) - d * a[:, 0] * m[:, 0]
    return out


def _substep(
    n: np.ndarray, a: np.ndarray, m: np.ndarray, dt: np.ndarray, depth: int = 0
) -> np.ndarray:
    """Advance forces by dt days (per replication), exactly, with forces kept ≥ 0.

    Per replication, as masks:

    - a side already at zero whose attrition outweighs its reinforcement (``a_j·N_j ≥ m_i``)
      stays at zero and the other side grows by ``m_j·dt`` (exact: it takes no fire, so its
      opponent's net inflow only falls further);
    - otherwise the closed form :func:`_propagate`; if a side would end below zero, the
      crossing time t* is found by bisection, that side is set to zero at t*, and the rest of
      the interval is advanced by this same function (held, or the closed form again if its
      reinforcement now outweighs the fire it takes);
    - a final ``max(0, ·)`` absorbs rounding (and, past ``_MAX_CROSSINGS`` nested crossings in
      one sub-step — never seen outside contrived inputs — the remainder's sign error).
    """
    big = np.maximum(n, 0.0)
    # Held: side i at zero, net inflow m_i − a_j·N_j ≤ 0 (j = 1 − i).
    held0 = (big[:, 0] <= 0.0) & (m[:, 0] - a[:, 1] * big[:, 1] <= 0.0)
    held1 = (big[:, 1] <= 0.0) & (m[:, 1] - a[:, 0] * big[:, 0] <= 0.0) & ~held0
    free = ~(held0 | held1)
    all_free = bool(free.all())
    out = np.empty_like(big)
    if not all_free:
        out[held0, 0] = 0.0
        out[held0, 1] = big[held0, 1] + m[held0, 1] * dt[held0]
        out[held1, 1] = 0.0
        out[held1, 0] = big[held1, 0] + m[held1, 0] * dt[held1]

    if all_free or free.any():
        # Boolean-mask copies only when some replications are held (the common case is none).
        nf, af, mf, tf = (big, a, m, dt) if all_free else (big[free], a[free], m[free], dt[free])
        end = _propagate(nf, af, mf, tf)
        cross = np.minimum(end[:, 0], end[:, 1]) < 0.0  # not .min(axis=1): 20× faster on (R, 2)
        if cross.any():
            nc, ac, mc, tc = nf[cross], af[cross], mf[cross], tf[cross]
            lo = np.zeros(len(nc))
            hi = tc.copy()
            for _ in range(_BISECTIONS):
                mid = 0.5 * (lo + hi)
                neg = _propagate(nc, ac, mc, mid).min(axis=1) < 0.0
                hi = np.where(neg, mid, hi)
                lo = np.where(neg, lo, mid)
            at = np.maximum(_propagate(nc, ac, mc, lo), 0.0)
            loser = np.argmin(_propagate(nc, ac, mc, hi), axis=1)
            at[np.arange(len(nc)), loser] = 0.0
            rest = tc - lo
            if depth < _MAX_CROSSINGS:
                end[cross] = _substep(at, ac, mc, rest, depth + 1)
            else:
                end[cross] = _propagate(at, ac, mc, rest)
        if all_free:
            return np.maximum(end, 0.0)
        out[free] = end
    return np.maximum(out, 0.0)


def advance(
    state: FrontState,
    params: FrontParams,
    fire_available: np.ndarray,
    days: float,
    substeps: int,
    *,
    balance_cap: float = BALANCE_CAP,
    fire_share: np.ndarray | None = None,
) -> FrontStepResult:
    """Advance one front by one model step of ``days`` days in ``substeps`` equal sub-steps.

    Per sub-step s (model.md §7; Lanchester 1916), with ``dτ = days/substeps``::

        F_s = min(F_req, available_remaining / remaining_days)       (rounds/day)
        q_s = (F_s / F_req) ** η          (q = 1 where F_req = 0: no ammunition constraint)
                                          (several categories c: q_s = Σ_c s_c·q_c)
        dN_0/dτ = −k_1·q_1·N_1 + m_0,  dN_1/dτ = −k_0·q_0·N_0 + m_1    (exact, N ≥ 0)

    so a side short of ammunition spreads what it has evenly over the step and never fires more
    than it holds. After the last sub-step::

        z = ln(k_0·q̄_0·N_0² / (k_1·q̄_1·N_1²))       (end-of-step forces, mean q over sub-steps)
        ΔT = κ·sign(z)·max(0, |z| − θ)              (positive: side 0 gains ground)

    Duds are the caller's business: pass as ``fire_available`` only usable rounds (see
    :func:`sim.model.logistics.transfer`, which delivers ``shipped·(1 − dud)``). Subtract
    ``fire_used`` from the stock afterwards.

    Args:
        state: forces (R, 2) and cumulative territory (R,).
        params: per-replication parameters (arrays broadcastable to (R, 2) / (R,)).
        fire_available: (R, 2) usable rounds each side may fire over the whole step; (R, 2, M)
            per category when ``params.fire_need`` is (R, 2, M).
        days: length of the step in days (> 0).
        substeps: number of equal sub-steps (≥ 1; e.g. ``round(days)`` for daily sub-steps).
        balance_cap: bound on |z| (see :func:`balance`).
        fire_share: s, (R, 2, M), with a (R, 2, M) ``fire_need``: each category's share of the
            side's effectiveness, summing to 1 over a side's categories (None: equal shares).

    Returns:
        A :class:`FrontStepResult`; its ``.state`` feeds the next call.

    Raises:
        ValueError: if ``substeps < 1`` or ``days <= 0``.
    """
    if substeps < 1:
        raise ValueError(f"substeps must be at least 1, not {substeps}")
    if not days > 0:
        raise ValueError(f"days must be positive, not {days}")
    n = np.maximum(np.asarray(state.forces, float), 0.0)
    shape = n.shape
    r = shape[0]
    k = np.broadcast_to(np.asarray(params.lethality, float), shape)
    m = np.broadcast_to(np.asarray(params.reinforcement, float), shape)
    need_in = np.asarray(params.fire_need, float)
    per_category = need_in.ndim == 3
    fshape = need_in.shape if per_category else (*shape, 1)
    need = np.maximum(np.broadcast_to(need_in.reshape(fshape), fshape), 0.0)
    eta = np.broadcast_to(np.asarray(params.fire_elasticity, float), (r,))[:, None, None]
    share = None
    if per_category and fshape[2] > 1:
        share = np.ones(fshape) / fshape[2] if fire_share is None else fire_share
        share = np.broadcast_to(np.asarray(share, float), fshape)
    kappa = np.broadcast_to(np.asarray(params.per_unit, float), (r,))
    theta = np.broadcast_to(np.asarray(params.threshold, float), (r,))
    available = np.maximum(
        np.broadcast_to(np.asarray(fire_available, float).reshape(fshape), fshape), 0.0
    )

    # q_side = Σ_c s_c·q_c, q_c = (F_c/F_req,c)^η: the heterogeneous Lanchester form (the
    # casualties a side inflicts are the sum over its weapon systems; Taylor 1983), s_c the
    # share of the side's full-fire effect that category c delivers; with one category it is
    # the single-stock q exactly.
    constrained = need > 0.0
    remaining = available.copy()
    used = np.zeros(fshape)
    q_sum = np.zeros(shape)
    dt = days / substeps
    for s in range(substeps):
        days_left = days - s * dt
        rate = np.minimum(need, remaining / days_left)
        spend = np.minimum(rate * dt, remaining)
        remaining = remaining - spend
        used = used + spend
        ratio = np.divide(rate, need, out=np.ones(fshape), where=constrained)
        q = np.where(constrained, np.power(np.clip(ratio, 0.0, 1.0), eta), 1.0)
        q = q[:, :, 0] if share is None else (share * q).sum(axis=2)
        q_sum += q
        n = _substep(n, k * q, m, np.full(r, dt))
    q_mean = q_sum / substeps

    total_need = need * days
    shortfall = np.where(
        total_need > 0.0,
        1.0 - np.divide(used, total_need, out=np.ones(fshape), where=total_need > 0.0),
        0.0,
    )
    used = np.minimum(used, available)
    if not per_category:
        used, shortfall = used[:, :, 0], shortfall[:, :, 0]
    z = balance(k, q_mean, n, balance_cap)
    change = kappa * np.sign(z) * np.maximum(0.0, np.abs(z) - theta)
    territory = np.asarray(state.territory, float) + change
    return FrontStepResult(
        forces=n,
        territory=territory,
        territory_change=change,
        balance=z,
        fire_used=used,
        shortfall=np.clip(shortfall, 0.0, 1.0),
        q=q_mean,
    )
