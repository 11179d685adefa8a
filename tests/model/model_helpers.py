"""Helpers for the model tests: the scenarios of ``scenarios/`` and small variants built here."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from sim.scenario import load_data, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
FLAGSHIP = SCENARIOS / "seoul_arms_ukraine.yaml"


def scenario_file(name: str, overrides: dict[str, Any] | None = None):
    """A scenario of ``scenarios/`` by file name, with optional overrides."""
    return load_scenario(SCENARIOS / name, overrides=overrides)


CD_LADDER = {"rungs": [{"id": "C", "e": 0.0}, {"id": "D", "e": 5.0}]}


def build(data: dict[str, Any]):
    """A scenario from plain data, checked and resolved like a file."""
    base: dict[str, Any] = {
        "wargame": 1,
        "id": "test",
        "title": "test",
        "time": {"start": "2024-01", "step": "month", "horizon": 6},
    }
    base.update(copy.deepcopy(data))
    return load_data(base, "<test>")
