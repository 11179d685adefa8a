"""Dask: a LocalCluster and a real scheduler + worker pair give the same tables as one process.

The real pair is started by the test on loopback (``dask scheduler`` / ``dask worker``), the
way a user starts a cluster, and always torn down.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from xsupport import CHUNK, RUNS, SEED, SMALL, assert_same_tables, free_port, read_tables, stop

import sim
from sim.experiments.errors import ExperimentError

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow


def _dask_cli() -> list[str]:
    script = Path(sys.executable).parent / "dask"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dask"]


@pytest.fixture
def loopback_cluster(tmp_path):
    """``dask scheduler`` and ``dask worker --nworkers 2`` on 127.0.0.1; the address."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    procs = []
    try:
        procs.append(
            subprocess.Popen(
                [
                    *_dask_cli(),
                    "scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-dashboard",
                ],
                stdout=(logs / "scheduler.log").open("w"),
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                cwd=tmp_path,
            )
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or procs[0].poll() is not None:
                    pytest.fail(
                        "dask scheduler did not start:\n" + (logs / "scheduler.log").read_text()
                    )
                time.sleep(0.2)
        procs.append(
            subprocess.Popen(
                [
                    *_dask_cli(),
                    "worker",
                    address,
                    "--nworkers",
                    "2",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--local-directory",
                    str(tmp_path / "dask-worker-space"),
                ],
                stdout=(logs / "worker.log").open("w"),
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                cwd=tmp_path,
            )
        )
        yield address
    finally:
        for proc in reversed(procs):
            stop(proc)


def test_a_real_scheduler_and_worker_pair_gives_the_same_tables(
    reference, loopback_cluster, tmp_path
):
    _, ref = reference
    out = tmp_path / "dask"
    res = sim.run(str(SMALL), RUNS, SEED, chunk_size=CHUNK, out=out, scheduler=loopback_cluster)
    assert res.manifest["executor"]["kind"] == "dask"
    assert_same_tables(ref, read_tables(out))


def test_a_local_cluster_gives_the_same_tables(reference, tmp_path):
    _, ref = reference
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as cluster:
        out = tmp_path / "local"
        sim.run(
            str(SMALL), RUNS, SEED, chunk_size=CHUNK, out=out, scheduler=cluster.scheduler_address
        )
    assert_same_tables(ref, read_tables(out))


def test_an_unreachable_scheduler_is_bad_input():
    # (That it writes nothing is checked through the command line, in tests/cli/test_run.py.)
    from sim.experiments.executors import DaskCluster

    with pytest.raises(ExperimentError, match="cannot reach the Dask scheduler"):
        DaskCluster(f"tcp://127.0.0.1:{free_port()}", timeout=1)


def test_calibration_on_a_cluster_equals_one_process(loopback_cluster, tmp_path):
    """``calibrate`` runs each generation on the cluster; the posterior is the same."""
    from sim.history import calibrate, settings_for
    from sim.scenario import load_scenario

    spec = load_scenario(Path(__file__).resolve().parents[2] / "scenarios/seoul_arms_ukraine.yaml")
    params = ["fronts.ukraine.sides.RUS.lethality", "actors.ROK.approval.baseline"]
    settings = settings_for(
        spec, params=params, particles=40, generations=2, seed=4, chunk_size=20, until=6
    )
    local = calibrate(spec, settings=settings, workers=1)
    remote = calibrate(spec, settings=settings, scheduler=loopback_cluster, out=tmp_path / "cal")
    assert (tmp_path / "cal" / "calibrated.yaml").is_file()
    assert local.posterior.equals(remote.posterior)
