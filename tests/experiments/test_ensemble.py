"""Ensembles in chunks: the plan, the seeds, and results that do not depend on who ran them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from xsupport import CHUNK, RUNS, SEED, SMALL, assert_same_tables, read_tables

import sim
from sim.experiments.ensemble import chunk_seeds, interleave, plan
from sim.experiments.errors import ExperimentError
from sim.experiments.tasks import Chunk


def test_plan_covers_every_run_once_in_fixed_size_chunks():
    chunks = plan(1050, 200)
    assert [(c.index, c.start, c.stop) for c in chunks] == [
        (0, 0, 200),
        (1, 200, 400),
        (2, 400, 600),
        (3, 600, 800),
        (4, 800, 1000),
        (5, 1000, 1050),
    ]
    assert sum(c.runs for c in chunks) == 1050
    assert [c.key for c in chunks[:2]] == ["c000000", "c000001"]


def test_plan_with_arms_repeats_the_same_chunks_and_runs_them_interleaved():
    chunks = plan(250, 100, ["weapons", "restraint"])
    assert [(c.arm, c.index, c.start) for c in chunks] == [
        ("weapons", 0, 0),
        ("weapons", 1, 100),
        ("weapons", 2, 200),
        ("restraint", 0, 0),
        ("restraint", 1, 100),
        ("restraint", 2, 200),
    ]
    assert chunks[3].key == "restraint/c000000"
    assert [(c.arm, c.index) for c in interleave(chunks)][:4] == [
        ("weapons", 0),
        ("restraint", 0),
        ("weapons", 1),
        ("restraint", 1),
    ]


def test_chunk_c_is_seeded_by_the_c_th_spawned_child():
    seeds = chunk_seeds(42, 5)
    expected = np.random.SeedSequence(42).spawn(5)
    for got, want in zip(seeds, expected, strict=True):
        assert np.array_equal(got.generate_state(4), want.generate_state(4))
    assert not np.array_equal(seeds[0].generate_state(4), seeds[1].generate_state(4))


def test_run_ids_are_global_and_rows_follow_the_chunks(reference):
    _, tables = reference
    outcomes = tables["outcomes"]
    assert outcomes["run"].tolist() == list(range(RUNS))
    for name in ("actors", "dyads"):
        runs = tables[name]["run"].to_numpy()
        assert set(np.unique(runs)) == set(range(RUNS))
        assert np.all(np.diff(runs) >= 0), f"{name}: runs out of order"


def test_the_manifest_records_what_ran(reference):
    path, _ = reference
    m = json.loads((path / "manifest.json").read_text())
    assert m["status"] == "complete"
    assert m["scenario"]["id"] == "small-crisis"
    assert len(m["scenario"]["sha256_text"]) == len(m["scenario"]["sha256_resolved"]) == 64
    assert (m["seed"], m["runs"], m["chunk_size"]) == (SEED, RUNS, CHUNK)
    assert [c["status"] for c in m["chunks"]] == ["done"] * (RUNS // CHUNK)
    assert [c["runs"] for c in m["chunks"]][:2] == [[0, CHUNK], [CHUNK, 2 * CHUNK]]
    assert {"python", "mesa", "wargame-sim"} <= set(m["versions"])
    assert m["started"] and m["finished"]
    assert m["tables"]["outcomes"]["rows"] == RUNS
    assert (path / "scenario.yaml").read_text().startswith(("wargame", "#", "id"))
    assert not (path / "chunks").exists()


def test_two_worker_processes_give_the_same_tables_as_one(reference, tmp_path):
    _, ref = reference
    sim.run(str(SMALL), RUNS, SEED, chunk_size=CHUNK, out=tmp_path / "two", workers=2)
    assert_same_tables(ref, read_tables(tmp_path / "two"))


def test_tables_in_memory_equal_the_folder(reference):
    _, ref = reference
    res = sim.run(str(SMALL), RUNS, SEED, chunk_size=CHUNK)
    assert res.path is None
    assert_same_tables(ref, {name: res.table(name) for name in res.names})


def test_a_different_seed_gives_different_runs(reference):
    _, ref = reference
    other = sim.run(str(SMALL), RUNS, SEED + 1, chunk_size=CHUNK, record="outcomes").outcomes
    params = [c for c in other.columns if c.startswith("param.")]
    assert params
    assert not np.allclose(other[params].to_numpy(), ref["outcomes"][params].to_numpy())


def test_record_outcomes_writes_one_row_per_run_with_the_same_values(reference, tmp_path):
    _, ref = reference
    res = sim.run(str(SMALL), RUNS, SEED, chunk_size=CHUNK, out=tmp_path / "o", record="outcomes")
    assert res.names == ["outcomes"]
    assert res.actors is None
    pd.testing.assert_frame_equal(res.outcomes, ref["outcomes"], check_exact=True)


def test_csv_tables_hold_the_same_values(reference, tmp_path):
    _, ref = reference
    sim.run(str(SMALL), RUNS, SEED, chunk_size=CHUNK, out=tmp_path / "csv", format="csv")
    assert (tmp_path / "csv" / "dyads.csv").is_file()
    got = read_tables(tmp_path / "csv")
    assert sorted(got) == sorted(ref)
    for name, df in ref.items():
        # CSV keeps values and column types, but not the order of categories, and an empty
        # field is read as missing.
        df = df.copy()
        for col in df.select_dtypes("category"):
            df[col] = df[col].astype(object).where(df[col].astype(object) != "", None)
            df[col] = df[col].astype("category")
        pd.testing.assert_frame_equal(
            got[name], df, check_categorical=False, obj=name, check_exact=False, rtol=1e-12
        )


def test_results_summary_has_the_red_line_with_a_wilson_interval(reference):
    path, ref = reference
    s = sim.open_results(path).summary()
    frame = s.to_frame()
    row = frame[(frame["kind"] == "red_line")].iloc[0]
    k = int(ref["outcomes"]["red_line.b_threat.crossed"].sum())
    assert row["estimate"] == pytest.approx(k / RUNS)
    assert row["low"] <= row["estimate"] <= row["high"]
    assert "b_threat" in s.render()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"runs": 0}, "--runs"),
        ({"chunk_size": 0}, "--chunk-size"),
        ({"record": "everything"}, "--record"),
        ({"format": "xlsx"}, "--format"),
        ({"workers": 0}, "--workers"),
    ],
)
def test_bad_settings_are_refused_before_anything_is_written(tmp_path, kwargs, message):
    args = {"runs": 10, "seed": 1, "out": tmp_path / "out"} | kwargs
    with pytest.raises(ExperimentError, match=message):
        sim.run(str(SMALL), **args)
    assert not (tmp_path / "out").exists()


def test_chunk_dataclass_names_arm_and_index():
    assert Chunk(3, 300, 400, "calm").key == "calm/c000003"
    assert Chunk(3, 300, 400).runs == 100
