"""The scenario language: YAML text → a checked, frozen :class:`Scenario`.

::

    from sim.scenario import load_scenario, uncertain_parameters
    scenario = load_scenario("scenarios/seoul_arms_ukraine.yaml",
                             overrides=["actors.ROK.weights.domestic=0.9"])
    for path, dist in uncertain_parameters(scenario):
        print(path, dist.describe())

Every problem in a file raises one :class:`ScenarioError` listing them all, each as
``FILE:LINE:COL: dotted.path: message``. ``docs/scenarios.md`` teaches the language.
"""

from __future__ import annotations

from .distributions import Distribution, is_distribution
from .errors import Problem, ScenarioError, ScenarioWarning
from .loader import dump_resolved, load_data, load_scenario, load_scenario_text, with_values
from .paths import get_path, uncertain_parameters
from .schema import Scenario

__all__ = [
    "Distribution",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioWarning",
    "dump_resolved",
    "get_path",
    "is_distribution",
    "load_data",
    "load_scenario",
    "load_scenario_text",
    "uncertain_parameters",
    "with_values",
]
