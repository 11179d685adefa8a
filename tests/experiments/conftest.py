"""Fixtures of the experiments tests: a reference ensemble of the small scenario."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from xsupport import CHUNK, RUNS, SEED, SMALL, read_tables


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pd.DataFrame]]:
    """An uninterrupted in-process ensemble of the small scenario, full record."""
    import sim

    out = tmp_path_factory.mktemp("reference") / "run"
    sim.run(str(SMALL), RUNS, SEED, chunk_size=CHUNK, out=out, workers=1)
    return out, read_tables(out)
