"""Small chunk files are joined into parts; the tables read back as they were written."""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pyarrow.parquet as pq
from hypothesis import given
from hypothesis import strategies as st
from xsupport import CHUNK, RUNS, SEED, SMALL, read_tables

from sim.experiments import compact


@given(st.lists(st.integers(0, 300), max_size=40), st.integers(1, 200))
def test_the_plan_keeps_every_file_once_in_order(rows, part_rows):
    parts = compact.plan(rows, part_rows)
    assert [i for p in parts for i in p] == list(range(len(rows)))
    for p, after in itertools.pairwise(parts):  # full, unless a large file follows
        assert sum(rows[i] for i in p) >= part_rows or rows[after[0]] >= part_rows
    for p in parts:  # a large file is never joined
        assert len(p) == 1 or all(rows[i] < part_rows for i in p)


def test_a_folder_of_small_chunks_has_fewer_parts_and_the_same_tables(
    reference, tmp_path, monkeypatch
):
    import sim

    _, expected = reference
    monkeypatch.setattr(compact, "PART_ROWS", 50)
    monkeypatch.setattr(compact, "ROW_GROUP_BYTES", 1)  # a row group per chunk read
    out = tmp_path / "run"
    sim.run(str(SMALL), RUNS, SEED, chunk_size=CHUNK, out=out, workers=1)
    tables = json.loads((out / "manifest.json").read_text())["tables"]
    chunks = RUNS // CHUNK
    outcomes = sorted((out / "outcomes.parquet").glob("*.parquet"))
    assert len(outcomes) == tables["outcomes"]["parts"] == 2  # 20-row chunks, 60-row parts
    assert [pq.read_metadata(f).num_rows for f in outcomes] == [60, 60]
    assert tables["actors"]["parts"] == chunks  # chunks of more than 50 rows: linked
    got = read_tables(out)
    assert set(got) == set(expected)
    for name, df in expected.items():
        pd.testing.assert_frame_equal(got[name], df, obj=name)
