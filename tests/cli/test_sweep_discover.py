"""``wargame sweep`` and ``wargame discover`` as a user drives them: output, files, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent.parent / "experiments" / "data"
DETERRENCE = DATA / "deterrence.yaml"
SMALL = DATA / "small_crisis.yaml"
CRED = "red_lines.line.credibility"


def test_sweep_prints_the_curve_and_writes_table_and_figure(wargame, tmp_path):
    code, out, err = wargame(
        "sweep", DETERRENCE, "--param", CRED, "--range", 0, 1, 3, "--runs", 60, "--out", "sw", "-q"
    )
    assert code == 0, err
    assert "Sweep of red_lines.line.credibility (3 values): 60 runs per point" in out
    assert "P(line crossed by step 6)" in out and "0 (the first point)" in out
    table = pd.read_parquet(tmp_path / "sw" / "sweep.parquet")
    assert list(table[CRED]) == [0.0, 0.5, 1.0]
    assert (tmp_path / "sw" / "figures" / "sweep.png").stat().st_size > 0
    outcomes = pd.read_parquet(tmp_path / "sw" / "outcomes.parquet")
    assert outcomes.groupby("arm", observed=True).size().to_dict() == {
        "g00": 60,
        "g01": 60,
        "g02": 60,
    }


def test_sweep_on_two_parameters_in_either_grid_form(wargame, tmp_path):
    code, _, err = wargame(
        "sweep", DETERRENCE,
        "--param", "actors.A.weights.economy", "--values", "0.2,0.8",
        "--param", CRED, "--range", 0, 1, 2,
        "--outcome", "escalation.A-B.max", "--runs", 20, "--out", "sw2", "-q",
    )  # fmt: skip
    assert code == 0, err
    table = pd.read_parquet(tmp_path / "sw2" / "sweep.parquet")
    assert list(zip(table["actors.A.weights.economy"], table[CRED], strict=True)) == [
        (0.2, 0.0), (0.2, 1.0), (0.8, 0.0), (0.8, 1.0)
    ]  # fmt: skip
    assert set(table["outcome"]) == {"escalation.A-B.max"}


def test_sweep_shows_progress(wargame):
    code, _, err = wargame("sweep", DETERRENCE, "--param", CRED, "--values", "0", "1", "--runs", 10)
    assert code == 0, err
    assert "sweep: 20/20 runs (100%)" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--param", "red_lines.line.credibilty", "--values", "0,1"], "did you mean 'credibility'"),
        (["--param", CRED, "--values", "0,2"], f"--param {CRED}=2: must be a probability"),
        (["--param", "red_lines.line.window", "--values", "1,2"], "not a number the model reads"),
        (["--values", "0,1"], "--values: give --param PATH before it"),
        (["--param", CRED], f"--param {CRED}: give its grid"),
        (["--param", CRED, "--range", "0", "1"], "expected LO HI N"),
        (["--param", CRED, "--range", "0", "1", "1"], "give at least 2 points"),
        (["--param", CRED, "--values", "0,x"], "expected a number, got 'x'"),
        (["--param", CRED, "--values", "0,1", "--outcome", "red_line.line.crosed"], "did you mean"),
        (["--param", CRED, "--values", "0,1", "--bogus"], "--bogus: unknown option"),
    ],
)
def test_sweep_bad_input_exits_2_with_a_message_and_writes_nothing(
    wargame, tmp_path, args, message
):
    code, out, err = wargame("sweep", DETERRENCE, *args, "--runs", 5, "--out", "bad", "-q")
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "bad").exists()


@pytest.fixture
def ensemble(wargame, tmp_path):
    code, _, err = wargame(
        "run", SMALL, "--runs", 300, "--record", "outcomes", "--out", "ens", "-w", 1, "-q"
    )
    assert code == 0, err
    return tmp_path / "ens"


def test_discover_prints_the_box_and_saves_it_for_the_report(wargame, ensemble, tmp_path):
    code, out, err = wargame("discover", ensemble, "--outcome", "escalation.A-B.max > 6")
    assert code == 0, err
    assert "Scenario discovery: escalation.A-B.max > 6" in out
    assert "Chosen box" in out and "coverage" in out and "density" in out
    assert "Feature scores" in out and "red_lines.b_threat.credibility" in out
    box = pd.read_parquet(ensemble / "discovery_box.parquet")
    assert set(box.columns) >= {"parameter", "low", "high"}
    assert (ensemble / "figures" / "discovery.png").stat().st_size > 0
    code, _, err = wargame("report", ensemble, "-o", "r.html")
    assert code == 0, err
    html = (tmp_path / "r.html").read_text()
    assert "Scenario discovery: escalation.A-B.max &gt; 6" in html
    assert 'id="figure-discovery"' in html


def test_the_report_of_a_folder_without_discovery_has_no_such_section(wargame, ensemble, tmp_path):
    code, _, err = wargame("report", ensemble, "-o", "r.html")
    assert code == 0, err
    assert "Scenario discovery" not in (tmp_path / "r.html").read_text()


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("escalation.A-B.mx > 6", "did you mean 'escalation.A-B.max'"),
        ("escalation.A-B.max", "is a number, not true or false"),
        ("escalation.A-B.max > 99", "false in all 300 runs"),
    ],
)
def test_discover_bad_outcome_exits_2_naming_the_folder(wargame, ensemble, expr, message):
    code, out, err = wargame("discover", ensemble, "--outcome", expr)
    assert code == 2
    assert f"{ensemble}: --outcome" in err and message in err
    assert out == "" and "Traceback" not in err
    assert not (ensemble / "discovery.parquet").exists()


def test_discover_needs_a_results_folder(wargame, tmp_path):
    code, _, err = wargame("discover", tmp_path / "none", "--outcome", "x")
    assert code == 2 and "no such folder" in err
    code, _, err = wargame("discover", tmp_path, "--outcome", "x", "--min-density", 2)
    assert code == 2 and "--min-density: expected a share between 0 and 1" in err
