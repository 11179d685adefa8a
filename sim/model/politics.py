"""Domestic approval and patron pressure (model.md §7).

Elementwise numpy functions: every argument is an array of shape (R,) — or (R, A) for all
actors at once — or broadcastable to it. Random noise is passed in, drawn by the caller from the
model's generator every step whether or not it is used (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "ApprovalParams",
    "patron_pressure",
    "request_rung",
    "sigmoid",
    "update_approval",
]


@dataclass(frozen=True)
class ApprovalParams:
    """Per-replication approval parameters of an actor (scenario ``actors.X.approval``).

    Attributes:
        baseline: Ā, the level approval reverts to.
        reversion: ρ in [0, 1], the share of the gap to Ā closed each step.
        rally: gain when provoked and answering assertively (rally round the flag).
        arms_penalty: loss per unit of opposed share when arming beyond the tolerated rung.
        opposed_share: share of the public opposed to arming (e.g. 0.64 in Korea, Nov 2024).
        audience_cost: loss when one's own red line is crossed and not enforced (Fearon 1994).
        noise: standard deviation of the per-step shock.
    """

    baseline: np.ndarray
    reversion: np.ndarray
    rally: np.ndarray
    arms_penalty: np.ndarray
    opposed_share: np.ndarray
    audience_cost: np.ndarray
    noise: np.ndarray


def update_approval(
    approval: np.ndarray,
    params: ApprovalParams,
    *,
    provoked_assertive: np.ndarray,
    arming_beyond: np.ndarray,
    red_line_unenforced: np.ndarray,
    eps: np.ndarray,
) -> np.ndarray:
    """One step of approval (model.md §7)::

        A ← clip(A + ρ·(Ā − A)
                   + rally · [provoked and assertive]
                   − arms_penalty · opposed_share · [arming beyond a rung]
                   − audience_cost · [own red line crossed, not enforced]
                   + noise · ε,  0, 1)

    The bracketed indicators may be bools or floats (a float scales the term: e.g. the number
    of one's red lines crossed and not enforced, or a degree of arming beyond the rung). For
    per-red-line audience costs pass ``audience_cost = Σ cost_l·[unenforced_l]`` and an
    indicator of 1.

    Args:
        approval: A, current approval in [0, 1].
        params: the actor's :class:`ApprovalParams`.
        provoked_assertive: provoked this step and answering assertively.
        arming_beyond: arming beyond the rung the public tolerates.
        red_line_unenforced: own red line perceived crossed and the committed response not made.
        eps: ε, standard normal draws (shape of ``approval``), from the model's generator.

    Returns:
        New approval, in [0, 1].
    """
    a = np.asarray(approval, float)
    p = params
    new = (
        a
        + np.asarray(p.reversion, float) * (np.asarray(p.baseline, float) - a)
        + np.asarray(p.rally, float) * np.asarray(provoked_assertive, float)
        - np.asarray(p.arms_penalty, float)
        * np.asarray(p.opposed_share, float)
        * np.asarray(arming_beyond, float)
        - np.asarray(p.audience_cost, float) * np.asarray(red_line_unenforced, float)
        + np.asarray(p.noise, float) * np.asarray(eps, float)
    )
    return np.clip(new, 0.0, 1.0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic ``σ(x) = 1 / (1 + e⁻ˣ)``, written as ``(1 + tanh(x/2))/2`` so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, float)))


def patron_pressure(
    a0: np.ndarray,
    trend: np.ndarray,
    gap: np.ndarray,
    recent_gains: np.ndarray,
    shortfall: np.ndarray,
) -> np.ndarray:
    """Patron pressure ``π = σ(a0 + trend·recent_gains + gap·shortfall)`` (model.md §7).

    As the front shifts toward the adversary and the recipient runs short of shells, the patron
    presses its client harder (the seed: Washington pressing Seoul).

    Args:
        a0: intercept (σ(a0) is the pressure in quiet times).
        trend: weight of the adversary's recent gains.
        gap: weight of the recipient's ammunition shortfall.
        recent_gains: the adversary's recent territorial gains, in the units ``trend`` was set
            for (e.g. the last step's km² divided by the front's ``per_unit``, i.e. balance
            units above threshold); negative when the adversary lost ground.
        shortfall: the recipient's fire shortfall in [0, 1] (``FrontStepResult.shortfall``).

    Returns:
        π in [0, 1].
    """
    x = (
        np.asarray(a0, float)
        + np.asarray(trend, float) * np.asarray(recent_gains, float)
        + np.asarray(gap, float) * np.asarray(shortfall, float)
    )
    return sigmoid(x)


def request_rung(pi: np.ndarray, max_rung: int | np.ndarray) -> np.ndarray:
    """The rung the patron asks of its client: ``round(π·max_rung)`` (model.md §7).

    Rounds half up (``floor(π·max_rung + 0.5)``, not numpy's half-to-even), so a tie asks for
    the higher rung; clipped to ``[0, max_rung]``.

    Args:
        pi: pressure π in [0, 1].
        max_rung: index of the top rung of the client's ladder on the pressured channel.

    Returns:
        Integer rung indices (int64), shaped like ``pi``.
    """
    top = np.asarray(max_rung)
    raw = np.floor(np.asarray(pi, float) * top + 0.5)
    return np.clip(raw, 0, top).astype(np.int64)
