"""Fixtures of the model tests; plain helpers live in ``model_helpers`` (importable by name)."""

from __future__ import annotations

import pytest
from model_helpers import FLAGSHIP

from sim.scenario import load_scenario


@pytest.fixture(scope="session")
def flagship():
    return load_scenario(FLAGSHIP)
