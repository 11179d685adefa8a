"""``backtest``: score an ensemble against the scenario's history, beside two naive forecasts.

Every observation gets the ensemble's forecast and its score under proper scoring rules
(:mod:`sim.history.scoring`): Brier and log score for events and rung windows, CRPS for
quantities, and whether the observed value fell in the 50 % and 90 % bands. Beside each score
stand the scores of two naive forecasts:

- **persistence** — everything stays as at step 0 (:func:`sim.history.forecast.outcomes`);
- **climatology** — the scenario's prior ensemble, without conditioning on the history. Until
  the scenario is calibrated (``wargame calibrate``), the forecast *is* the prior, so the skill
  against climatology is 0 by construction; :func:`score` takes the prior ensemble separately
  for when it is not.

The table has one row per observation and rule, then one ``aggregate`` row per rule: the mean
score of each forecast over the observations and the skill of those means — for CRPS, whose
unit is each observation's own, the skill is ``1 −`` the geometric mean of the ratios instead.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.scenario.history import (
    EVENT_KINDS,
    observation_steps,
    point_and_width,
    step_label,
)

from . import scoring
from .forecast import Ensemble, observed_quantity, outcomes

TABLE = "backtest.parquet"
FIGURE = "backtest.png"
CLIMATOLOGY_NOTE = (
    "climatology = the scenario's prior ensemble; the scenario is not calibrated, so the "
    "forecast is that prior and its skill against climatology is 0 by construction"
)
CALIBRATED_NOTE = (
    "climatology = the prior ensemble (the same scenario without its posterior: block, same "
    "seed and runs); the forecast is the calibrated scenario's"
)


def climatology_note(scenario: Any) -> str:
    """What the climatology column is, for this scenario."""
    return CALIBRATED_NOTE if getattr(scenario, "posterior", None) is not None else CLIMATOLOGY_NOTE


def prior_of(scenario: Any) -> Any | None:
    """The scenario without its posterior (its prior), or ``None`` if it is not calibrated."""
    if getattr(scenario, "posterior", None) is None:
        return None
    return scenario.model_copy(update={"posterior": None})


def climatology(scenario: Any, runs: int | None, seed: int | None, **options: Any) -> Any | None:
    """The prior ensemble of a calibrated scenario (in memory), or ``None`` when uncalibrated.

    Same runs, seed and chunking as the forecast, so both share their random numbers apart
    from the fitted parameters' values.
    """
    import sim.experiments as ex

    prior = prior_of(scenario)
    if prior is None:
        return None
    keep = {k: v for k, v in options.items() if k in ("workers", "scheduler", "chunk_size")}
    return ex.run(prior, runs, seed, record="full", **keep)


def describe(obs: Any) -> tuple[str, str]:
    """(subject, what was observed) in a few words."""
    k = obs.KIND
    if k == "rungs":
        bounds = " ".join(
            f"{w} {v}" for w, v in (("≥", obs.at_least), ("≤", obs.at_most)) if v is not None
        )
        return obs.channel, f"rung {bounds}"
    if k == "reached":
        return obs.channel, f"reaches {obs.reached}"
    if k == "alliance":
        return obs.alliance, "triggered" if obs.triggered else "not triggered"
    if k == "red_line":
        return obs.red_line, "crossed" if obs.crossed else "not crossed"
    if k == "territory":
        return obs.front, "territory"
    if k == "gained":
        return obs.front, "gain per step" if obs.per_step else "gain"
    if k == "stock":
        return obs.stock, f"{obs.flow} per step"
    return obs.actor, "approval"


def span(obs: Any, time: Any) -> tuple[int, int, str]:
    """(first step, last step, a date label) of an observation."""
    st = observation_steps(obs, time)
    first, last = min(st.values()), max(st.values())
    if "by" in st:
        return first, last, f"by {step_label(time, st['by'])}"
    if getattr(obs, "in_", None) is not None:
        return last, last, f"in {step_label(time, last)}"
    if first == last:
        return first, last, step_label(time, first)
    return first, last, f"{step_label(time, first)}…{step_label(time, last)}"


def until_step(scenario: Any, until: int | str | None) -> int | None:
    """``--until`` as a step (a step number or a date on the scenario's calendar)."""
    if until is None:
        return None
    from sim.scenario.history import step_of

    return step_of(scenario.time, until)


def score(
    scenario: Any,
    forecast: Any,
    prior: Any | None = None,
    *,
    until: int | None = None,
) -> pd.DataFrame:
    """The backtest table of ``forecast`` (a ``Results`` or mapping of tables).

    Args:
        scenario: The scenario whose ``history`` is scored.
        forecast: The ensemble's tables (``--record full``).
        prior: The prior ensemble (climatology); ``None``: the forecast itself (uncalibrated).
        until: Score only observations that lie wholly after this step (out of sample).
    """
    ens = Ensemble(forecast, scenario)
    clim = ens if prior is None else Ensemble(prior, scenario)
    rows: list[dict[str, Any]] = []
    time = scenario.time
    for i, obs in enumerate(scenario.history):
        first, last, label = span(obs, time)
        if until is not None and first <= until:
            continue
        subject, what = describe(obs)
        base = {
            "observation": i,
            "kind": obs.KIND,
            "subject": subject,
            "observed": what,
            "when": label,
            "step": last,
            "source": obs.source,
            "note": obs.note,
        }
        model = outcomes(obs, ens)
        pers = outcomes(obs, ens, persistence=True)
        climo = model if clim is ens else outcomes(obs, clim)
        if obs.KIND in EVENT_KINDS:
            p = {name: float(np.mean(x)) for name, x in (("model", model), ("pers", pers))}
            p["clim"] = float(np.mean(climo))
            for rule in ("brier", "log"):
                if rule == "brier":
                    s = {k: scoring.brier(v) for k, v in p.items()}
                else:
                    s = {k: scoring.log_score(v, n=ens.R) for k, v in p.items()}
                rows.append(_row(base, rule, p["model"], s, value=1.0, width=0.0))
        else:
            y, width = point_and_width(observed_quantity(obs))
            s = {
                "model": scoring.crps(model, y),
                "pers": scoring.crps(pers, y),
                "clim": scoring.crps(climo, y),
            }
            row = _row(base, "crps", float(np.nanmedian(model)), s, value=y, width=width)
            row.update({k: v for k, v in scoring.bands(model).items()})
            row["in50"] = scoring.covered(model, y, 0.5)
            row["in90"] = scoring.covered(model, y, 0.9)
            rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    return pd.concat([table, aggregate(table)], ignore_index=True)


COLUMNS = [
    "observation",
    "kind",
    "subject",
    "observed",
    "when",
    "step",
    "rule",
    "value",
    "width",
    "forecast",
    "q05",
    "q25",
    "q50",
    "q75",
    "q95",
    "in50",
    "in90",
    "model",
    "persistence",
    "climatology",
    "skill_persistence",
    "skill_climatology",
    "source",
    "note",
]


def _row(
    base: dict[str, Any],
    rule: str,
    forecast: float,
    s: dict[str, float],
    value: float,
    width: float,
) -> dict[str, Any]:
    return {
        **base,
        "rule": rule,
        "value": value,
        "width": width,
        "forecast": forecast,
        "model": s["model"],
        "persistence": s["pers"],
        "climatology": s["clim"],
        "skill_persistence": scoring.skill(s["model"], s["pers"]),
        "skill_climatology": scoring.skill(s["model"], s["clim"]),
    }


def aggregate(table: pd.DataFrame) -> pd.DataFrame:
    """One row per rule: mean scores over the observations, the skill of the means, coverage."""
    rows = []
    for rule in scoring.RULES:
        t = table[table["rule"] == rule]
        if t.empty:
            continue
        m, p, c = (float(t[k].mean()) for k in ("model", "persistence", "climatology"))
        row: dict[str, Any] = {
            "observation": -1,
            "kind": "aggregate",
            "subject": f"{len(t)} observations",
            "observed": "",
            "when": "",
            "step": -1,
            "rule": rule,
            "model": m,
            "persistence": p,
            "climatology": c,
            "skill_persistence": scoring.skill(m, p),
            "skill_climatology": scoring.skill(m, c),
            "source": "",
            "note": "",
        }
        if rule == "crps":  # unit-free: the geometric mean of the per-observation ratios
            for ref in ("persistence", "climatology"):
                row[f"skill_{ref}"] = _geometric_skill(t["model"], t[ref])
            row["note"] = "skill: 1 − geometric mean of score/reference over observations"
            row["in50"] = float(t["in50"].astype(float).mean())
            row["in90"] = float(t["in90"].astype(float).mean())
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _geometric_skill(model: pd.Series, reference: pd.Series) -> float:
    """``1 − exp(mean log(model/reference))`` over observations where both are positive.

    CRPS is in each observation's unit (km², a share...), so a mean of raw scores is ruled by
    the largest unit; the geometric mean of ratios weighs every observation alike.
    """
    m, r = model.to_numpy(dtype=float), reference.to_numpy(dtype=float)
    ok = (m > 0) & (r > 0) & np.isfinite(m) & np.isfinite(r)
    if not ok.any():
        return float("nan")
    return float(1.0 - np.exp(np.mean(np.log(m[ok] / r[ok]))))


def write_table(table: pd.DataFrame, folder: Path) -> Path:
    """``backtest.parquet`` in ``folder``, written atomically (a temporary file, renamed)."""
    from sim.experiments.store import temp_name

    final = Path(folder) / TABLE
    tmp = temp_name(final)
    out = table.copy()
    for col in ("in50", "in90"):
        out[col] = out[col].astype(float)
    try:
        out.to_parquet(tmp, index=False)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def backtest(
    scenario: Any,
    runs: int | None = None,
    seed: int | None = None,
    *,
    until: int | str | None = None,
    out: str | os.PathLike | None = None,
    overrides: Sequence[str] | None = None,
    **run_options: Any,
) -> tuple[pd.DataFrame, Any]:
    """Run the scenario's ensemble and score it against its history.

    Returns the backtest table and the ensemble's ``Results``. With ``out``, the ensemble's
    results folder also holds ``backtest.parquet`` and ``backtest.png``.
    """
    import sim.experiments as ex
    from sim.scenario import Scenario, load_scenario

    spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
    results = ex.run(spec, runs, seed, record="full", out=out, **run_options)
    prior = climatology(spec, runs, seed, **run_options)
    table = score(spec, results, prior, until=until_step(spec, until))
    if out is not None:
        write_table(table, Path(out))
        from .figure import backtest_figure

        fig = backtest_figure(spec, results, table)
        fig.savefig(Path(out) / FIGURE)
    return table, results
