"""The outcome vocabulary and the table registry against what the model really records."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from sim import outcomes as vocab
from sim import tables

FLAGSHIP = Path(__file__).resolve().parents[1] / "scenarios" / "seoul_arms_ukraine.yaml"


@pytest.fixture(scope="module")
def recorded():
    from sim.model import simulate
    from sim.scenario import load_scenario

    return simulate(load_scenario(FLAGSHIP), 3, 5, record="full")


def test_every_outcome_column_is_in_the_vocabulary_with_its_type(recorded):
    out = recorded["outcomes"]
    kinds = {"bool": np.bool_, "int": np.integer, "float": np.floating}
    seen = set()
    for col in out.columns.drop("run"):
        name = vocab.parse(col)
        assert name is not None, col
        if name.is_param:
            assert np.issubdtype(out[col].dtype, np.floating), col
            assert vocab.param_column(name.subject) == col
            continue
        assert np.issubdtype(out[col].dtype, kinds[name.stat.dtype]), col
        seen.add((name.stat.family, name.stat.name))
        rebuilt = (
            vocab.forces_column(name.subject, name.extra)
            if name.stat.name == "forces"
            else vocab.column(name.stat.family, name.subject, name.stat.name, name.step)
        )
        assert rebuilt == col
    # The flagship records every kind of column the vocabulary knows (measures included).
    assert {(s.family, s.name) for s in vocab.STATS} == seen


def test_a_measure_column_carries_its_step():
    name = vocab.parse("red_line.rok_missile_tech.crossed_by.24")
    assert name.is_measure and name.step == 24 and name.subject == "rok_missile_tech"
    assert vocab.parse("actor.ROK.approval_at.None").step is None
    assert vocab.parse("channel.ROK.arm_ukraine.level").subject == "ROK.arm_ukraine"


def test_names_outside_the_vocabulary_are_not_outcomes():
    for col in ("run", "arm", "red_line.x.sometimes", "front.f.forces", "red_line..crossed"):
        assert vocab.parse(col) is None, col
    with pytest.raises(KeyError):
        vocab.column("red_line", "x", "sometimes")


def test_the_scenario_accepts_as_targets_exactly_the_vocabulary_targets(recorded):
    pattern = re.compile(vocab.TARGET_PATTERN)
    for col in recorded["outcomes"].columns.drop("run"):
        name = vocab.parse(col)
        targetable = name.stat is not None and name.stat.target
        assert bool(pattern.match(col)) == targetable, col


def test_the_recorder_writes_the_registered_tables_in_their_order(recorded):
    assert list(recorded) == [t for t in tables.TABLES if t in recorded]
    assert set(tables.TIME_TABLES) <= set(recorded)
    for name in tables.TIME_TABLES:
        assert {"run", "step", "date"} <= set(recorded[name].columns), name
    assert tables.tables_of("outcomes") == ("outcomes",)
    with pytest.raises(ValueError, match="record must be one of"):
        tables.tables_of("some")
