"""The backtest's per-run arrays, asked of a folder through the query layer, are the tables'."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.history.forecast import Ensemble, outcomes

FLAGSHIP = Path(__file__).resolve().parents[2] / "scenarios" / "seoul_arms_ukraine.yaml"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("forecast") / "run"
    sim.run(FLAGSHIP, runs=30, seed=5, out=out, chunk_size=10)
    return sim.open_results(out)


def test_a_folder_and_its_tables_in_memory_give_the_same_outcomes(folder):
    scenario = folder.scenario
    held = {name: folder.table(name) for name in folder.names}
    on_disk, in_memory = Ensemble(folder, scenario), Ensemble(held, scenario)
    assert scenario.history, "the flagship has observations"
    for obs in scenario.history:
        a, b = outcomes(obs, on_disk), outcomes(obs, in_memory)
        np.testing.assert_array_equal(a, b)
        assert a.shape == (30,)


def test_a_channel_grid_is_the_pivot_of_its_rows(folder):
    ens = Ensemble(folder, folder.scenario)
    ch = folder.channels
    mine = ch[(ch["actor"].astype(str) == "ROK") & (ch["channel"].astype(str) == "arm_ukraine")]
    expected = mine.pivot(index="run", columns="step", values="rung").sort_index().to_numpy()
    np.testing.assert_array_equal(ens.levels("ROK.arm_ukraine"), expected.astype(float))
