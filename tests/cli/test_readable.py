"""Readable numbers: dates beside steps, a legend under each summary block, overrides echoed
and recorded, shares in percent everywhere."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "experiments" / "data" / "small_crisis.yaml"  # starts 2024-01
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"


def _month(start: dt.date, steps: int) -> str:
    months = start.month - 1 + steps
    return f"{start.year + months // 12:04d}-{months % 12 + 1:02d}"


def test_the_summary_dates_steps_explains_each_block_and_echoes_overrides(wargame, tmp_path):
    code, out, err = wargame(
        "run",
        SMALL,
        "--runs",
        "60",
        "--out",
        "r",
        "--quiet",
        "--set",
        "actors.A.weights.reputation=0.9",
        "--set",
        "run.seed=3",
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1] == "with --set actors.A.weights.reputation=0.9 · run.seed=3"
    # Every median step of crossing carries the date of that step.
    found = re.findall(r"median step of crossing ([\d.]+) \((\d{4}-\d{2})\)", out)
    assert found, out
    for step, date in found:
        if float(step).is_integer():
            assert date == _month(dt.date(2024, 1, 1), int(float(step)))
    # Each block: its heading, then a one-line legend in parentheses.
    for heading in ("Red lines:", "Peak escalation (0–10)", "Fronts at the horizon"):
        i = next(n for n, line in enumerate(lines) if line.startswith(heading))
        assert lines[i + 1].startswith("  (") and lines[i + 1].endswith(")"), lines[i + 1]
    escalation = next(line for line in lines if "Goldstein" in line)
    assert "2 criticize" in escalation and "10 strike" in escalation  # the scale's anchors
    assert "km² gained since step 0" in out
    # Recorded in the manifest and the report.
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["overrides"] == ["actors.A.weights.reputation=0.9", "run.seed=3"]
    code, _, err = wargame("report", "r", "-o", "r.md")
    assert code == 0, err
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "overrides (--set): actors.A.weights.reputation=0.9, run.seed=3" in report


def test_compare_shows_approval_in_percent_and_dates_its_steps(wargame, tmp_path):
    code, out, err = wargame(
        "compare",
        FLAGSHIP,
        "--counterfactual",
        "rok_weapons_vs_restraint",
        "--runs",
        "40",
        "--out",
        "c",
        "--quiet",
    )
    assert code == 0, err
    block = out.split("ROK approval (%) at step 24 (2026-06)\n", 1)[1].split("\n\n")[0]
    arms = re.findall(
        r"^  (weapons|restraint)\s+(\d+\.\d)%  \[(\d+\.\d)%, (\d+\.\d)%\]", block, re.M
    )
    assert len(arms) == 2, block
    assert all(1 < float(a[1]) < 100 for a in arms)  # a percentage, not a share
    assert re.search(r"weapons − restraint\s+[+-]\d+\.\d pp", block), block
    assert "P(rok_missile_tech crossed by step 24 (2026-06))" in out


def test_validate_dates_the_scripted_events(wargame):
    code, out, err = wargame("validate", FLAGSHIP)
    assert code == 0, err
    steps = re.findall(r"step (\d+)(?:–(\d+))? \((\d{4}-\d{2})(?:–(\d{4}-\d{2}))?\):", out)
    assert steps, out
    start = dt.date(2024, 6, 1)  # the flagship's time.start
    for at, until, when, until_when in steps:
        assert when == _month(start, int(at))
        if until:
            assert until_when == _month(start, int(until))
