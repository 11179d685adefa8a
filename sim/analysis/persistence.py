"""The stickiness of policies: reversals per channel per run (``channel.<ref>.reversals``).

States do not go up a ladder one month and down the next as a rule; issue 8 (item 6) asks the
run summary to show how often the model's choices reverse so that analysts can check it. The
headline is the median over runs of the mean number of reversals over the channels chosen by
the utility policy (channels on fixed policies — ``always``, tit-for-tat... — do not choose
and would dilute it), with the channels that reverse most.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

TOP = 3
"""How many of the most reversing channels the summary names."""

ALL = "utility channels (mean)"
"""The name of the headline line."""


def reversal_bands(df: pd.DataFrame, scenario: Any = None) -> list[tuple[str, float, float, float]]:
    """``(name, median, 5th, 95th percentile)``: the headline, then the top channels.

    Empty when the outcomes table has no reversal columns (older results, no discrete channel).
    """
    cols = {
        c[len("channel.") : -len(".reversals")]: c
        for c in df.columns
        if c.startswith("channel.") and c.endswith(".reversals")
    }
    refs = [r for r in cols if _chooses(scenario, r)] or list(cols)
    if not refs or df.empty:
        return []
    counts = df[[cols[r] for r in refs]].to_numpy(dtype=float)  # (runs, channels)
    out = [(ALL, *_band(counts.mean(axis=1)))]
    med = np.median(counts, axis=0)
    mean = counts.mean(axis=0)
    order = sorted(range(len(refs)), key=lambda k: (-med[k], -mean[k], refs[k]))
    for k in order[:TOP]:
        if mean[k] > 0:
            out.append((refs[k], *_band(counts[:, k])))
    return out


def _chooses(scenario: Any, ref: str) -> bool:
    """Whether the channel's owner follows the utility policy (unknown: yes)."""
    actors = getattr(scenario, "actors", None)
    if not actors:
        return True
    actor = actors.get(ref.split(".", 1)[0])
    policy = getattr(actor, "policy", None)
    return policy in (None, "utility")


def _band(v: np.ndarray) -> tuple[float, float, float]:
    lo, med, hi = np.quantile(v, [0.05, 0.5, 0.95])
    return float(med), float(lo), float(hi)
