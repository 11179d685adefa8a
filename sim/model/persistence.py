"""Reversals of a rung path: how sticky each channel's policy is from month to month.

States rarely go up a ladder one month and down the next; a model whose choices random-walk
does. A **reversal** is a move against the direction of the last move: up after the last move
was down, or down after up. Plateaus between the moves keep the direction (0, 1, 1, 2 has no
reversal; 0, 1, 2, 1, 1, 2 has two). Counting them per run and channel lets analysts compare
the model's stickiness with what states do (issue 8, item 6).
"""

from __future__ import annotations

import numpy as np


def reversals(levels: np.ndarray) -> np.ndarray:
    """(R, C) number of reversals of each run's and channel's path in ``levels`` (R, T+1, C).

    Vectorised over runs and channels: the index of the last move before each step is carried
    forward with a running maximum, so no loop runs over runs or steps.
    """
    move = np.sign(np.diff(levels, axis=1))  # (R, T, C) in {-1, 0, +1}
    R, T, C = move.shape
    if T < 2:
        return np.zeros((R, C), dtype=np.int64)
    steps = np.arange(T)[None, :, None]
    last = np.maximum.accumulate(np.where(move != 0, steps, -1), axis=1)
    before = np.concatenate([np.full((R, 1, C), -1), last[:, :-1]], axis=1)
    prior = np.take_along_axis(move, np.maximum(before, 0), axis=1)
    flip = (move != 0) & (before >= 0) & (prior != move)
    return flip.sum(axis=1).astype(np.int64)
