"""``simulate``: one chunk of replications of a scenario, as tables; ``explain``: one decision."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .errors import ModelError
from .explain import explain_terms
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
) -> dict[str, pd.DataFrame]:
    """Run ``runs`` replications of ``scenario`` to its horizon in one vectorised model.

    Args:
        scenario: a resolved scenario (or the path of a scenario file).
        runs: number of replications R (≥ 1).
        seed: an int, a ``SeedSequence`` (e.g. chunk c of ``SeedSequence(seed).spawn(n)``) or a
            Generator; see :func:`sim.model.wargame.to_generator`.
        record: ``"full"`` for every table, ``"outcomes"`` for the one-row-per-run table only.
        run_offset: added to the ``run`` column (the chunk's first run number).
        interventions: channel ref → ``Bound`` (a counterfactual arm).
        param_values: dotted path → (runs,) values replacing sampled parameters.

    Returns:
        Table name → DataFrame (docs/contracts.md, section sim.model).
    """
    if record not in ("full", "outcomes"):
        raise ValueError(f"record must be 'full' or 'outcomes', not {record!r}")
    model = Wargame(
        scenario,
        replications=runs,
        rng=seed,
        interventions=interventions,
        param_values=param_values,
        record=record,
    )
    model.run()
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
    run: int | None = None,
    seed: Any = None,
    replications: int = 1,
    **model_args: Any,
) -> pd.DataFrame:
    """The terms behind the choice channel ``ref`` makes at ``step`` (1..horizon).

    A model of ``replications`` runs with ``seed`` (and any other :class:`Wargame` argument:
    interventions, overrides…) is stepped to ``step − 1``; the table is the utility of the
    decision taken at ``step``. With the same seed and replication count as an ensemble's chunk
    this is the decision that chunk's run made.
    """
    model = Wargame(scenario, replications=replications, rng=seed, **model_args)
    if not 1 <= step <= model.horizon:
        raise ModelError(f"explain: step {step} is not in 1..{model.horizon}")
    for _ in range(step - 1):
        model.step()
    return explain_terms(model, ref, run)
