"""The history block: its calendar, what it is not (parameters), and the shipped histories."""

from __future__ import annotations

import pytest
from scenario_helpers import FLAGSHIP, ROOT

from sim.scenario import load_scenario, load_scenario_text, uncertain_parameters
from sim.scenario.history import date_range, observation_steps, point_and_width, step_of
from sim.scenario.schema import Time

BASE = (ROOT / "tests" / "scenario" / "data" / "base.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("time", "when", "step"),
    [
        (Time(start="2024-06", step="month", horizon=24), "2024-10", 4),
        (Time(start="2024-06", step="month", horizon=24), "2025-06-30", 12),
        (Time(start="2024-06-19", step="month", horizon=24), "2024-10", 3),  # before the 19th
        (Time(start="2024-06-19", step="month", horizon=24), "2024-10-19", 4),
        (Time(start="1973-10-06", step="day", horizon=45), "1973-10-14", 8),
        (Time(start="1973-10-06", step="week", horizon=10), "1973-10-20", 2),
        (Time(start="2020-01", step="year", horizon=10), "2024-12", 4),
        (Time(start="2024-06", step="month", horizon=24), 7, 7),
        (Time(start="2024-06", step="month", horizon=24), "2024-05", -1),
    ],
)
def test_dates_fall_on_the_last_step_dated_on_or_before_them(time, when, step) -> None:
    assert step_of(time, when) == step


def test_calendar_agrees_with_the_model_step_dates() -> None:
    from sim.model.layout import step_dates

    for time in (
        Time(start="2024-06-19", step="month", horizon=30),
        Time(start="1973-10-06", step="day", horizon=45),
        Time(start="2001-03", step="year", horizon=5),
    ):
        dates = step_dates(time.start, time.step, time.horizon).astype("datetime64[D]").astype(str)
        for s, d in enumerate(dates):
            assert step_of(time, str(d)) == s, (time, d)


def _with_history(lines: str) -> str:
    run = "run: {runs: 100, seed: 1}"
    return BASE.replace(run, f"history:\n{lines}\n{run}")


def test_a_distribution_in_history_is_not_a_parameter() -> None:
    text = _with_history(
        "  - {actor: ROK, approval: {dist: normal, mean: 0.26, sd: 0.015}, at: 2024-06,"
        " source: Gallup}"
    )
    spec = load_scenario_text(text, base_dir=ROOT / "tests" / "scenario" / "data")
    assert spec.history[0].KIND == "approval"
    assert not [p for p, _ in uncertain_parameters(spec) if p.startswith("history")]
    y, width = point_and_width(spec.history[0].approval)
    assert y == pytest.approx(0.26, abs=1e-6)
    assert width == pytest.approx(2 * 1.6449 * 0.015, rel=1e-3)


def test_gain_in_a_step_is_the_change_over_the_step_that_ends_there() -> None:
    text = _with_history("  - {front: ukraine, gained: 477, in: 2024-08, source: AFP/ISW}")
    spec = load_scenario_text(text, base_dir=ROOT / "tests" / "scenario" / "data")
    assert observation_steps(spec.history[0], spec.time) == {"from": 1, "until": 2}


def test_flagship_history_is_sourced_and_spans_mid_2024_to_2025() -> None:
    spec = load_scenario(FLAGSHIP)
    assert len(spec.history) >= 20
    assert all(len(obs.source) > 10 for obs in spec.history)
    kinds = {obs.KIND for obs in spec.history}
    assert {"rungs", "reached", "alliance", "red_line", "gained", "territory", "approval"} <= kinds
    assert date_range(spec.history, spec.time) == ("2024-06", "2025-12")


def test_history_survives_the_results_folder_round_trip() -> None:
    from sim.scenario import dump_resolved

    spec = load_scenario(FLAGSHIP)
    again = load_scenario_text(dump_resolved(spec))
    assert again.history == spec.history
    assert [o.KIND for o in again.history] == [o.KIND for o in spec.history]
