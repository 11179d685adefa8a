"""Results on object storage: ``--out s3://…`` against an S3 server on loopback (moto's server
mode, started here), with a real ``dask scheduler`` and two ``dask worker`` processes.

What must hold: the workers write their own chunks (the manifest records each chunk's writer,
from the marker the writer left); the tables equal a local run's; a run killed with SIGKILL
is refused while its lease is fresh, then resumed (its stale lock taken over) into the same
tables; ``--force`` spares a folder that is not ours; bad URLs are one line and exit 2;
``plot``, ``report`` and the summary read the folder where it lies and upload what they make.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from xsupport import (
    CHUNK,
    RUNS,
    SEED,
    SMALL,
    assert_same_tables,
    free_port,
    popen,
    read_tables,
    stop,
)

import sim
from sim.experiments.errors import ExperimentError

pytest.importorskip("s3fs")
pytest.importorskip("moto")

pytestmark = pytest.mark.slow
BUCKET = "wargame-test"
LEASE = "8"  # seconds: short, yet longer than a heartbeat (a third) can lag on a busy machine


def _wait_port(port: int, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"{what} did not start")
            time.sleep(0.2)


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """moto's S3 server on 127.0.0.1, the standard AWS variables pointing at it, a bucket;
    the fsspec file system (listings never cached). One server for the module: fsspec keeps
    a file system per set of options in each process, bound to the endpoint it first saw."""
    port = free_port()
    server = Path(sys.executable).parent / "moto_server"
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    proc = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_port(port, proc, "moto_server")
        with pytest.MonkeyPatch.context() as mp:
            for name, value in {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                "WARGAME_LOCK_LEASE": LEASE,
            }.items():
                mp.setenv(name, value)
            import s3fs

            fs = s3fs.S3FileSystem(use_listings_cache=False, skip_instance_cache=True)
            fs.mkdir(BUCKET)
            yield fs
    finally:
        stop(proc)


@pytest.fixture
def cluster(s3, tmp_path, request):
    """``dask scheduler`` and ``dask worker --nworkers 2`` on 127.0.0.1, given the AWS
    variables (as a user's cluster would be; a test may change them: ``indirect``); the
    address and the client that checks it."""
    from distributed import Client

    dask = Path(sys.executable).parent / "dask"
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONWARNINGS": "ignore", **getattr(request, "param", {})}
    common = dict(stderr=subprocess.STDOUT, env=env, start_new_session=True, cwd=tmp_path)
    procs = [
        subprocess.Popen(
            [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=(tmp_path / "scheduler.log").open("w"),
            **common,
        )
    ]
    try:
        _wait_port(port, procs[0], "dask scheduler")
        procs.append(
            subprocess.Popen(
                [
                    *(str(dask), "worker", address, "--nworkers", "2", "--nthreads", "1"),
                    *("--no-dashboard", "--local-directory", str(tmp_path / "dask-space")),
                ],
                stdout=(tmp_path / "worker.log").open("w"),
                **common,
            )
        )
        with Client(address, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=60)
            yield address, client
    finally:
        for proc in reversed(procs):
            stop(proc)


def _manifest(fs, prefix: str) -> dict:
    return json.loads(fs.cat_file(f"{BUCKET}/{prefix}/manifest.json"))


def test_dask_workers_write_their_chunks_to_s3_and_the_tables_equal_a_local_run(
    reference, cluster, s3
):
    address, client = cluster
    url = f"s3://{BUCKET}/dask"
    res = sim.run(str(SMALL), RUNS, SEED, chunk_size=CHUNK, out=url, scheduler=address)
    assert res.manifest["executor"]["kind"] == "dask"
    writers = {c["writer"]["pid"] for c in _manifest(s3, "dask")["chunks"]}
    workers = set(client.run(os.getpid).values())
    assert writers and writers <= workers  # every chunk written by a worker...
    assert os.getpid() not in writers  # ...none by this client
    assert_same_tables(reference[1], read_tables(url))
    assert not s3.exists(f"{BUCKET}/dask/chunks")  # dropped once the manifest committed
    local = sim.open_results(reference[0]).manifest["tables"]
    for name, info in _manifest(s3, "dask")["tables"].items():  # parts as on a disk
        assert info["parts"] == local[name]["parts"]
        assert len(s3.ls(f"{BUCKET}/dask/{name}.parquet")) == info["parts"]


@pytest.mark.parametrize(
    "cluster", [{"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"}], indirect=True
)
def test_workers_that_cannot_reach_the_storage_are_refused_before_any_write(cluster, s3):
    address, _ = cluster
    url = f"s3://{BUCKET}/unreached"
    with pytest.raises(ExperimentError, match=r"Dask worker .* cannot use it: cannot reach"):
        sim.run(str(SMALL), RUNS, SEED, chunk_size=CHUNK, out=url, scheduler=address)
    assert not s3.exists(f"{BUCKET}/unreached")


def test_a_killed_run_is_locked_while_its_lease_lives_then_resumed_into_the_same_tables(
    s3, tmp_path
):
    runs, chunk = 300, 10
    url = f"s3://{BUCKET}/killed"
    args = ["run", str(SMALL), "--runs", str(runs), "--chunk-size", str(chunk)]
    args += ["--seed", str(SEED), "--workers", "2", "--quiet", "--out", url]
    proc = popen(*args)
    deadline = time.monotonic() + 120

    def wait_for(markers: int) -> None:
        while len(s3.glob(f"{BUCKET}/killed/chunks/*/_COMMITTED")) < markers:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)

    wait_for(1)
    second = popen(*args, "--resume")  # a second writer while the first holds its lease
    _, err = second.communicate(timeout=120)
    assert proc.poll() is None  # (the first was still running)
    assert second.returncode == 2, err
    assert f"PID {proc.pid} on " in err and len(err.strip().splitlines()) == 1

    wait_for(3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _manifest(s3, "killed")["status"] == "running", "finished before the kill"
    assert s3.exists(f"{BUCKET}/killed/.wargame.lock")  # nothing released it

    time.sleep(float(LEASE) + 1)  # the killed run's lease runs out
    resumed = popen(*args, "--resume")
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    manifest = _manifest(s3, "killed")
    assert manifest["resumed"][-1]["took_over_lock"]["pid"] == proc.pid
    assert not s3.exists(f"{BUCKET}/killed/.wargame.lock")  # released
    local = tmp_path / "local"
    sim.run(str(SMALL), runs, SEED, chunk_size=chunk, out=local, workers=1)
    assert_same_tables(read_tables(local), read_tables(url))


def test_a_manifest_is_read_whole_while_its_writer_replaces_it(s3):
    """A second ``run`` reads a folder's manifest while its writer rewrites it (the race CI
    saw: an fsspec file object's second request names the first one's ETag, and fails)."""
    import threading

    from sim.experiments.store import read_manifest

    url = f"s3://{BUCKET}/racing"
    s3.pipe_file(f"{BUCKET}/racing/manifest.json", b'{"status": "running", "n": 0}')
    done = threading.Event()

    def rewrite() -> None:
        n = 0
        while not done.is_set():
            n += 1
            s3.pipe_file(f"{BUCKET}/racing/manifest.json", b'{"status": "running", "n": %d}' % n)

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        seen = {read_manifest(url)["n"] for _ in range(150)}
    finally:
        done.set()
        writer.join()
    assert len(seen) > 1  # the reads did overlap the rewrites


def test_force_spares_a_folder_that_is_not_ours(s3):
    s3.pipe_file(f"{BUCKET}/site/manifest.json", b'{"name": "a web app"}')
    s3.pipe_file(f"{BUCKET}/site/index.html", b"<html></html>")
    proc = popen("run", str(SMALL), "--runs", "20", "--out", f"s3://{BUCKET}/site", "--force")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "not a results folder made by wargame" in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and out == ""
    assert s3.cat_file(f"{BUCKET}/site/index.html") == b"<html></html>"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("nosuch://bucket/x", "unknown protocol 'nosuch'"),
        (f"s3://{BUCKET}-missing/x", "does not exist"),
    ],
)
def test_a_bad_url_is_one_line_and_exit_2(s3, url, says):
    proc = popen("run", str(SMALL), "--runs", "20", "--out", url)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert says in err and len(err.strip().splitlines()) == 1 and out == ""


def test_an_unreachable_endpoint_is_one_line_and_exit_2(s3, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    proc = popen("run", str(SMALL), "--runs", "20", "--out", f"s3://{BUCKET}/x")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2, err
    assert out == ""
    assert "cannot reach the storage" in err and len(err.strip().splitlines()) == 1


def test_summary_plot_and_report_read_an_s3_folder_and_upload_what_they_make(s3, tmp_path):
    url = f"s3://{BUCKET}/seen"
    args = ["--runs", "40", "--chunk-size", "20", "--seed", str(SEED), "--quiet"]
    run = popen("run", str(SMALL), *args, "--out", url)
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    local = popen("run", str(SMALL), *args, "--out", str(tmp_path / "local"))
    expected, _ = local.communicate(timeout=300)
    assert out.split("Results:")[0] == expected.split("Results:")[0]  # the same summary
    assert f"Results: {url}" in out

    plot = popen("plot", url, "--quiet")
    out, err = plot.communicate(timeout=300)
    assert plot.returncode == 0, err
    drawn = [line for line in out.splitlines() if line.endswith(".png")]
    assert drawn and all(line.startswith(f"{url}/figures/") for line in drawn)
    for line in drawn:
        assert s3.cat_file(line.removeprefix("s3://"))[:8] == b"\x89PNG\r\n\x1a\n"

    report = popen("report", url, "--quiet")
    out, err = report.communicate(timeout=300)
    assert report.returncode == 0, err
    html = s3.cat_file(f"{BUCKET}/seen/report.html").decode()
    assert html.startswith("<!DOCTYPE html") or "<html" in html[:500]


# --- memory:// (one process's memory): the same store, its chunks written by the client ------


def test_a_comparison_at_a_memory_url_equals_a_local_one(tmp_path):
    import fsspec

    args = (str(SMALL), "same", 60, 3)
    local = sim.compare(*args, chunk_size=20, out=tmp_path / "cmp", record="full", workers=2)
    there = sim.compare(*args, chunk_size=20, out="memory://wargame/cmp", record="full", workers=2)
    assert there.render() == local.render()
    assert_same_tables(read_tables(tmp_path / "cmp"), read_tables("memory://wargame/cmp"))
    again = sim.open_results("memory://wargame/cmp")
    assert again.table().equals(local.table())
    manifest = json.loads(fsspec.filesystem("memory").cat_file("/wargame/cmp/manifest.json"))
    assert {c["writer"]["pid"] for c in manifest["chunks"]} == {os.getpid()}


def test_a_sweep_at_a_memory_url_saves_its_table_and_figure_there(tmp_path):
    import fsspec

    from sim.experiments.sweep import Axis, SweepResult, sweep

    deterrence = Path(__file__).parent / "data" / "deterrence.yaml"
    axes = [Axis("red_lines.line.credibility", (0.0, 1.0))]
    url = "memory://wargame/sweep"
    res = sweep(deterrence, axes, runs=20, chunk_size=10, workers=1, out=url)
    local = sweep(deterrence, axes, runs=20, chunk_size=10, workers=1, out=tmp_path / "s")
    assert res.sweep.equals(local.sweep)
    fs = fsspec.filesystem("memory")
    assert fs.cat_file("/wargame/sweep/figures/sweep.png")[:4] == b"\x89PNG"
    assert SweepResult.from_folder(url).sweep.equals(local.sweep)
    assert not fs.exists("/wargame/sweep/.wargame.lock")
