"""Issue 10, defects 3, 4, 5, 8: the ownership mark, the lock, the estimate before a run, and
resume across package versions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from xsupport import SMALL, assert_same_tables, popen, read_tables

import sim
from sim.experiments import budget
from sim.experiments.errors import ChunkFailed, ExperimentError
from sim.experiments.guard import LOCK, FolderLock


def _run(out: Path, seed: int = 1, runs: int = 20, **kw):
    return sim.run(str(SMALL), runs, seed, chunk_size=10, out=out, record="outcomes", **kw)


# --- 3. --force deletes only a folder the tool made -------------------------------------------


def test_force_never_deletes_a_web_app_that_has_a_manifest_json(tmp_path):
    app = tmp_path / "webapp"
    app.mkdir()
    (app / "manifest.json").write_text('{"name":"My PWA"}')
    (app / "index.html").write_text("<html></html>")
    with pytest.raises(ExperimentError, match="not a results folder made by wargame"):
        _run(app, force=True)
    assert (app / "index.html").read_text() == "<html></html>"
    assert sorted(p.name for p in app.iterdir()) == ["index.html", "manifest.json"]


def test_force_refuses_a_results_folder_holding_files_it_did_not_write(tmp_path):
    out = tmp_path / "run"
    _run(out)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ExperimentError, match=r"did not write \(notes\.txt\)"):
        _run(out, force=True)
    assert (out / "notes.txt").exists()
    (out / "notes.txt").unlink()
    assert len(_run(out, seed=2, force=True).outcomes) == 20
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["written_by"] == "wargame-sim" and manifest["seed"] == 2


# --- 4. the lock ------------------------------------------------------------------------------


def test_a_locked_folder_is_refused_and_the_lock_is_freed_after(tmp_path):
    out = tmp_path / "run"
    with FolderLock(out):
        with pytest.raises(ExperimentError, match=rf"being written by another .*PID {os.getpid()}"):
            _run(out)
        assert not (out / "manifest.json").exists()
    assert not (out / LOCK).exists()
    _run(out)
    assert not (out / LOCK).exists()


def test_a_stale_lock_file_of_a_dead_process_is_taken_over(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (out / LOCK).write_text(json.dumps({"pid": dead.pid, "since": "then"}))
    lock = FolderLock(out).acquire()
    try:
        assert lock.stale == {"pid": dead.pid, "since": "then"}
        assert json.loads((out / LOCK).read_text())["pid"] == os.getpid()
    finally:
        lock.release()
    _run(out)  # a folder holding only a stale lock counts as empty


@pytest.mark.slow
def test_two_runs_started_together_into_one_new_folder_one_wins_the_other_is_refused(tmp_path):
    out = tmp_path / "same"
    args = ["run", str(SMALL), "--runs", "40", "--chunk-size", "10", "--workers", "1"]
    args += ["--record", "outcomes", "--out", str(out), "--quiet"]
    procs = {seed: popen(*args, "--seed", str(seed)) for seed in (7, 9)}
    results = {seed: p.communicate(timeout=120) for seed, p in procs.items()}
    codes = {seed: p.returncode for seed, p in procs.items()}
    assert sorted(codes.values()) == [0, 2], results
    winner = next(s for s, c in codes.items() if c == 0)
    loser = next(s for s, c in codes.items() if c == 2)
    err = results[loser][1]
    assert "Traceback" not in err
    assert "being written by another wargame process" in err or "already exists" in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == winner and manifest["status"] == "complete"
    sim.run(str(SMALL), 40, winner, chunk_size=10, out=tmp_path / "ref", record="outcomes")
    assert_same_tables(read_tables(tmp_path / "ref"), read_tables(out))


# --- 5. the estimate before a run -------------------------------------------------------------


def test_a_trillion_runs_is_refused_at_once_without_a_plan(tmp_path):
    t0 = time.monotonic()
    with pytest.raises(ExperimentError, match=r"--runs: 1,000,000,000,000 runs is more than"):
        _run(tmp_path / "huge", runs=1_000_000_000_000)
    assert time.monotonic() - t0 < 5
    assert not (tmp_path / "huge").exists()


def test_chunks_that_cannot_fit_in_memory_are_refused_with_the_figure_and_the_flag(
    tmp_path, monkeypatch
):
    with pytest.raises(ExperimentError) as exc:
        sim.run(str(SMALL), 10**8, 1, chunk_size=10**8, out=tmp_path / "big")
    text = str(exc.value)
    assert "memory:" in text and "GB" in text and "--no-memory-check" in text
    assert "--chunk-size" in text and "estimated time" in text
    assert not (tmp_path / "big").exists()
    # A machine with little memory: the same small run is refused, and runs with the flag.
    monkeypatch.setattr(budget, "available_memory", lambda: 1000)
    with pytest.raises(ExperimentError, match="memory:"):
        _run(tmp_path / "small")
    assert len(_run(tmp_path / "small", memory_check=False).outcomes) == 20


def test_a_memory_error_in_a_chunk_marks_the_folder_failed(tmp_path, monkeypatch):
    import sim.experiments.executors as ex

    def boom(task, on_step=None):
        raise MemoryError

    monkeypatch.setattr(ex, "run_chunk", boom)
    with pytest.raises(ChunkFailed, match="out of memory"):
        _run(tmp_path / "oom", workers=1)
    manifest = json.loads((tmp_path / "oom" / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "out of memory" in manifest["error"]


def test_more_workers_than_cores_are_capped_at_the_cores():
    from sim.experiments.executors import default_workers, make_executor

    with make_executor(999, None, 16) as executor:
        assert executor.workers <= default_workers()


# --- 8. resume across package versions --------------------------------------------------------


def _interrupted_with_other_versions(tmp_path: Path, monkeypatch) -> Path:
    from sim.experiments import compact

    monkeypatch.setattr(compact, "PART_ROWS", 1)  # a part per chunk: part 0 is chunk 0
    out = tmp_path / "run"
    _run(out)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["status"] = "interrupted"
    manifest["versions"] = {**manifest["versions"], "numpy": "0.0.1"}
    manifest.pop("tables")
    (out / "manifest.json").write_text(json.dumps(manifest))
    for table in out.glob("*.parquet"):  # back to an unfinished folder: one chunk kept
        part = table / "part-000000.parquet"
        (out / "chunks" / "c000000").mkdir(parents=True, exist_ok=True)
        os.replace(part, out / "chunks" / "c000000" / table.name)
        import shutil

        shutil.rmtree(table)
    return out


def test_resume_refuses_a_version_change_unless_allowed_and_records_it_per_chunk(
    tmp_path, monkeypatch
):
    out = _interrupted_with_other_versions(tmp_path, monkeypatch)
    before = (out / "manifest.json").read_text()
    with pytest.raises(ExperimentError, match=r"(?s)other package versions.*numpy.*0\.0\.1"):
        _run(out, resume=True)
    assert (out / "manifest.json").read_text() == before
    res = _run(out, resume=True, allow_version_change=True)
    assert len(res.outcomes) == 20
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["versions"]["numpy"] == "0.0.1"  # what the folder was started with
    chunks = {c["key"]: c for c in manifest["chunks"]}
    assert "versions" not in chunks["c000000"]  # made by the folder's versions
    assert chunks["c000001"]["versions"]["numpy"] != "0.0.1"  # made by this one
    assert manifest["resumed"][-1]["versions"] == chunks["c000001"]["versions"]


def test_without_flock_the_lock_is_an_exclusive_pid_file(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "fcntl", None)  # as on Windows: no flock
    out = tmp_path / "run"
    with FolderLock(out):
        with pytest.raises(ExperimentError, match=rf"PID {os.getpid()}"):
            FolderLock(out).acquire()
    assert not (out / LOCK).exists()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (out / LOCK).write_text(json.dumps({"pid": dead.pid, "since": "then"}))
    lock = FolderLock(out).acquire()
    assert lock.stale == {"pid": dead.pid, "since": "then"}
    lock.release()
