"""``simulate``: one chunk of replications of a scenario, as tables; ``explain``: one decision."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.tables import check_record

from .errors import ModelError
from .explanation import Explanation, explain_terms, perceived_by
from .wargame import Wargame


def simulate(
    scenario: Any,
    runs: int,
    seed: int | np.random.SeedSequence | np.random.Generator,
    *,
    record: str = "full",
    run_offset: int = 0,
    interventions: Mapping[str, Any] | None = None,
    param_values: Mapping[str, Any] | None = None,
    on_step: Callable[[int, int], None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Run ``runs`` replications of ``scenario`` to its horizon in one vectorised model.

    Args:
        scenario: a resolved scenario (or the path of a scenario file).
        runs: number of replications R (≥ 1).
        seed: an int, a ``SeedSequence`` (e.g. chunk c of ``SeedSequence(seed).spawn(n)``) or a
            Generator; see :func:`sim.model.loading.to_generator`.
        record: ``"full"`` for every table, ``"outcomes"`` for the one-row-per-run table only.
        run_offset: added to the ``run`` column (the chunk's first run number).
        interventions: channel ref → ``Bound`` (a counterfactual arm).
        param_values: dotted path → (runs,) values replacing sampled parameters.
        on_step: called with ``(step, horizon)`` after each step (a progress display); it
            draws no random number, so the tables are the same with or without it.

    Returns:
        Table name → DataFrame (docs/contracts.md, section sim.model).
    """
    check_record(record)
    model = Wargame(
        scenario,
        replications=runs,
        rng=seed,
        interventions=interventions,
        param_values=param_values,
        record=record,
    )
    if on_step is None:
        model.run()
    else:
        while model.steps < model.horizon:
            model.step()
            on_step(int(model.steps), int(model.horizon))
    tables = model.tables(record=record, run_offset=run_offset)
    # The model, its agents and Mesa's own objects (its scenario, the step event) reference
    # each other, so a finished model would hold all its arrays until the cyclic collector
    # ran. Emptying it frees them now: a worker stays flat from chunk to chunk.
    vars(model).clear()
    return tables


def explain(
    scenario: Any,
    ref: str,
    *,
    step: int,
    run: int = 0,
    seed: Any = None,
    replications: int = 1,
    **model_args: Any,
) -> Explanation:
    """Why channel ``ref`` took the rung it took at ``step`` (1..horizon) in run ``run``.

    A model of ``replications`` runs with ``seed`` (and any other :class:`Wargame` argument:
    interventions, overrides…) is stepped to ``step − 1``; the terms are those of the
    decision taken at ``step``, and the model then takes that step to report the rung chosen.
    With the seed and the runs of an ensemble's chunk (``SeedSequence(seed).spawn(n)[c]``) this
    is the decision that chunk's run made (``wargame explain RESULTS`` does this).
    """
    model = Wargame(scenario, replications=replications, rng=seed, **model_args)
    if not 1 <= step <= model.horizon:
        raise ModelError(f"explain: step {step} is not in 1..{model.horizon}")
    if not 0 <= run < model.R:
        raise ModelError(f"explain: run {run} is not in 0..{model.R - 1}")
    for _ in range(step - 1):
        model.step()
    terms = explain_terms(model, ref, run)
    ly = model.layout
    c = ly.channel_index[ref]
    perceived, lines = perceived_by(model, int(ly.owner[c]), run)
    model.step()
    chosen = ly.channels[c].rung_ids[int(model.level[run, c])]
    return Explanation(ref, step, ly.date_labels[step], run, terms, chosen, perceived, lines)
