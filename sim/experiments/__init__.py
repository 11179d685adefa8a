"""Experiments at scale: ensembles in chunks on any executor, counterfactuals, sensitivity.

``run`` an ensemble, ``compare`` the arms of a counterfactual on common random numbers, or
measure the ``sensitivity`` of outcomes to the uncertain parameters; ``open_results`` reads a
results folder back. Heavy dependencies (Dask, SALib) are imported only when used.
"""

from __future__ import annotations

from .counterfactual import Comparison, compare
from .ensemble import run
from .errors import ChunkFailed, ExperimentError
from .options import ExecOptions
from .results import Results, open_results
from .sensitivity import SensitivityResult, sensitivity
from .sweep import Axis, SweepResult, sweep

__all__ = [
    "Axis",
    "ChunkFailed",
    "Comparison",
    "ExecOptions",
    "ExperimentError",
    "Results",
    "SensitivityResult",
    "SweepResult",
    "compare",
    "open_results",
    "run",
    "sensitivity",
    "sweep",
]
