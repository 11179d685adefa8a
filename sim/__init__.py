"""wargame: scenario wargames of arms supply and escalation between states.

The public API is imported lazily, so that ``import sim`` (and the CLI's start) does not pay for
Mesa, pandas or matplotlib until they are used::

    import sim
    scenario = sim.load_scenario("scenarios/seoul_arms_ukraine.yaml")
    results = sim.run(scenario, runs=2000, seed=1)
    print(results.summary())
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "load_scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "Scenario": "sim.scenario",
    "Wargame": "sim.model",
    "StateAgent": "sim.model",
    "run": "sim.experiments",
    "compare": "sim.experiments",
    "sensitivity": "sim.experiments",
    "sweep": "sim.experiments",
    "discover": "sim.analysis.discovery",
    "backtest": "sim.history",
    "calibrate": "sim.history",
    "run_from": "sim.history",
    "open_results": "sim.experiments",
    "Results": "sim.experiments",
    "ExecOptions": "sim.experiments",
}

POLICY_MODULES = ("sim.model.policies",)
"""The modules whose import registers the built-in decision policies. The scenario layer reads
this (``sim.scenario.policy_specs``) instead of naming the model: the root wires the layers."""

__all__ = [*_API, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
