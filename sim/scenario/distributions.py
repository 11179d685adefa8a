"""Distributions: any number in a scenario may be uncertain.

A distribution is sampled once per replication. Every distribution is sampled through its
inverse CDF (``ppf``) applied to uniform draws, for two reasons: the same code maps a SALib
design (points in the unit hypercube) onto the scenario's parameters, and one uniform draw per
parameter and replication keeps two scenario variants on common random numbers.

numpy and ``scipy.special`` are imported lazily, so that loading a scenario stays fast.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

if TYPE_CHECKING:
    import numpy as np


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values (one per replication) with the generator ``rng``."""
        return self.ppf(rng.random(n))

    def ppf(self, u: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def support(self) -> tuple[float, float]:  # pragma: no cover - abstract
        """The closed range of values the distribution can take (infinite ends allowed).

        Computed from the parameters, without scipy, so that range checks stay cheap.
        """
        raise NotImplementedError

    @property
    def bounds(self) -> tuple[float, float]:
        """The support, used to report ranges and to check targets."""
        import numpy as np

        return float(self.ppf(np.array([0.0]))[0]), float(self.ppf(np.array([1.0]))[0])

    def describe(self) -> str:
        fields = ", ".join(f"{k}={v}" for k, v in self.model_dump().items() if k != "dist")
        return f"{self.dist}({fields})"  # type: ignore[attr-defined]


class Uniform(_Dist):
    """Uniform on ``[low, high]``."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        import numpy as np

        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Normal(_Dist):
    """Normal with ``mean`` and ``sd``, optionally truncated to ``[low, high]``."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Normal:
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        import numpy as np
        from scipy.special import ndtr, ndtri

        u = np.asarray(u, dtype=float)
        lo = ndtr((self.low - self.mean) / self.sd) if self.low is not None else 0.0
        hi = ndtr((self.high - self.mean) / self.sd) if self.high is not None else 1.0
        p = np.clip(lo + u * (hi - lo), 1e-15, 1 - 1e-15)
        x = self.mean + self.sd * ndtri(p)
        if self.low is not None or self.high is not None:
            x = np.clip(x, self.low, self.high)
        return x

    @property
    def support(self) -> tuple[float, float]:
        low = self.low if self.low is not None else -math.inf
        high = self.high if self.high is not None else math.inf
        return (low, high)


class LogNormal(_Dist):
    """Log-normal given by its ``median`` and geometric standard deviation ``gsd`` (> 1)."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    gsd: float = Field(gt=1)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        import numpy as np
        from scipy.special import ndtri

        p = np.clip(np.asarray(u, dtype=float), 1e-15, 1 - 1e-15)
        return self.median * np.exp(math.log(self.gsd) * ndtri(p))

    @property
    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


class Beta(_Dist):
    """Beta with shapes ``a`` and ``b`` on ``[0, 1]`` (mean ``a / (a + b)``)."""

    dist: Literal["beta"]
    a: float = Field(gt=0)
    b: float = Field(gt=0)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        import numpy as np
        from scipy.special import betaincinv

        return betaincinv(self.a, self.b, np.asarray(u, dtype=float))

    @property
    def support(self) -> tuple[float, float]:
        return (0.0, 1.0)


class Triangular(_Dist):
    """Triangular on ``[low, high]`` with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode}) must lie within [low, high]")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        import numpy as np

        u = np.asarray(u, dtype=float)
        lo, mo, hi = self.low, self.mode, self.high
        c = (mo - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mo - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mo))
        return np.where(u < c, left, right)

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Choice(_Dist):
    """One of ``values``, with optional ``weights`` (normalised; equal by default)."""

    dist: Literal["choice"]
    values: list[float] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _check(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights has {len(self.weights)} entries but values has {len(self.values)}"
                )
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be non-negative and not all zero")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        import numpy as np

        w = np.asarray(self.weights if self.weights is not None else [1.0] * len(self.values))
        cdf = np.cumsum(w / w.sum())
        idx = np.searchsorted(cdf, np.asarray(u, dtype=float), side="right")
        return np.asarray(self.values, dtype=float)[np.minimum(idx, len(self.values) - 1)]

    @property
    def support(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))


Distribution = Annotated[
    Uniform | Normal | LogNormal | Beta | Triangular | Choice,
    Field(discriminator="dist"),
]


def _number_or_dist(value: Any) -> str:
    return "dist" if isinstance(value, dict) or hasattr(value, "ppf") else "number"


Number = Annotated[
    Annotated[float, Tag("number")] | Annotated[Distribution, Tag("dist")],
    Discriminator(
        _number_or_dist,
        custom_error_type="number_or_distribution",
        custom_error_message="expected a number or a distribution {dist: ...}",
    ),
]
"""A plain number or a distribution: what the scenario language accepts wherever a number goes."""


def is_distribution(value: Any) -> bool:
    """True for a parsed distribution (as opposed to a plain number)."""
    return isinstance(value, _Dist)
