"""The results folder: atomic chunks, no partial table ever, resume equals uninterrupted."""

from __future__ import annotations

import json
import random
import signal
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from xsupport import CHUNK, RUNS, SEED, SMALL, assert_same_tables, popen, read_tables

import sim
from sim.experiments.errors import ExperimentError
from sim.experiments.store import FolderStore, is_temporary


def _manifest(tmp: Path, **identity) -> dict:
    ident = {"kind": "run", "seed": 1, **identity}
    return {
        "identity": ident,
        "chunks": [{"key": "c000000", "status": "pending"}],
        "_scenario_yaml": "id: x\n",
    }


def test_an_existing_folder_is_refused_without_resume_or_force(tmp_path, reference):
    path, _ = reference
    before = sorted(p.name for p in path.iterdir())
    with pytest.raises(ExperimentError, match="already exists and is not empty"):
        sim.run(str(SMALL), RUNS, SEED, chunk_size=CHUNK, out=path)
    assert sorted(p.name for p in path.iterdir()) == before


def test_force_replaces_a_results_folder_but_never_another_folder(tmp_path):
    other = tmp_path / "notes"
    other.mkdir()
    (other / "thesis.txt").write_text("precious")
    with pytest.raises(ExperimentError, match="not a results folder"):
        sim.run(str(SMALL), 10, 1, out=other, force=True)
    assert (other / "thesis.txt").read_text() == "precious"

    out = tmp_path / "run"
    sim.run(str(SMALL), 10, 1, out=out, record="outcomes")
    res = sim.run(str(SMALL), 20, 1, out=out, force=True, record="outcomes")
    assert len(res.outcomes) == 20


def test_resume_refuses_a_folder_started_with_other_settings(tmp_path):
    out = tmp_path / "run"
    sim.run(str(SMALL), 20, 1, chunk_size=10, out=out, record="outcomes")
    with pytest.raises(ExperimentError, match=r"(?s)different settings.*seed: folder has 1, now 2"):
        sim.run(str(SMALL), 20, 2, chunk_size=10, out=out, record="outcomes", resume=True)
    with pytest.raises(ExperimentError, match="chunk_size"):
        sim.run(str(SMALL), 20, 1, chunk_size=5, out=out, record="outcomes", resume=True)


def test_resume_of_a_finished_folder_changes_nothing(tmp_path):
    out = tmp_path / "run"
    sim.run(str(SMALL), 20, 1, chunk_size=10, out=out, record="outcomes")
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    res = sim.run(str(SMALL), 20, 1, chunk_size=10, out=out, record="outcomes", resume=True)
    assert len(res.outcomes) == 20
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_a_chunk_that_fails_to_write_leaves_no_chunk_folder(tmp_path, monkeypatch):
    import pandas as pd

    import sim.experiments.store as store_mod

    store = FolderStore(tmp_path / "f", _manifest(tmp_path))
    store.check()
    store.open()
    real = store_mod.pq.write_table
    written = []

    def fail_second(table, where, **kw):
        if written:
            raise OSError("disk full")
        written.append(where)
        real(table, where, **kw)

    monkeypatch.setattr(store_mod.pq, "write_table", fail_second)
    df = pd.DataFrame({"run": [0, 1], "x": [1.0, 2.0]})
    with pytest.raises(OSError, match="disk full"):
        store.put("c000000", {"actors": df, "outcomes": df}, 0.1)
    assert written, "the first table was written before the failure"
    assert store.finished() == set()
    assert list((tmp_path / "f" / "chunks").iterdir()) == []


def _interrupted_folder(tmp_path: Path) -> Path:
    """A folder of 20 runs (outcomes) whose manifest says the run was interrupted."""
    out = tmp_path / "run"
    sim.run(str(SMALL), 20, 1, chunk_size=10, out=out, record="outcomes")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["status"] = "interrupted"
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def test_temporaries_left_by_a_kill_are_removed_on_resume(tmp_path):
    out = _interrupted_folder(tmp_path)
    junk = out / ".outcomes.parquet.tmp-123-abcd"
    junk.write_bytes(b"PAR1 half")
    sim.run(str(SMALL), 20, 1, chunk_size=10, out=out, record="outcomes", resume=True)
    assert not junk.exists()


def test_open_results_refuses_an_unfinished_folder(tmp_path):
    out = _interrupted_folder(tmp_path)
    with pytest.raises(ExperimentError, match=r"not finished.*--resume"):
        sim.open_results(out)
    with pytest.raises(ExperimentError, match="not a results folder"):
        sim.open_results(tmp_path)


# --- killed processes -------------------------------------------------------------------------


def _start(out: Path, *extra: str, quiet: bool = True):
    """``wargame run`` of the small scenario in chunks of 5 into ``out``, in a subprocess."""
    return popen(
        "run",
        str(SMALL),
        "--runs",
        str(RUNS),
        "--seed",
        str(SEED),
        "--chunk-size",
        "5",
        "--out",
        str(out),
        *(["--quiet"] if quiet else []),
        *extra,
    )


