"""Scoring a scenario's ensemble against its ``history:`` block (``wargame backtest``).

::

    from sim.history import backtest
    table, results = backtest("scenarios/seoul_arms_ukraine.yaml", runs=200, seed=1,
                              until="2024-12", out="runs/backtest")

:mod:`~sim.history.scoring` holds the scoring rules, :mod:`~sim.history.forecast` reads each
observation's outcome from the ensemble's tables (and the persistence forecast),
:mod:`~sim.history.backtest` builds the table and :mod:`~sim.history.figure` draws it.
"""

from __future__ import annotations

from .backtest import CLIMATOLOGY_NOTE, backtest, score

__all__ = ["CLIMATOLOGY_NOTE", "backtest", "score"]
