"""``wargame explain`` as a user drives it: a scenario or a results folder, one decision."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"


def test_explains_the_rung_a_run_of_a_results_folder_took(wargame, tmp_path):
    # three chunks: run 7 lives in the second, whose model explain must rebuild from its seed
    code, _, err = wargame(
        "run", FLAGSHIP, "--runs", 12, "--chunk-size", 5, "--seed", 3, "--out", "r", "-q"
    )
    assert code == 0, err
    channels = pd.read_parquet(tmp_path / "r" / "channels.parquet")
    row = channels.query("run == 7 and step == 6 and actor == 'ROK' and channel == 'arm_ukraine'")
    taken = row["rung_id"].astype(str).item()
    code, out, err = wargame(
        "explain",
        "r",
        "--actor",
        "ROK",
        "--channel",
        "arm_ukraine",
        "--step",
        "2024-12",
        "--run",
        7,
    )
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith("ROK.arm_ukraine, run 7, step 6 (2024-12): most probable ")
    assert first.endswith(f"chosen {taken}")
    for term in ("switch", "reaction", "alliance", "total", "probability"):
        assert term in out
    assert "belief_expansionist" in out and "rus_rok_weapons" in out


def test_a_scenario_is_explained_as_the_ensemble_run_would_run_it(wargame, tmp_path):
    code, _, _ = wargame("run", FLAGSHIP, "--runs", 4, "--seed", 9, "--out", "r", "-q")
    assert code == 0
    code, from_folder, _ = wargame(
        "explain", "r", "--actor", "RUS", "--channel", "answer_rok", "--step", 3, "--run", 2
    )
    code2, from_file, _ = wargame(
        "explain",
        FLAGSHIP,
        "--actor",
        "RUS",
        "--channel",
        "answer_rok",
        "--step",
        3,
        "--run",
        2,
        "--runs",
        4,
        "--seed",
        9,
    )
    assert code == code2 == 0
    assert from_folder == from_file


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--actor", "RUX", "--channel", "x", "--step", 3], "--actor: no actor 'RUX'"),
        (["--actor", "ROK", "--channel", "arm", "--step", 3], "--channel: ROK has no channel"),
        (["--actor", "UKR", "--channel", "incursion_russia", "--step", 3], "plays 'fixed'"),
        (["--actor", "ROK", "--channel", "arm_ukraine", "--step", 99], "--step: expected"),
        (["--actor", "ROK", "--channel", "arm_ukraine", "--step", "2031-01"], "--step: expected"),
        (["--actor", "ROK", "--channel", "arm_ukraine", "--step", 2, "--run", 5000], "--run:"),
    ],
)
def test_bad_input_exits_2_with_one_line_per_problem(wargame, args, message):
    code, out, err = wargame("explain", FLAGSHIP, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == ""


def test_a_folder_that_is_not_a_run(wargame, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = wargame(
        "explain", "empty", "--actor", "ROK", "--channel", "arm_ukraine", "--step", 2
    )
    assert code == 2 and "not a results folder" in err
