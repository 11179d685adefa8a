"""Why a utility actor would move: the utility of every rung of one channel, term by term.

:func:`explain_terms` reads a model in its current state; :func:`sim.model.simulate.explain`
steps a fresh model of a scenario to a step first, so an analyst asks about one actor,
channel, step and run ("why did Seoul move in run 17 in March 2025?") without keeping the
model of an ensemble. The terms are those of :mod:`~sim.model.policies.utility`, named in
:data:`~sim.model.terms.TERM_NAMES`; their sum is the expected utility the next rung is drawn
from by the logit quantal response, whose probabilities are reported beside it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .choice import logit_probabilities
from .errors import ModelError
from .policies.utility import Utility
from .terms import TERM_NAMES


def explain_terms(model: Any, ref: str, run: int | None = None) -> pd.DataFrame:
    """The utility terms of channel ``ref`` by rung in the model's current state.

    Args:
        model: a model (any step before its horizon).
        ref: ``ACTOR.channel`` of a channel played by the utility policy.
        run: one replication; None: the mean over replications.

    Returns:
        A DataFrame indexed by rung: one column per term present, ``total`` (their sum, the
        expected utility), ``probability`` (the logit choice probability; 0 for rungs beyond
        ``max_step``) and ``current`` (True on the rung the channel is at).
    """
    ly = model.layout
    if ref not in ly.channel_index:
        raise ModelError(f"explain: no channel {ref!r}")
    c = ly.channel_index[ref]
    pol = next((p for p in model.policies if c in p.channels), None)
    if not isinstance(pol, Utility):
        raise ModelError(f"{ref}: explain() needs a channel played by the utility policy")
    if run is not None and not 0 <= run < model.R:
        raise ModelError(f"explain: run {run} is not in 0..{model.R - 1}")
    terms, allowed = pol.explain(model, ref)
    K = int(ly.n_rungs[c])
    terms = {k: np.broadcast_to(v, (K, model.R)) for k, v in terms.items()}
    total = sum(terms.values())
    prob = logit_probabilities(total, model.precision[:, ly.owner[c]], allowed)
    pick = (lambda a: a.mean(axis=1)) if run is None else (lambda a: a[:, run])
    order = [t for t in TERM_NAMES if t in terms]
    df = pd.DataFrame({k: pick(terms[k]) for k in order}, index=list(ly.channels[c].rung_ids))
    df["total"] = pick(total)
    df["probability"] = pick(prob)
    level = model.level[:, c] if run is None else model.level[run : run + 1, c]
    df["current"] = np.arange(K) == int(np.rint(np.median(level)))
    df.index.name = "rung"
    return df
