"""Inert settings are warned about, located, by ``validate`` and ``run`` — never refused."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from sim.scenario import ScenarioWarning, load_scenario

WARNING = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): warning: (?P<path>\S+): (?P<msg>.+)$"
)


def _inert(wargame, tmp_path: Path) -> Path:
    """The starter of ``wargame new`` with three inert settings written in."""
    assert wargame("new", "inert")[0] == 0
    path = tmp_path / "inert.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in [
        (
            "weights: {security: 1.0, alliance: 0.5}",
            "weights: {security: 1.0, alliance: 0.5, domestic: 0.5}",
        ),
        ("    obligations:\n      PATRON: {arm_blue: offensive_weapons}", "    lag: 0"),
        ("  PATRON:\n    name: Patron", "  LONER:\n    name: Nobody\n  PATRON:\n    name: Patron"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def _where(path: Path, fragment: str) -> tuple[int, int]:
    """Line and column (1-based) of ``fragment`` in the file."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if fragment in line:
            return n, line.index(fragment) + 1
    raise AssertionError(fragment)


def test_validate_warns_of_each_inert_setting_at_its_place_and_passes(wargame, tmp_path):
    path = _inert(wargame, tmp_path)
    code, out, err = wargame("validate", path)
    assert code == 0, err
    assert "✓" in out
    found = {m["path"]: m for m in map(WARNING.match, err.splitlines()) if m}
    assert sorted(found) == [
        "actors.BLUE.weights.domestic",
        "actors.LONER",
        "alliances.blue_patron_treaty",
    ], err
    for path_, fragment in [
        ("actors.BLUE.weights.domestic", "0.5}"),
        ("actors.LONER", "LONER:"),
        ("alliances.blue_patron_treaty", "blue_patron_treaty:"),
    ]:
        m = found[path_]
        assert m["file"] == str(path)
        line, col = _where(path, fragment)
        assert (int(m["line"]), int(m["col"])) == (line, col), (path_, m.group(0))
    assert "no approval block" in found["actors.BLUE.weights.domestic"]["msg"]
    assert "no obligations" in found["alliances.blue_patron_treaty"]["msg"]


def test_run_prints_the_warnings_once_and_runs(wargame, tmp_path):
    path = _inert(wargame, tmp_path)
    code, out, err = wargame("run", path, "--runs", "20", "--out", "r", "--quiet")
    assert code == 0, err
    assert len([line for line in err.splitlines() if WARNING.match(line)]) == 3, err
    assert "Red lines" in out and (tmp_path / "r" / "manifest.json").exists()


@pytest.mark.parametrize(
    "path", sorted(Path(__file__).resolve().parents[2].glob("scenarios/*.yaml"))
)
def test_the_shipped_scenarios_have_no_inert_setting(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        load_scenario(path)


def test_the_library_warns_through_python_warnings(wargame, tmp_path):
    path = _inert(wargame, tmp_path)
    with pytest.warns(ScenarioWarning) as record:
        load_scenario(path)
    assert len(record) == 3
    assert record[0].message.problem.path == "actors.BLUE.weights.domestic"
