"""Helpers of the experiments tests: the small scenario, reading every table of a results
folder, running the ``wargame`` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
SMALL = HERE / "data" / "small_crisis.yaml"
ROOT = HERE.parent.parent
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"

RUNS = 120
CHUNK = 20
SEED = 11


def read_tables(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of a finished results folder, as DataFrames."""
    import sim

    res = sim.open_results(path)
    return {name: res.table(name) for name in res.names}


def assert_same_tables(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    """Row for row, value for value (NaN equal to NaN), same dtypes."""
    assert sorted(a) == sorted(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


def wargame_cmd(*args: str) -> list[str]:
    """The ``wargame`` command of this environment (its console script, else ``-c``)."""
    script = Path(sys.executable).parent / "wargame"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from sim.cli import main; main()", *args]


def popen(*args: str, cwd: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    return subprocess.Popen(
        wargame_cmd(*args),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def free_port() -> int:
    """A TCP port free on loopback now (for a server a test starts)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc) -> None:
    """Stop a server a test started in its own process group: TERM, then KILL after 15 s."""
    import os
    import signal
    import subprocess

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
