"""The axes of a result's time tables: its arms and its steps, asked once per source.

Every figure, story and the dyad cube index their arrays by these; memoised on the
:class:`~sim.analysis.source.Source` so that a report asks the tables once.
"""

from __future__ import annotations

import numpy as np


def arms(src, table: str) -> list[str]:
    """The arms of ``table`` in the result's declared order; ``[]`` without arms."""
    declared = list(src.manifest.get("arms") or []) if src.manifest else []
    return src.memo(f"arms:{table}", lambda: src.query.arms(table, declared))


def steps(src, table: str) -> np.ndarray:
    """The steps of a time table, sorted."""
    return src.memo(f"steps:{table}", lambda: src.query.steps(table))
