"""Issue 10: whatever happens to one results folder — runs, kill -9 at any moment, resumes,
two writers started together with the same or other seeds — it ends either complete, with
tables equal to an uninterrupted run of the seed its manifest names, or with a clear refusal;
never mixed, never mislabelled."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xsupport import SMALL, assert_same_tables, popen, read_tables

import sim

RUNS, CHUNK = 40, 5
REFUSALS = ("being written by another", "already exists", "different settings")
_REFS: dict[int, dict] = {}


def _reference(seed: int, root: Path) -> dict:
    if seed not in _REFS:
        out = root / f"ref{seed}"
        sim.run(str(SMALL), RUNS, seed, chunk_size=CHUNK, out=out, record="outcomes")
        _REFS[seed] = read_tables(out)
    return _REFS[seed]


def _start(out: Path, seed: int):
    args = ["run", str(SMALL), "--runs", str(RUNS), "--chunk-size", str(CHUNK), "--seed"]
    args += [str(seed), "--workers", "1", "--record", "outcomes", "--quiet", "--out", str(out)]
    return popen(*args, "--resume")


def _finish(proc) -> tuple[int, str]:
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    return proc.returncode, err


def _check(out: Path, root: Path) -> None:
    """The folder is absent, unfinished, or complete and equal to its seed's reference."""
    file = out / "manifest.json"
    if not file.exists():
        return
    manifest = json.loads(file.read_text())
    if manifest["status"] == "complete":
        assert_same_tables(_reference(manifest["seed"], root), read_tables(out))


action = st.one_of(
    st.tuples(st.just("run"), st.sampled_from([7, 9])),
    st.tuples(st.just("kill"), st.sampled_from([7, 9]), st.floats(0.3, 3.0)),
    st.tuples(st.just("together"), st.sampled_from([7, 9]), st.sampled_from([7, 9])),
)


@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(action, min_size=1, max_size=3))
def test_any_sequence_ends_complete_and_equal_or_refused(tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("prop")
    out = root / "out"
    for step in steps:
        if step[0] == "run":
            code, err = _finish(_start(out, step[1]))
            assert code == 0 or (code == 2 and any(r in err for r in REFUSALS)), err
            if code == 0:
                assert json.loads((out / "manifest.json").read_text())["seed"] == step[1]
        elif step[0] == "kill":
            proc = _start(out, step[1])
            time.sleep(step[2])
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=60)
            time.sleep(0.2)
        else:
            procs = [_start(out, seed) for seed in step[1:]]
            for proc in procs:
                code, err = _finish(proc)
                assert code in (0, 2), err
                if code == 2:
                    assert any(r in err for r in REFUSALS), err
        _check(out, root)
    # The end: resuming with the manifest's seed completes the folder, equal to its reference
    # (a kill leaves either a manifest or nothing but the folder and a lock file).
    file = out / "manifest.json"
    seed = json.loads(file.read_text())["seed"] if file.exists() else 7
    code, err = _finish(_start(out, seed))
    assert code == 0, err
    _check(out, root)
    assert json.loads(file.read_text())["status"] == "complete"
