"""``wargame ladders`` and ``wargame new``, driven as a user would."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ladders_lists_every_rung_a_scenario_can_name_least_hostile_first(wargame):
    code, out, err = wargame("ladders")
    assert code == 0, err
    for name in ("supply", "tech", "response", "deploy"):
        assert re.search(rf"^{name} — .*include: \[ladders/standard\.yaml\]", out, re.M), name
    # The rungs the flagship names, by id, are all there.
    flagship = (ROOT / "scenarios" / "seoul_arms_ukraine.yaml").read_text(encoding="utf-8")
    for rung in ("indirect_ammo", "advanced_missile", "combat_troops", "show_of_force"):
        assert rung in flagship and re.search(rf"^\d+\s+{rung}\s", out, re.M), rung
    code, out, _ = wargame("ladders", "response")
    rungs = re.findall(r"^(\d+)\s+(\w+)\s+([\d.]+)\s+(\S+)", out, re.M)
    assert rungs[0][:2] == ("0", "none") and len(rungs) >= 5
    assert ("criticize", "2", "111") in [(r[1], r[2], r[3]) for r in rungs]
    es = [float(r[2]) for r in rungs]
    assert es == sorted(es)
    assert "supply" not in out


def test_an_unknown_ladder_is_one_line_and_exit_2(wargame):
    code, out, err = wargame("ladders", "supplies")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "ladders: no ladder 'supplies' in the library; it has supply, tech, response, deploy"
    ]


def test_the_ladders_of_docs_scenarios_are_the_generated_table(wargame):
    code, out, _ = wargame("ladders", "--markdown")
    assert code == 0
    doc = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert out.strip() in doc, "docs/scenarios.md: regenerate with `wargame ladders --markdown`"


def test_new_writes_a_starter_that_validates_and_runs(wargame, tmp_path):
    code, out, err = wargame("new", "my-crisis")
    assert code == 0, err
    path = tmp_path / "my-crisis.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\n#") > 10  # commented
    code, out, err = wargame("validate", path)
    assert code == 0, err
    assert "my-crisis" in out and "red_offensive_arms" in out
    code, out, err = wargame("run", path, "--runs", "50", "--out", "run", "--quiet")
    assert code == 0, err
    assert re.search(r"red_offensive_arms \(RED\)\s+\d+\.\d%", out), out
    assert (tmp_path / "run" / "manifest.json").exists()
    code, out, err = wargame(
        "compare",
        path,
        "--counterfactual",
        "offensive_vs_restraint",
        "--runs",
        "50",
        "--out",
        "cmp",
        "--quiet",
    )
    assert code == 0, err
    assert "offensive − restraint" in out


def test_new_refuses_an_existing_file_and_a_bad_name_and_writes_nothing(wargame, tmp_path):
    (tmp_path / "mine.yaml").write_text("precious\n")
    code, _, err = wargame("new", "mine")
    assert code == 2 and "mine.yaml already exists (--force replaces it)" in err
    assert (tmp_path / "mine.yaml").read_text() == "precious\n"
    code, _, err = wargame("new", "my crisis")
    assert code == 2 and "is not a scenario id" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]
    code, _, err = wargame("new", "mine", "--force")
    assert code == 0 and (tmp_path / "mine.yaml").read_text().startswith("# yaml-language")
