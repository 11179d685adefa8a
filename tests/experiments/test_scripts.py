"""The library from a plain script, as a user runs it: ``python script.py`` with worker
processes and no ``if __name__ == "__main__":`` guard, and a worker's failure reported as what
it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from xsupport import SMALL

from sim.experiments.pool import death

SCRIPT = """\
import sim

scenario = sim.load_scenario({scenario!r})
results = sim.run(scenario, runs=40, seed=3, workers={workers}, chunk_size=10, record="outcomes")
print("rows", len(results.outcomes))
print(results.outcomes.to_csv(index=False))
"""


def _python(script: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        env={**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _script(tmp_path: Path, workers: int) -> Path:
    path = tmp_path / f"script{workers}.py"
    path.write_text(SCRIPT.format(scenario=str(SMALL), workers=workers))
    return path


def test_a_script_without_a_main_guard_runs_with_two_workers_and_matches_one(tmp_path):
    pooled = _python(_script(tmp_path, 2), tmp_path)
    assert pooled.returncode == 0, pooled.stderr
    assert "rows 40" in pooled.stdout
    # Each worker ran chunks, not the script: the script printed once, and the tables are
    # those of the same ensemble in one process.
    assert pooled.stdout.count("rows ") == 1
    alone = _python(_script(tmp_path, 1), tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert pooled.stdout == alone.stdout


def test_a_workers_real_exception_reaches_the_user_and_memory_is_not_blamed(tmp_path):
    # A fault planted in every worker through ``sitecustomize`` (imported by each process at
    # start-up): the chunk raises an error of its own.
    plant = tmp_path / "plant"
    plant.mkdir()
    (plant / "sitecustomize.py").write_text(
        textwrap.dedent(
            """
            import sim.experiments.ensemble as ensemble

            def run_chunk(task, on_step=None):
                raise ValueError(f"planted fault in chunk {task.chunk.index}")

            ensemble.run_chunk = run_chunk
            """
        )
    )
    path = os.pathsep.join([str(plant), os.environ.get("PYTHONPATH", "")])
    proc = _python(_script(tmp_path, 2), tmp_path, PYTHONPATH=path)
    assert proc.returncode == 1
    assert "ValueError: planted fault in chunk" in proc.stderr
    assert "memory" not in proc.stderr


def test_a_workers_death_names_its_signal_and_blames_memory_only_on_an_oom_kill():
    kill, term = -signal.SIGKILL, -signal.SIGTERM
    # The others were stopped by the pool (SIGTERM) after one was killed.
    assert "SIGKILL" in death([term, kill], 4, 4)
    assert "not the out-of-memory killer" in death([term, kill], 4, 4)
    assert "ran out of memory" in death([kill, term], 4, 5)
    assert "memory" not in death([term, -signal.SIGSEGV], 4, 5)
    assert "SIGSEGV" in death([term, -signal.SIGSEGV], 4, 5)
    assert "exited with status 3" in death([0, 3, term], None, None)
    assert "out-of-memory killer's signal, or" in death([kill], None, None)
