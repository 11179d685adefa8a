"""A model's inputs: its random generator and its scenario, loaded once per file and overrides.

``mesa.batch_run`` builds many one-replication models of one file with keyword parameters;
caching the parsed scenario on (path, mtime, overrides) makes that parse it once.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.scenario import load_scenario, with_values


def to_generator(rng: Any) -> np.random.Generator:
    """The model's one generator: ``numpy.random.default_rng(rng)``.

    An int or a ``SeedSequence`` gives ``Generator(PCG64(SeedSequence(seed)))``; a Generator is
    used as is (and advanced by the model); None draws fresh OS entropy.
    """
    return np.random.default_rng(rng)


@functools.lru_cache(maxsize=32)
def _load_cached(path: str, mtime: float, overrides: tuple[tuple[str, Any], ...]) -> Any:
    return load_scenario(path, overrides=dict(overrides) if overrides else None)


def resolve_scenario(scenario: Any, overrides: Mapping[str, Any] | None) -> Any:
    """A Scenario from a Scenario or a path, with ``overrides`` (dotted path → value) applied.

    Paths are loaded through :func:`sim.scenario.load_scenario` and cached on (path, mtime,
    overrides), so that many one-replication models of one file (``mesa.batch_run``) parse it
    once.
    """
    if isinstance(scenario, (str, Path)):
        p = Path(scenario).resolve()
        items = tuple(sorted((k, _freeze(v)) for k, v in (overrides or {}).items()))
        return _load_cached(str(p), p.stat().st_mtime if p.exists() else 0.0, items)
    if overrides:
        return with_values(scenario, dict(overrides))
    return scenario


def _freeze(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    return v
