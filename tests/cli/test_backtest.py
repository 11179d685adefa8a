"""``wargame backtest`` as a user runs it, and ``validate``'s history line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"
NICKEL = ROOT / "scenarios" / "nickel_grass_1973.yaml"


@pytest.fixture(scope="module")
def flagship_run(tmp_path_factory):
    """``wargame backtest FLAGSHIP --runs 200`` once: (status, stdout, stderr, folder)."""
    import sys

    from sim.cli import main

    folder = tmp_path_factory.mktemp("bt") / "out"
    argv = sys.argv
    sys.argv = [
        "wargame",
        "backtest",
        str(FLAGSHIP),
        "--runs",
        "200",
        "--seed",
        "3",
        "-q",
        "--out",
        str(folder),
    ]
    try:
        with pytest.raises(SystemExit) as exit_info:
            main()
    finally:
        sys.argv = argv
    return exit_info.value.code, folder


def test_flagship_backtest_writes_table_and_figure(flagship_run, capsys) -> None:
    code, folder = flagship_run
    assert code in (0, None)
    table = pd.read_parquet(folder / "backtest.parquet")
    from sim.scenario import load_scenario

    n = len(load_scenario(FLAGSHIP).history)
    scored = table[table["kind"] != "aggregate"]
    assert scored["observation"].nunique() == n
    # events have a Brier and a log row, quantities a CRPS row
    assert set(table.loc[table["kind"] == "aggregate", "rule"]) == {"brier", "log", "crps"}
    events = scored[scored["rule"] != "crps"]
    assert (events.groupby("observation")["rule"].nunique() == 2).all()
    assert ((events["forecast"] >= 0) & (events["forecast"] <= 1)).all()
    crps = scored[scored["rule"] == "crps"]
    assert (crps["q05"] <= crps["q50"]).all() and (crps["q50"] <= crps["q95"]).all()
    assert crps["source"].str.len().gt(0).all()
    # uncalibrated: climatology is the forecast itself
    assert (table["model"] == table["climatology"]).all()
    png = (folder / "backtest.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    # the ensemble's own tables sit beside it, like any run
    assert (folder / "manifest.json").exists() and (folder / "fronts.parquet").exists()


def test_same_seed_same_table(wargame, tmp_path) -> None:
    tables = []
    for name in ("a", "b"):
        code, out, err = wargame(
            "backtest", NICKEL, "--runs", "40", "--seed", "5", "-q", "--out", tmp_path / name
        )
        assert code == 0, err
        flat = " ".join(out.split())
        assert "Aggregate" in flat and "skill vs clim." in flat
        assert "0 by construction" in flat  # says climatology is the uncalibrated prior
        tables.append(pd.read_parquet(tmp_path / name / "backtest.parquet"))
    pd.testing.assert_frame_equal(tables[0], tables[1])


def test_until_scores_only_later_observations(wargame, tmp_path) -> None:
    code, out, err = wargame(
        "backtest",
        FLAGSHIP,
        "--runs",
        "30",
        "--seed",
        "2",
        "-q",
        "--until",
        "2024-12",
        "--out",
        tmp_path / "o",
    )
    assert code == 0, err
    assert "out of sample" in out
    table = pd.read_parquet(tmp_path / "o" / "backtest.parquet")
    scored = table[table["kind"] != "aggregate"]
    assert len(scored) > 0 and (scored["step"] > 6).all()
    assert "2024-11" not in set(scored["when"].str[-7:])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--until", "2031-01"], "--until: 2031-01 is after the horizon (24 steps, 2026-06)"),
        (["--until", "soon"], "--until: expected a step or a date"),
        (["--until", "2026-06"], "no observation lies after 2026-06"),
        (["--runs", "0"], "--runs: expected at least 1 run"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(wargame, tmp_path, args, fragment) -> None:
    code, _, err = wargame("backtest", FLAGSHIP, *args, "--out", tmp_path / "x")
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_scenario_without_history_exits_2(wargame, tmp_path) -> None:
    scenario = ROOT / "tests" / "scenario" / "data" / "base.yaml"
    code, _, err = wargame("backtest", scenario, "--out", tmp_path / "x")
    assert code == 2
    assert "has no history: block" in err


def test_broken_history_is_located(wargame) -> None:
    broken = ROOT / "tests" / "scenario" / "broken" / "history_unknown_front.yaml"
    code, _, err = wargame("backtest", broken)
    assert code == 2
    assert "history_unknown_front.yaml:61:13: history.0.front: unknown front 'ukrane'" in err


def test_validate_prints_the_observation_count_and_range(wargame) -> None:
    code, out, _ = wargame("validate", FLAGSHIP, NICKEL)
    assert code == 0
    flat = " ".join(out.split())
    from sim.scenario import load_scenario

    n = len(load_scenario(FLAGSHIP).history)
    assert f"history {n} observations from 2024-06 to 2025-12" in flat
    assert "observations from 1973-10-06 to 1973-11-19" in flat


def test_help_shows_an_example(wargame) -> None:
    code, out, _ = wargame("backtest", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "wargame backtest scenarios/seoul_arms_ukraine.yaml" in flat
    assert "--until" in flat
