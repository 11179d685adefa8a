"""Uncertain parameters: sampled once per replication, looked up by dotted path.

Order of draws (the only thing that ties a seed to numbers): the scenario's uncertain
parameters in document order (:func:`sim.scenario.uncertain_parameters`), one uniform per
parameter and replication, ``dist.ppf(rng.random(R))``. A ``param_values`` entry replaces the
sampled values of its path *after* the uniform was drawn, so overriding one parameter never
shifts the draws of another (sensitivity designs, common random numbers).

A calibrated scenario (``posterior:``) draws its fitted parameters jointly from the posterior
sample, with the same uniforms (the first fitted parameter's picks the particle).

Plain numbers cost no draw; :meth:`Params.get` broadcasts them to (R,).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.scenario.distributions import is_distribution

from .errors import ModelError


def uncertain(scenario: Any) -> list[tuple[str, Any]]:
    """The scenario's uncertain parameters as ``(dotted path, distribution)``, in draw order."""
    from sim.scenario import uncertain_parameters

    return list(uncertain_parameters(scenario))


class Params:
    """Sampled values of every uncertain parameter, and plain numbers broadcast to (R,).

    Args:
        scenario: a resolved scenario.
        replications: R.
        rng: the model's generator; consumes ``R`` uniforms per uncertain parameter.
        param_values: dotted path → value(s) replacing the sampled (or plain) value; arrays of
            shape (R,) or scalars.
    """

    def __init__(
        self,
        scenario: Any,
        replications: int,
        rng: np.random.Generator,
        param_values: Mapping[str, Any] | None = None,
    ) -> None:
        self.replications = replications
        self.sampled: dict[str, np.ndarray] = {}
        post = getattr(scenario, "posterior", None)
        fitted = set(post.paths) if post is not None else set()
        rows = None
        for path, dist in uncertain(scenario):
            u = rng.random(replications)
            if path in fitted:
                # The fitted parameters are drawn jointly: the first one's uniforms pick a
                # particle of the posterior for every replication, the others' go unused so
                # that the draws of every other parameter stay where they were.
                rows = post.rows(u) if rows is None else rows
                self.sampled[path] = post.values(path, rows)
            else:
                self.sampled[path] = np.asarray(dist.ppf(u), dtype=float)
        self.overrides: dict[str, np.ndarray] = {}
        for path, value in (param_values or {}).items():
            arr = np.asarray(value, dtype=float)
            if arr.ndim == 0:
                arr = np.full(replications, float(arr))
            if arr.shape != (replications,):
                raise ModelError(
                    f"param_values[{path!r}]: expected {replications} values (one per "
                    f"replication), got shape {arr.shape}"
                )
            if not np.all(np.isfinite(arr)):
                raise ModelError(f"param_values[{path!r}]: values must be finite numbers")
            self.overrides[path] = arr
        self._used: set[str] = set()

    def get(self, path: str, value: Any) -> np.ndarray:
        """The (R,) values of the number or distribution ``value`` found at ``path``."""
        self._used.add(path)
        if path in self.overrides:
            return self.overrides[path]
        if is_distribution(value):
            try:
                return self.sampled[path]
            except KeyError:  # pragma: no cover - the loader and the model disagree on paths
                raise ModelError(f"{path}: uncertain parameter was not sampled") from None
        return np.full(self.replications, float(value))

    def check_overrides_used(self) -> None:
        """Raise if a ``param_values`` path named no parameter the model reads."""
        unknown = sorted(set(self.overrides) - self._used)
        if unknown:
            raise ModelError(
                "param_values names parameters the scenario does not have: " + ", ".join(unknown)
            )

    def table_values(self) -> dict[str, np.ndarray]:
        """Every sampled parameter (with overrides applied) and every overridden one."""
        out = {p: self.overrides.get(p, v) for p, v in self.sampled.items()}
        for p, v in self.overrides.items():
            out.setdefault(p, v)
        return out
