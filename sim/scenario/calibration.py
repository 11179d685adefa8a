"""The ``calibration:`` and ``posterior:`` blocks: what ``wargame calibrate`` fits, and its answer.

``calibration:`` names the uncertain parameters that the history should inform and the settings
of the sequential sampler (``docs/scenarios.md``). ``posterior:`` points at the sample that
``wargame calibrate`` wrote (``posterior.parquet``: one column per fitted parameter, a
``weight`` column); a scenario that has it draws those parameters *jointly* from that sample
instead of from their priors, so that ``run``, ``compare``, ``sensitivity`` and ``backtest``
all take the calibrated scenario as they take any other.

The file is read once, when the scenario is loaded (its path is relative to the scenario's
file), and its digest is checked against ``sha256`` when the scenario gives one: a calibrated
scenario whose posterior changed underneath it is an error, not a silent new answer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .errors import Problem
from .tree import Positions

WEIGHT = "weight"
"""The column of ``posterior.parquet`` that holds each particle's normalised weight."""


class Calibration(BaseModel):
    """Settings of ``wargame calibrate`` (each also a command-line option)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    params: list[str] | None = None
    particles: int = Field(default=1000, ge=20)
    alpha: float = Field(default=0.5, gt=0.0, lt=1.0)
    min_acceptance: float = Field(default=0.05, gt=0.0, lt=1.0)
    generations: int = Field(default=8, ge=1, le=50)


class Posterior(BaseModel):
    """A joint sample of fitted parameters that replaces their priors."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    file: str
    sha256: str | None = None
    _values: dict[str, np.ndarray] = PrivateAttr(default_factory=dict)
    _cum: np.ndarray | None = PrivateAttr(default=None)

    @property
    def paths(self) -> list[str]:
        """The fitted parameters, in the file's column order."""
        return list(self._values)

    @property
    def size(self) -> int:
        return 0 if self._cum is None else int(self._cum.size)

    def rows(self, u: np.ndarray) -> np.ndarray:
        """Particle indices for uniforms ``u``: weighted sampling by the inverse CDF."""
        assert self._cum is not None
        return np.minimum(np.searchsorted(self._cum, u, side="right"), self._cum.size - 1)

    def values(self, path: str, rows: np.ndarray) -> np.ndarray:
        return self._values[path][rows]


def _located(positions: Positions, path: tuple[Any, ...], message: str) -> Problem:
    file, line, col = positions.at(path)
    return Problem(file, line, col, ".".join(str(p) for p in path), message)


def attach(
    scenario: Any, positions: Positions, uncertain: list[str], base: Path | None = None
) -> list[Problem]:
    """Read the posterior sample of ``scenario`` (if any) into it; the problems found.

    Args:
        scenario: The validated scenario.
        positions: Where each node was written.
        uncertain: The scenario's uncertain parameter paths.
        base: The scenario file's folder, which a relative ``file`` is relative to
            (``None``: the current folder).
    """
    post = getattr(scenario, "posterior", None)
    if post is None:
        return []
    base = base if base is not None else Path.cwd()
    file = Path(post.file) if Path(post.file).is_absolute() else base / post.file
    at = ("posterior", "file")
    if not file.is_file():
        return [_located(positions, at, f"no posterior sample at {file}")]
    raw = file.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if post.sha256 is not None and post.sha256 != digest:
        return [
            _located(
                positions,
                ("posterior", "sha256"),
                f"{file} changed since this scenario was written (its sha256 is {digest[:12]}…,"
                f" expected {post.sha256[:12]}…); calibrate again, or remove sha256 to accept it",
            )
        ]
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(raw))
    except (OSError, pa.ArrowInvalid) as exc:
        return [_located(positions, at, f"{file} is not a Parquet table: {exc}")]
    cols = [c for c in table.column_names if c != WEIGHT]
    problems = [
        _located(
            positions,
            at,
            f"{file}: column {c!r} is not a parameter given as a distribution in this scenario",
        )
        for c in cols
        if c not in uncertain
    ]
    if WEIGHT not in table.column_names or not cols or table.num_rows == 0:
        problems.append(
            _located(positions, at, f"{file}: expected a {WEIGHT!r} column, parameters and rows")
        )
    if problems:
        return problems
    w = np.asarray(table.column(WEIGHT).to_numpy(), dtype=float)
    values = {c: np.asarray(table.column(c).to_numpy(), dtype=float) for c in cols}
    if not (np.all(np.isfinite(w)) and np.all(w >= 0) and w.sum() > 0) or not all(
        np.all(np.isfinite(v)) for v in values.values()
    ):
        return [_located(positions, at, f"{file}: weights and values must be finite, weights ≥ 0")]
    cum = np.cumsum(w / w.sum())
    cum[-1] = 1.0
    post._values = values
    post._cum = cum
    # Results folders store the resolved scenario elsewhere: they must find the same file, and
    # record which one they used.
    object.__setattr__(post, "file", str(file.resolve()))
    if post.sha256 is None:
        object.__setattr__(post, "sha256", digest)
    return []


__all__ = ["WEIGHT", "Calibration", "Posterior", "attach"]
