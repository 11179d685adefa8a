"""Why a utility actor would move: the utility of every rung of one channel, term by term.

:func:`explain_terms` reads a model in its current state; :func:`sim.model.runs.explain`
steps a fresh model of a scenario to a step first, so an analyst asks about one actor,
channel, step and run ("why did Seoul move in run 17 in March 2025?") without keeping the
model of an ensemble. The terms are those of :mod:`~sim.model.policies.utility`, named in
:data:`~sim.model.terms.TERM_NAMES`; their sum is the expected utility the next rung is drawn
from by the logit quantal response, whose probabilities are reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    prob = logit_probabilities(total, model.minds.precision[:, ly.owner[c]], allowed)
    pick = (lambda a: a.mean(axis=1)) if run is None else (lambda a: a[:, run])
    order = [t for t in TERM_NAMES if t in terms]
    df = pd.DataFrame({k: pick(terms[k]) for k in order}, index=list(ly.channels[c].rung_ids))
    df["total"] = pick(total)
    df["probability"] = pick(prob)
    level = model.level[:, c] if run is None else model.level[run : run + 1, c]
    df["current"] = np.arange(K) == int(np.rint(np.median(level)))
    df.index.name = "rung"
    return df


@dataclass
class Explanation:
    """One decision explained: a channel of one run at one step.

    Attributes:
        ref: the channel (``ACTOR.channel``); step: the step decided (1..horizon); date: its
            label; run: the run (a replication of the model that was stepped).
        terms: :func:`explain_terms` for that run before the decision.
        chosen: the rung the model then took (after max-step limits, events, duties and
            bounds: it may differ from what the policy drew).
        perceived: what the actor perceived from each other actor it has a dyad with: the
            hostility it felt, its belief that the other is expansionist.
        red_lines: each red line's common credibility, whether its owner perceives it crossed.
    """

    ref: str
    step: int
    date: str
    run: int
    terms: pd.DataFrame
    chosen: str
    perceived: pd.DataFrame
    red_lines: pd.DataFrame

    def render(self) -> str:
        """The explanation as plain text (what ``wargame explain`` prints)."""
        t = self.terms
        best = t["probability"].idxmax()
        lines = [
            f"{self.ref}, run {self.run}, step {self.step} ({self.date}): "
            f"most probable {best} ({t.loc[best, 'probability']:.0%}), chosen {self.chosen}",
            "",
            "Utility of each rung by term (their sum is `total`; logit choice probability):",
            t.drop(columns=["current"]).round(3).to_string(),
            "",
            "What it perceived (hostility felt, 0–10; belief the other is expansionist):",
            self.perceived.round(3).to_string(),
        ]
        if len(self.red_lines):
            lines += ["", "Red lines (credibility held by all; seen crossed by the owner):"]
            lines.append(self.red_lines.round(3).to_string())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def perceived_by(model: Any, actor: int, run: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(perceived, red_lines) tables of one actor in one run, in the model's current state."""
    ly = model.layout
    others = sorted({j for i, j in ly.dyads if i == actor})
    perceived = pd.DataFrame(
        {
            "hostility": [model.hostility[run, actor, j] for j in others],
            "belief_expansionist": [model.minds.belief[run, actor, j] for j in others],
        },
        index=pd.Index([ly.actors[j] for j in others], name="from"),
    )
    lines = pd.DataFrame(
        {
            "owner": [ly.actors[rl.owner] for rl in ly.red_lines],
            "credibility": model.red.credibility[run],
            "seen_crossed": model.red.perceived[run],
        },
        index=pd.Index([rl.id for rl in ly.red_lines], name="red_line"),
    )
    return perceived, lines
