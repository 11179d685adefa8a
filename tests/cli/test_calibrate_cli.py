"""``wargame calibrate``, the calibrated backtest and ``run --from``, as a user drives them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"
SMALL = ("--particles", "40", "--generations", "2", "-q")


def test_calibrate_then_backtest_then_run_from(wargame, tmp_path) -> None:
    code, out, err = wargame("calibrate", FLAGSHIP, "--until", "2024-12", *SMALL, "--out", "cal")
    assert code == 0, err
    assert "Calibration of seoul-arms-ukraine on 17 observations up to 2024-12" in out
    assert "shrinkage" in out and "calibrated.yaml" in out
    folder = tmp_path / "cal"
    diag = pd.read_parquet(folder / "diagnostics.parquet")
    assert list(diag["generation"]) == [0, 1] and (diag["runs"] == 40).all()
    post = pd.read_parquet(folder / "posterior.parquet")
    assert "weight" in post and len(post.columns) == 29  # 28 fitted (calibration.params)

    code, out, err = wargame(
        "backtest",
        folder / "calibrated.yaml",
        "--until",
        "2024-12",
        "--runs",
        "60",
        "-q",
        "--out",
        "bt",
    )
    assert code == 0, err
    assert "the forecast is the calibrated scenario's" in " ".join(out.split())
    table = pd.read_parquet(tmp_path / "bt" / "backtest.parquet")
    agg = table[table["kind"] == "aggregate"].set_index("rule")
    # Climatology is now a different ensemble (the prior), not the forecast itself.
    assert (agg["model"] != agg["climatology"]).any()

    code, out, err = wargame(
        "run",
        folder / "calibrated.yaml",
        "--from",
        "2025-06",
        "--runs",
        "30",
        "--keep",
        "0.5",
        "-q",
        "--out",
        "now",
    )
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Conditioned on the record up to 2025-06: the 30 of 60 simulated futures" in flat
    assert "30 runs to step 24" in flat
    # The record saw the troops' line crossed: a fact the runs were conditioned on, not a risk.
    assert "rok_dprk_troops (ROK) observed (crossed by 2024-10)" in flat
    assert not (tmp_path / "now.candidates").exists()
    kept = pd.read_parquet(tmp_path / "now" / "outcomes.parquet")
    assert len(kept) == 30 and kept["run"].between(0, 59).all()


def test_calibrate_resume_and_refusals(wargame, tmp_path) -> None:
    code, _, err = wargame("calibrate", FLAGSHIP, *SMALL, "--out", "c")
    assert code == 0, err
    code, _, err = wargame("calibrate", FLAGSHIP, *SMALL, "--out", "c")
    assert code == 2 and "use --resume to continue it or --force" in err
    code, _, err = wargame("calibrate", FLAGSHIP, *SMALL, "--out", "c", "--resume")
    assert code == 0, err
    code, _, err = wargame(
        "calibrate",
        FLAGSHIP,
        "--particles",
        "40",
        "--generations",
        "3",
        "-q",
        "--out",
        "c",
        "--resume",
    )
    assert code == 2 and "started with other settings" in err
    code, _, err = wargame("plot", "c")
    assert code == 2 and "a calibration folder, not an ensemble" in err


def test_calibrate_bad_input(wargame, tmp_path) -> None:
    cases = [
        (("--particles", "5"), "--particles: expected at least 20, got 5"),
        (("--alpha", "1.5"), "--alpha: expected a share strictly between 0 and 1"),
        (("--param", "actors.ROK.weights.domestik"), "did you mean"),
        (("--param", "time.horizon"), "not a distribution"),
        (("--until", "1999-01"), "before the start"),
        (("--min-acceptance", "0"), "--min-acceptance: expected a share strictly between"),
        (("--generations", "0"), "--generations: expected 1 to 50, got 0"),
    ]
    for args, message in cases:
        code, _, err = wargame("calibrate", FLAGSHIP, *args, "-q", "--out", "x")
        assert code == 2, (args, err)
        assert message in err, (args, err)
        assert "Traceback" not in err
        assert not (tmp_path / "x").exists()
    plain = tmp_path / "plain.yaml"
    plain.write_text((ROOT / "scenarios" / "richardson_arms_race.yaml").read_text())
    code, _, err = wargame("calibrate", plain, "-q")
    assert code == 2 and "nothing to calibrate against" in err


def test_run_from_bad_input(wargame, tmp_path) -> None:
    for args, message in [
        (("--from", "2031-01"), "--from: 2031-01 lies outside"),
        (("--from", "2024-07", "--keep", "0"), "--keep: expected a share in (0, 1]"),
        (("--from", "2025-06", "--record", "outcomes"), "--from: needs --record full"),
    ]:
        code, _, err = wargame("run", FLAGSHIP, *args, "--runs", "10", "-q", "--out", "r")
        assert code == 2, (args, err)
        assert message in err, (args, err)
        assert not (tmp_path / "r").exists() and not (tmp_path / "r.candidates").exists()
