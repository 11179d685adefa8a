"""``wargame run``: the results folder, the summary, progress, and bad input → exit 2."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import pytest

SMALL = Path(__file__).parent.parent / "experiments" / "data" / "small_crisis.yaml"


def test_run_writes_a_results_folder_and_prints_the_summary(wargame, tmp_path):
    code, out, err = wargame(
        "run", SMALL, "--runs", 40, "--seed", 3, "--chunk-size", 10, "--workers", 1, "--out", "res"
    )
    assert code == 0, err
    folder = tmp_path / "res"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs"] == 40
    assert manifest["command"][:2] == ["wargame", "run"]
    for table in ("actors", "channels", "dyads", "fronts", "params", "outcomes"):
        assert (folder / f"{table}.parquet" / "part-000000.parquet").is_file(), table
    assert "P(crossed by the horizon)" in out and "b_threat" in out
    assert "95 % Wilson" in out and "Peak escalation" in out and "east" in out
    assert "Results: res" in out
    # Not a terminal: a plain progress line, no bar.
    assert "run: 40/40 runs (100%)" in err


def test_quiet_silences_the_progress(wargame):
    code, out, err = wargame(
        "run", SMALL, "--runs", 10, "--workers", 1, "--out", "q", "--quiet", "--record", "outcomes"
    )
    assert code == 0
    assert err == ""
    assert "b_threat" in out


def test_the_default_folder_is_under_runs_named_for_the_scenario(wargame, tmp_path):
    code, out, _ = wargame(
        "run", SMALL, "--runs", 5, "--workers", 1, "--quiet", "--record", "outcomes"
    )
    assert code == 0
    (folder,) = (tmp_path / "runs").iterdir()
    assert folder.name.startswith("small-crisis-20")
    assert f"Results: {Path('runs') / folder.name}" in out


def test_horizon_and_set_reach_the_scenario(wargame, tmp_path):
    code, _, err = wargame(
        "run",
        SMALL,
        "--runs",
        4,
        "--workers",
        1,
        "--horizon",
        15,
        "--set",
        "actors.A.weights.security=0.5",
        "--out",
        "h",
        "--quiet",
    )
    assert code == 0, err
    import sim

    res = sim.open_results(tmp_path / "h")
    assert res.dyads["step"].max() == 15
    assert res.scenario.actors["A"].weights.security == 0.5
    assert res.manifest["scenario"]["horizon"] == 15


def test_csv_format(wargame, tmp_path):
    import csv

    code, _, err = wargame(
        "run", SMALL, "--runs", 4, "--workers", 1, "--format", "csv", "--out", "c", "--quiet"
    )
    assert code == 0, err
    with (tmp_path / "c" / "actors.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [
        "run",
        "step",
        "date",
        "actor",
        "approval",
        "pressure",
        "payoff",
        "economy",
    ]
    assert len(rows) == 1 + 4 * 13 * 3  # runs × steps 0..12 × actors


def test_the_progress_is_a_rich_bar_on_a_terminal(monkeypatch):
    from sim.cli import progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    bar = progress.make_progress("run", quiet=False)
    assert isinstance(bar, progress.RichProgress)
    bar.start(100, 0)
    bar.advance(50)
    bar.stop()
    assert progress.make_progress("run", quiet=True) is None


def test_plain_progress_lines_are_sparse():
    import io

    from sim.cli.progress import PlainProgress

    stream = io.StringIO()
    p = PlainProgress("run", interval=3600, stream=stream)
    p.start(1000, 0)
    for _ in range(10):
        p.advance(100)
    p.stop()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("run: 1,000/1,000 runs (100%)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--runs", "0"], "--runs: expected at least 1 run, got 0"),
        (["--runs", "-5"], "--runs"),
        (["--horizon", "0"], "--horizon: expected a positive number of steps, got 0"),
        (["--horizon", "-2"], "--horizon"),
        (["--chunk-size", "0"], "--chunk-size"),
        (["--workers", "0"], "--workers"),
        (["--set", "actors.A.wieghts.security=1"], "<override>:1:"),
        (["--set", "actors.A.weights.security=lots"], "actors.A.weights.security"),
        (["--set", "time.horizon"], "PATH=VALUE"),
        (["--record", "everything"], "--record"),
        (["--format", "xlsx"], "--format"),
        (["--resume", "--force"], "choose one"),
        (["--runs", "many"], "Invalid value for '--runs'"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_leaves_no_folder(wargame, tmp_path, args, message):
    code, out, err = wargame("run", SMALL, "--out", "bad", *args)
    assert code == 2, (out, err)
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "bad").exists()
    assert not (tmp_path / "runs").exists()


def test_a_missing_scenario_file_exits_2(wargame, tmp_path):
    code, _, err = wargame("run", tmp_path / "nope.yaml", "--out", "bad")
    assert code == 2 and "nope.yaml" in err
    assert not (tmp_path / "bad").exists()


def test_an_existing_folder_is_refused_and_left_untouched(wargame, tmp_path):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    code, _, err = wargame("run", SMALL, "--runs", 5, "--out", folder)
    assert code == 2
    assert "already exists and is not empty" in err and "--resume" in err and "--force" in err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


@pytest.mark.slow
def test_an_unreachable_scheduler_exits_2(wargame, tmp_path):
    code, _, err = wargame(
        "run", SMALL, "--runs", 5, "--out", "bad", "--scheduler", f"tcp://127.0.0.1:{_free_port()}"
    )
    assert code == 2
    assert "cannot reach the Dask scheduler" in err and "Traceback" not in err
    assert not (tmp_path / "bad").exists()


def test_run_prints_the_median_reversals_per_channel(wargame):
    code, out, err = wargame(
        "run", SMALL, "--runs", 20, "--workers", 1, "--out", "rev", "--quiet", "--record=outcomes"
    )
    assert code == 0, err
    assert "Persistence: reversals per channel per run, median [90 % band]" in out
    assert "utility channels (mean)" in out
