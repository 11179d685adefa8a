"""One options object for every experiment: ``ExecOptions`` given whole or as keywords."""

from __future__ import annotations

import json

import pytest
from xsupport import SEED, SMALL, assert_same_tables, read_tables

import sim
from sim.experiments import ExecOptions
from sim.experiments.errors import ExperimentError


def test_keywords_and_an_options_object_run_the_same_ensemble(tmp_path):
    by_keywords = sim.run(
        SMALL, 30, SEED, chunk_size=7, out=tmp_path / "kw", overrides=["time.horizon=5"]
    )
    options = ExecOptions(chunk_size=7, out=tmp_path / "obj", overrides=["time.horizon=5"])
    by_object = sim.run(SMALL, 30, SEED, options=options)
    assert_same_tables(read_tables(by_keywords.path), read_tables(by_object.path))
    # The options reached the run: seven-run chunks, five steps.
    manifest = json.loads((tmp_path / "obj" / "manifest.json").read_text())
    assert [c["runs"] for c in manifest["chunks"]][:2] == [[0, 7], [7, 14]]
    assert by_object.actors["step"].max() == 5


def test_a_keyword_replaces_that_field_of_the_options(tmp_path):
    options = ExecOptions(out=tmp_path / "a", format="parquet")
    res = sim.run(SMALL, 5, SEED, options=options, format="csv", overrides=["time.horizon=3"])
    assert sorted(p.suffix for p in res.path.iterdir() if p.name.startswith("actors")) == [".csv"]


def test_every_experiment_takes_the_same_options(tmp_path):
    options = ExecOptions(overrides=["time.horizon=13"], chunk_size=5)
    cmp = sim.compare(SMALL, "same", 10, SEED, options=options)
    sweep = sim.sweep(
        SMALL, {"red_lines.b_threat.credibility": [0.0, 1.0]}, None, 10, SEED, options=options
    )
    for res in (cmp, sweep):
        assert len(res.manifest["chunks"]) == 2 * 2  # two arms of two five-run chunks
        assert res.scenario.time.horizon == 13


def test_an_unknown_option_is_a_type_error_that_names_the_nearest():
    with pytest.raises(
        TypeError, match=r"run\(\) got an unexpected keyword argument 'worker'.*'workers'"
    ):
        sim.run(SMALL, 5, SEED, worker=2)
    with pytest.raises(TypeError, match=r"compare\(\) got an unexpected keyword"):
        sim.compare(SMALL, None, 5, SEED, chunksize=2)


def test_options_are_checked_before_anything_runs(tmp_path):
    with pytest.raises(ExperimentError, match="--chunk-size"):
        sim.run(SMALL, 5, SEED, options=ExecOptions(chunk_size=0, out=tmp_path / "x"))
    assert not (tmp_path / "x").exists()
