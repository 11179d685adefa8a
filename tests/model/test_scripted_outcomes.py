"""Outcomes the scenario sets are not risks (issue 8, item 8); reversals per channel (item 6).

Oracles: hand-made rung paths with known reversal counts; a purpose-built scenario where an
event crosses one red line and the initial state another, so which is "scripted" is known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from model_helpers import build

from sim.analysis.contrast import contrast, render_contrast
from sim.analysis.estimands import summarize
from sim.analysis.stories import SCHEDULED, tell
from sim.model import simulate
from sim.model.persistence import reversals
from sim.scenario.schema import Bound


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ([0, 1, 2, 1, 1, 2], 2),
        ([0, 0, 0, 0], 0),
        ([0, 1, 1, 2, 2, 3], 0),
        ([3, 2, 2, 3, 3, 2, 1, 2], 3),
        ([2, 0], 0),
        ([0], 0),
        ([0, 2, 2, 2, 0, 0, 1], 2),
    ],
)
def test_reversals_of_hand_made_paths(path, expected):
    levels = np.array(path, dtype=float)[None, :, None]
    assert reversals(levels)[0, 0] == expected


def test_reversals_are_counted_per_run_and_channel_at_once():
    paths = [[0, 1, 2, 1, 1, 2], [0, 1, 0, 1, 0, 1], [2, 2, 2, 2, 2, 2]]
    levels = np.stack([np.array(paths, float).T, np.array(paths[::-1], float).T])  # (2, 6, 3)
    np.testing.assert_array_equal(reversals(levels), [[2, 4, 0], [0, 4, 2]])


LADDER = {"rungs": [{"id": "a", "e": 0.0}, {"id": "b", "e": 2.0}, {"id": "c", "e": 4.0}]}


def crisis():
    """A arms B only through a scheduled event at step 2; B's answer starts over A's line."""
    return build(
        {
            "ladders": {"lvl": LADDER},
            "actors": {
                "A": {
                    "policy": "fixed",
                    "channels": {"arm": {"ladder": "lvl", "target": "B", "initial": "a"}},
                },
                "B": {
                    "policy": "fixed",
                    "channels": {"answer": {"ladder": "lvl", "target": "A", "initial": "c"}},
                },
            },
            "red_lines": {
                "b_line": {"owner": "B", "watch": {"channel": "A.arm", "at_least": "c"}},
                "a_line": {"owner": "A", "watch": {"channel": "B.answer", "at_least": "c"}},
            },
            "events": [{"at": 2, "set": "A.arm", "to": "c", "note": "history"}],
        }
    )


@pytest.mark.parametrize("record", ["full", "outcomes"])
def test_an_event_crossing_is_flagged_scripted_and_an_unforced_one_is_not(record):
    out = simulate(crisis(), 20, 1, record=record)["outcomes"]
    assert out["red_line.b_line.crossed"].all() and out["red_line.b_line.scripted"].all()
    assert (out["red_line.b_line.scripted_step"] == 2).all()
    assert not out["red_line.b_line.set_by_arm"].any()
    assert out["red_line.a_line.crossed"].all()
    assert not out["red_line.a_line.scripted"].any()
    assert out["red_line.a_line.scripted_step"].isna().all()
    # one move up, no reversal; the fixed channel never moves
    assert (out["channel.A.arm.reversals"] == 0).all()
    assert out["channel.A.arm.reversals"].dtype == np.int64


def test_the_summary_says_scripted_and_keeps_the_probability_of_the_rest():
    sc = crisis()
    text = summarize(simulate(sc, 20, 1, record="outcomes"), sc).render()
    line = next(ln for ln in text.splitlines() if "b_line" in ln)
    assert "scripted (event at 2024-03)" in line and "%" not in line
    other = next(ln for ln in text.splitlines() if "a_line" in ln)
    assert "100.0%" in other and "scripted" not in other
    assert "reversals per channel per run" in text


def test_partly_forced_runs_are_left_out_of_the_probability():
    sc = crisis()
    out = simulate(sc, 20, 1, record="outcomes")["outcomes"]
    out.loc[:4, "red_line.b_line.scripted"] = False  # five runs crossed by the model itself
    frame = summarize({"outcomes": out, "scenario": sc}).to_frame()
    row = frame[frame["name"].str.startswith("b_line")].iloc[0]
    assert row["estimate"] == 1.0 and row["n"] == 5 and row["label"] == ""
    assert "15 scripted (event at 2024-03)" in row["note"]


def test_an_arm_bound_is_set_by_the_arm_in_the_contrast():
    sc = crisis()
    arms = {
        "high": {"B.answer": Bound(at_least="c"), "A.arm": Bound(at_most="b")},
        "low": {"B.answer": Bound(at_most="a", **{"from": 1})},
    }
    frames = []
    for arm, bounds in arms.items():
        out = simulate(sc, 30, 2, record="outcomes", interventions=bounds)["outcomes"]
        frames.append(out.assign(arm=arm))
    outcomes = pd.concat(frames, ignore_index=True)
    high = outcomes[outcomes.arm == "high"]
    # the bound held A.arm under the event's level: no scripted crossing of b_line there
    assert not high["red_line.b_line.crossed"].any()
    measures = [("red_line.a_line.crossed", "a line"), ("red_line.b_line.crossed", "b line")]
    table = contrast(outcomes, ["high", "low"], "low", measures)
    text = render_contrast(table, "test", 30)
    a_line = text.split("a line")[1].split("b line")[0]
    # a_line starts crossed (step 0) in both arms: the bound holds it there in "high" only
    assert "set by the arm" in a_line.splitlines()[1]
    b_low = text.split("b line")[1].splitlines()[2]
    assert "scripted (event at step 2)" in b_low


def test_the_story_of_a_run_says_scheduled_event():
    sc = crisis()
    tables = simulate(sc, 3, 1)
    story = tell({**tables, "scenario": sc}, 0)
    texts = [t for _, t in story.events]
    assert any(t.startswith("event:") and t.endswith(SCHEDULED) for t in texts)
    assert any("red line b_line crossed" in t and t.endswith(SCHEDULED) for t in texts)
    assert any("b_line crossed at 2024-03" + SCHEDULED in o for o in story.outcome)
    assert not any("a_line crossed" in o and "scheduled" in o for o in story.outcome)


def test_flagship_long_range_strikes_read_as_scripted(flagship):
    text = summarize(simulate(flagship, 30, 7, record="outcomes"), flagship).render()
    line = next(ln for ln in text.splitlines() if "rus_long_range_strikes" in ln)
    assert "scripted (event at 2024-11)" in line
    assert "utility channels (mean)" in text
