"""``wargame compare`` and ``wargame sensitivity``: what they print and write, and bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

SMALL = Path(__file__).parent.parent / "experiments" / "data" / "small_crisis.yaml"


def test_compare_prints_each_arm_and_the_paired_difference(wargame, tmp_path):
    code, out, err = wargame(
        "compare",
        SMALL,
        "--counterfactual",
        "forced",
        "--runs",
        30,
        "--workers",
        1,
        "--out",
        "cf",
        "--quiet",
    )
    assert code == 0, err
    assert "Counterfactual forced: 30 runs per arm on common random numbers" in out
    assert "threat − calm" in out and "+100.0 pp" in out
    outcomes = pd.read_parquet(tmp_path / "cf" / "outcomes.parquet")
    assert outcomes.columns[0] == "arm"
    assert outcomes.groupby("arm", observed=True).size().to_dict() == {"threat": 30, "calm": 30}


def test_compare_default_folder_names_the_counterfactual(wargame, tmp_path):
    code, _, err = wargame("compare", SMALL, "-c", "same", "--runs", 4, "--workers", 1, "--quiet")
    assert code == 0, err
    (folder,) = (tmp_path / "runs").iterdir()
    assert folder.name.startswith("small-crisis-same-")


def test_sensitivity_prints_ranked_factors_and_saves_a_csv(wargame, tmp_path):
    code, out, err = wargame(
        "sensitivity",
        SMALL,
        "--method",
        "morris",
        "--samples",
        4,
        "--param",
        "actors.A.risk_tolerance",
        "--param",
        "actors.B.risk_tolerance",
        "--target",
        "escalation.A-B.max",
        "--workers",
        1,
        "--out",
        "sa",
        "--quiet",
    )
    assert code == 0, err
    assert "Sensitivity (morris, 4 trajectories, 2 factors, 12 runs)" in out
    assert "escalation.A-B.max" in out and "actors.A.risk_tolerance" in out
    saved = pd.read_csv(tmp_path / "sa" / "sensitivity.csv")
    assert set(saved["factor"]) == {"actors.A.risk_tolerance", "actors.B.risk_tolerance"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "-c", "nope"], "unknown counterfactual 'nope'"),
        (["compare"], "several counterfactuals"),
        (["compare", "-c", "same", "--runs", "0"], "--runs"),
        (["compare", "-c", "same", "--baseline", "third"], "unknown arm 'third'"),
        (["sensitivity", "--method", "sobol", "--samples", "4"], "too small for sobol"),
        (["sensitivity", "--method", "morris", "--samples", "1"], "too small for morris"),
        (["sensitivity", "--method", "fast"], "--method"),
        (["sensitivity", "--param", "actors.A.nope"], "--param actors.A.nope"),
        (["sensitivity", "--target", "red_line.b_thraet.crossed"], "did you mean"),
        (["sensitivity", "--horizon", "0"], "--horizon"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_leaves_no_folder(wargame, tmp_path, args, message):
    command, *rest = args
    code, out, err = wargame(command, SMALL, "--out", "bad", *rest)
    assert code == 2, (out, err)
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "bad").exists()


def test_a_commands_own_bad_option_is_reported_with_the_shared_ones(wargame, tmp_path):
    code, _, err = wargame("sensitivity", SMALL, "--out", "bad", "--method", "fast", "--workers", 0)
    assert code == 2
    lines = err.splitlines()
    assert "--workers: expected at least 1, got 0" in lines
    assert "--method: expected morris or sobol, got 'fast'" in lines
    assert not (tmp_path / "bad").exists()


def test_sensitivity_accepts_a_ladder_anchor_made_uncertain_with_set(wargame, tmp_path):
    path = "ladders.response.rungs.3.e"
    code, out, err = wargame(
        "sensitivity",
        SMALL,
        "--set",
        f"{path}={{dist: uniform, low: 3.5, high: 5.5}}",
        "--param",
        path,
        "--method",
        "morris",
        "--samples",
        4,
        "--target",
        "escalation.A-B.max",
        "--workers",
        1,
        "--out",
        "sa",
        "--quiet",
    )
    assert code == 0, err
    assert "1 factors, 8 runs" in out and path in out
    assert set(pd.read_csv(tmp_path / "sa" / "sensitivity.csv")["factor"]) == {path}