def _wait_for_chunks(out: Path, n: int, proc) -> None:
    """Wait (a minute at most) until ``proc`` has committed ``n`` chunks into ``out``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (out / "chunks").is_dir() and len(list((out / "chunks").glob("c0*"))) >= n:
            return
        if proc.poll() is not None:
            pytest.fail(f"finished before it could be stopped: {proc.communicate()}")
        time.sleep(0.005)


def _check_no_partial_table(out: Path) -> None:
    """Every table, table part and chunk folder in ``out`` is complete; temporaries hidden."""
    for p in out.rglob("*"):
        if any(is_temporary(Path(part)) for part in p.relative_to(out).parts):
            continue  # a temporary name: never read as a table
        if p.suffix != ".parquet":
            if p.name == "manifest.json":
                json.loads(p.read_text())
            continue
        table = pq.read_table(p)  # a file, or a table's folder of parts; raises if truncated
        runs = table.column("run").to_pylist()
        if p.parent.name.startswith("c0"):  # a chunk: chunks/c000003/outcomes.parquet
            start = int(p.parent.name[1:]) * 5
            assert runs[0] == start, p
            if p.stem == "outcomes":
                assert runs == list(range(start, min(start + 5, RUNS))), p
        elif p.name.startswith("part-"):  # a part of a finished table: whole chunks, in order
            start, end = runs[0], max(runs) + 1  # small chunks are joined (experiments.compact)
            assert start % 5 == 0 and (end % 5 == 0 or end == RUNS), p
            assert set(runs) == set(range(start, end)), p
        else:  # a finished table: every run
            assert set(runs) == set(range(RUNS)), f"{p} is a partial table"
    chunks = out / "chunks"
    if chunks.exists():
        for d in chunks.iterdir():
            if d.is_dir() and not is_temporary(d):
                names = {f.stem for f in d.glob("*.parquet")}
                assert {"outcomes", "actors", "dyads"} <= names, d


@pytest.mark.slow
def test_killed_then_resumed_equals_uninterrupted(tmp_path, reference):
    _, ref = reference
    out = tmp_path / "run"
    proc = _start(out)
    _wait_for_chunks(out, 3, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # Pool workers may commit the chunk they were running before they notice (within a
    # second) that their main process is gone, and exit.
    time.sleep(2.5)
    _check_no_partial_table(out)
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    kept = {p.name for p in (out / "chunks").iterdir() if p.name.startswith("c0")}
    assert 3 <= len(kept) < RUNS // 5

    resumed = _start(out, "--resume", quiet=False)
    _, stderr = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, stderr
    assert f"resuming: {len(kept) * 5:,} of {RUNS:,} runs already done" in stderr

    # A chunk size of 5 instead of 20 gives other chunk seeds: compare with its own reference.
    sim.run(str(SMALL), RUNS, SEED, chunk_size=5, out=tmp_path / "ref5")
    assert_same_tables(read_tables(tmp_path / "ref5"), read_tables(out))
    assert read_tables(out).keys() == ref.keys()


@pytest.mark.slow
def test_a_folder_killed_at_random_moments_never_holds_a_partial_table(tmp_path):
    rng = random.Random(20240619)

    def start_and_wait_for_folder(out: Path):
        proc = _start(out, "--workers", "1")
        while not (out / "manifest.json").exists() and proc.poll() is None:
            time.sleep(0.002)
        return proc, time.monotonic()

    # How long the folder is being written (chunks, then consolidation) in an unbroken run.
    proc, t0 = start_and_wait_for_folder(tmp_path / "timing")
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    writing = time.monotonic() - t0
    for i in range(5):
        out = tmp_path / f"kill{i}"
        proc, _ = start_and_wait_for_folder(out)
        time.sleep(rng.uniform(0.0, 1.05) * writing)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _check_no_partial_table(out)
        if i == 2:  # one of them resumes to the same tables as the unbroken run
            resumed = _start(out, "--workers", "1", "--resume")
            _, stderr = resumed.communicate(timeout=120)
            assert resumed.returncode == 0, stderr
            assert_same_tables(read_tables(tmp_path / "timing"), read_tables(out))


@pytest.mark.slow
def test_ctrl_c_exits_130_keeps_finished_chunks_and_says_how_to_resume(tmp_path):
    out = tmp_path / "run"
    proc = _start(out)
    _wait_for_chunks(out, 2, proc)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "--resume" in stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert len(list((out / "chunks").glob("c0*"))) >= 2
    _check_no_partial_table(out)


@pytest.mark.slow
def test_a_worker_that_dies_is_reported_with_its_chunk_and_finished_chunks_are_kept(tmp_path):
    import psutil

    out = tmp_path / "run"
    proc = _start(out, "--workers", "2")
    _wait_for_chunks(out, 2, proc)
    tree = psutil.Process(proc.pid).children(recursive=True)
    workers = [p for p in tree if p.parent() is not None and p.parent().pid != proc.pid]
    assert workers, "no pool worker found"
    workers[0].kill()  # a worker of this test's own pool, as the OOM killer would
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1, stderr
    assert "a worker process was killed (SIGKILL" in stderr and "chunk " in stderr
    assert "runs " in stderr
    assert "--resume" in stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert any(c["status"] == "failed" for c in manifest["chunks"])
    _check_no_partial_table(out)

    resumed = _start(out, "--workers", "1", "--resume")
    _, stderr = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, stderr
    sim.run(str(SMALL), RUNS, SEED, chunk_size=5, out=tmp_path / "ref5")
    assert_same_tables(read_tables(tmp_path / "ref5"), read_tables(out))
