"""Scoring a scenario's ensemble against its ``history:`` block (``wargame backtest``).

::

    from sim.history import backtest
    table, results = backtest("scenarios/seoul_arms_ukraine.yaml", runs=200, seed=1,
                              until="2024-12", out="runs/backtest")

:mod:`~sim.history.scoring` holds the scoring rules, :mod:`~sim.history.forecast` reads each
observation's outcome from the ensemble's tables (and the persistence forecast),
:mod:`~sim.history.backtest` builds the table and :mod:`~sim.history.figure` draws it.

``wargame calibrate`` fits the uncertain parameters to the history by ABC
(:mod:`~sim.history.abc`, :mod:`~sim.history.distance`, :mod:`~sim.history.calibrate`)::

    from sim.history import calibrate, settings_for
    from sim.scenario import load_scenario
    scenario = load_scenario("scenarios/seoul_arms_ukraine.yaml")
    cal = calibrate(scenario, settings=settings_for(scenario, until=6), out="runs/cal")
    print(cal.summary())   # prior vs posterior; cal.scenario_file is calibrated.yaml
"""

from __future__ import annotations

from .backtest import CLIMATOLOGY_NOTE, backtest, climatology_note, score
from .calibrate import Calibration, calibrate
from .checks import Settings, settings_for

__all__ = [
    "CLIMATOLOGY_NOTE",
    "Calibration",
    "Settings",
    "backtest",
    "calibrate",
    "climatology_note",
    "score",
    "settings_for",
]
