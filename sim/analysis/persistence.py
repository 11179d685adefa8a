"""The stickiness of policies: reversals per channel per run (``channel.<ref>.reversals``).

States do not go up a ladder one month and down the next as a rule; issue 8 (item 6) asks the
run summary to show how often the model's choices reverse so that analysts can check it. The
headline is the median over runs of the mean number of reversals over the channels chosen by
the utility policy (channels on fixed policies — ``always``, tit-for-tat... — do not choose
and would dilute it), with the channels that reverse most.
"""

from __future__ import annotations

from typing import Any

from sim.analysis.outcome_stats import ArmOutcomes
from sim.analysis.query import _ident
from sim.outcomes import column, subjects

TOP = 3
"""How many of the most reversing channels the summary names."""

ALL = "utility channels (mean)"

QS = "[0.05, 0.5, 0.95]"
"""The name of the headline line."""


def reversal_bands(o: ArmOutcomes, scenario: Any = None) -> list[tuple[str, float, float, float]]:
    """``(name, median, 5th, 95th percentile)``: the headline, then the top channels.

    ``o``: one arm's outcomes (:class:`~sim.analysis.outcome_stats.ArmOutcomes`). Empty when
    the outcomes table has no reversal columns (older results, no discrete channel).
    """
    cols = {
        r: column("channel", r, "reversals") for r in subjects(o.columns, "channel", "reversals")
    }
    refs = [r for r in cols if _chooses(scenario, r)] or list(cols)
    if not refs or o.n == 0:
        return []
    quoted = [_ident(cols[r]) for r in refs]
    per_run = f"(({' + '.join(f'CAST({c} AS DOUBLE)' for c in quoted)}) / {len(refs)})"
    exprs = {"all": f"quantile_cont({per_run}, {QS})"}
    for k, c in enumerate(quoted):
        exprs |= {
            f"q{k}": f"quantile_cont(CAST({c} AS DOUBLE), {QS})",
            f"m{k}": f"avg({c})",
        }
    found = o.stats(exprs)
    out = [(ALL, *_band(found["all"]))]
    med = [found[f"q{k}"][1] for k in range(len(refs))]
    mean = [found[f"m{k}"] for k in range(len(refs))]
    order = sorted(range(len(refs)), key=lambda k: (-med[k], -mean[k], refs[k]))
    for k in order[:TOP]:
        if mean[k] > 0:
            out.append((refs[k], *_band(found[f"q{k}"])))
    return out


def _chooses(scenario: Any, ref: str) -> bool:
    """Whether the channel's owner follows the utility policy (unknown: yes)."""
    actors = getattr(scenario, "actors", None)
    if not actors:
        return True
    actor = actors.get(ref.split(".", 1)[0])
    policy = getattr(actor, "policy", None)
    return policy in (None, "utility")


def _band(q: list[float]) -> tuple[float, float, float]:
    lo, med, hi = q
    return float(med), float(lo), float(hi)
