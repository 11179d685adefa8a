"""``wargame validate`` and ``wargame schema`` through the real entry point, and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.cli.validate import end_date

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"
BROKEN = ROOT / "tests" / "scenario" / "broken"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return info.value.code, out, err  # type: ignore[return-value]


def test_every_shipped_scenario_validates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", *map(str, SCENARIOS)], capsys)
    assert (code, err) == (0, "")
    for path in SCENARIOS:
        assert f"✓ {path}" in out


def test_summary_of_the_flagship(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", str(FLAGSHIP)], capsys)
    assert code == 0
    flat = " ".join(out.split())
    for fragment in (
        "24 months from 2024-06 to 2026-06",
        "ROK (Republic of Korea) · utility · arm_ukraine→UKR supply@indirect_ammo",
        "rus_dprk_2024: RUS, DPRK",
        "rok_missile_tech: ROK watches RUS.tech_dprk ≥ advanced_missile",
        "ukraine: RUS vs UKR",
        "UKR.incursion_russia → combat_troops",
        "rok_weapons_vs_restraint: arms weapons, restraint",
        "every actor (7): precision",
    ):
        assert fragment in flat, fragment
    from sim.scenario import load_scenario, uncertain_parameters

    n = len(uncertain_parameters(load_scenario(FLAGSHIP)))
    assert f"uncertain {n} parameters" in flat


def test_summary_fits_a_screen(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    for path in SCENARIOS:
        code, out, _ = run(["validate", str(path)], capsys)
        assert code == 0
        assert len(out.splitlines()) <= 50, path.name


def test_all_errors_of_all_files_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    files = [BROKEN / "unknown_ladder.yaml", FLAGSHIP, BROKEN / "negative_stock.yaml"]
    code, out, err = run(["validate", *map(str, files)], capsys)
    assert code == 2
    assert f"✓ {FLAGSHIP}" in out  # the valid file still gets its summary
    lines = err.splitlines()
    assert any(line.startswith(f"{files[0]}:") for line in lines)
    assert any(line.startswith(f"{files[2]}:") for line in lines)
    assert "Traceback" not in err


def test_set_and_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["validate", "-q", str(FLAGSHIP), "--set", "run.runs=7", "--set", "run.seed=3"], capsys
    )
    assert (code, out, err) == (0, "", "")
    code, out, err = run(["validate", str(FLAGSHIP), "--set", "run.runs=7"], capsys)
    assert "7 runs, seed" in out
    code, out, err = run(["validate", str(FLAGSHIP), "--set", "run.runz=7"], capsys)
    assert code == 2 and out == ""
    assert err == "<override>:1:1: run.runz: unknown key 'runz' in run; did you mean 'runs'?\n"


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = run(["validate", str(missing)], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"{missing}:1:1: <document>: cannot read the file")


def test_schema_to_stdout_and_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(["schema"], capsys)
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "wargame scenario"
    assert "actors" in schema["properties"] and "Number" in schema["$defs"]
    target = tmp_path / "s.json"
    code, out, _ = run(["schema", "-o", str(target)], capsys)
    assert (code, out) == (0, "")
    assert json.loads(target.read_text()) == schema
    code, _, err = run(["schema", "-o", str(tmp_path / "no" / "such" / "dir.json")], capsys)
    assert code == 2 and "cannot write the schema" in err


@pytest.mark.parametrize("argv", [["--help"], ["validate", "--help"], ["schema", "--help"]])
def test_help_shows_an_example(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert "wargame validate scenarios/" in out or "wargame schema -o" in out


@pytest.mark.parametrize(
    "argv",
    [[], ["nope"], ["validate"], ["validate", "--bogus", "x"], ["schema", "-o"]],
    ids=["no-command", "unknown-command", "no-file", "unknown-option", "option-without-value"],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "Traceback" not in err


def test_interrupt_exits_130(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    import sim.scenario

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.scenario, "load_scenario", interrupted)
    code, _, err = run(["validate", str(FLAGSHIP)], capsys)
    assert code == 130
    assert "interrupted" in err


def test_validate_stays_off_the_heavy_imports() -> None:
    """``wargame validate`` must not pay for Mesa, matplotlib, SALib, Dask or pandas."""
    code = (
        "import sys\n"
        "from sim.cli import main\n"
        "try:\n"
        f"    main(['validate', '-q', {str(FLAGSHIP)!r}])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "heavy = ('mesa', 'matplotlib', 'SALib', 'dask', 'pandas', 'scipy', 'pyarrow')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("start", "step", "horizon", "end"),
    [
        ("2024-06", "month", 24, "2026-06"),
        ("2024-11", "month", 2, "2025-01"),
        ("1973-10-06", "day", 45, "1973-11-20"),
        ("2000-01", "year", 10, "2010-01"),
        ("2024-01-01", "week", 2, "2024-01-15"),
    ],
)
def test_end_date(start: str, step: str, horizon: int, end: str) -> None:
    assert end_date(start, step, horizon) == end
