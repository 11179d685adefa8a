"""Counterfactual arms share their random numbers; contrasts are paired."""

from __future__ import annotations

import numpy as np
import pytest
from xsupport import SMALL

import sim
from sim.experiments.errors import ExperimentError

RUNS = 100


@pytest.fixture(scope="module")
def same(tmp_path_factory):
    out = tmp_path_factory.mktemp("cf") / "same"
    return sim.compare(str(SMALL), "same", RUNS, 3, chunk_size=25, out=out, record="full")


def test_identical_arms_differ_by_exactly_zero(same):
    table = same.table()
    diffs = table[table["kind"] == "paired difference"]
    assert list(diffs["row"]) == ["first − second"] * 2
    assert (diffs["estimate"] == 0.0).all()
    assert (diffs["se"] == 0.0).all()
    assert (diffs["low"] == 0.0).all() and (diffs["high"] == 0.0).all()
    assert (diffs["n"] == RUNS).all()


def test_arms_share_their_random_numbers_run_by_run(same):
    params = same.params
    assert list(params["arm"].cat.categories) == ["first", "second"]
    a = params[params["arm"] == "first"].drop(columns="arm").reset_index(drop=True)
    b = params[params["arm"] == "second"].drop(columns="arm").reset_index(drop=True)
    assert len(a) > 0
    assert a.equals(b)


def test_every_table_of_a_comparison_has_the_arm_column_first(same):
    for name in same.names:
        df = same.table(name)
        assert df.columns[0] == "arm", name
        assert set(df["arm"]) == {"first", "second"}, name
    assert same.outcomes.groupby("arm", observed=True).size().tolist() == [RUNS, RUNS]


def test_a_scripted_effect_is_recovered_exactly(tmp_path):
    cmp = sim.compare(str(SMALL), "forced", RUNS, 5, chunk_size=50)
    table = cmp.table()
    arms = table[table["kind"] == "arm"].set_index("row")
    assert arms.loc["threat", "estimate"] == 1.0
    assert arms.loc["calm", "estimate"] == 0.0
    diff = table[table["kind"] == "paired difference"].iloc[0]
    assert diff["row"] == "threat − calm"
    assert diff["estimate"] == 1.0 and diff["se"] == 0.0
    assert "+100.0 pp" in cmp.render()
    assert cmp.names == ["outcomes"]  # the comparison is not a table of the result


def test_the_baseline_can_be_chosen(tmp_path):
    cmp = sim.compare(str(SMALL), "forced", 20, 5, chunk_size=10, baseline="threat")
    diff = cmp.table().query("kind == 'paired difference'").iloc[0]
    assert diff["row"] == "calm − threat" and diff["estimate"] == -1.0


def test_a_comparison_folder_opens_as_a_comparison(same):
    again = sim.open_results(same.path)
    assert again.table().equals(same.table())
    assert again.counterfactual.equals(same.table())


def test_paired_differences_are_narrower_than_independent_ones():
    from sim.analysis.estimands import paired_difference

    rng = np.random.default_rng(1)
    shared = rng.normal(0, 10, 500)
    a, b = shared + 1.0 + rng.normal(0, 0.1, 500), shared + rng.normal(0, 0.1, 500)
    d = paired_difference(a, b)
    assert d.low < 1.0 < d.high
    independent_se = np.sqrt(a.var(ddof=1) / 500 + b.var(ddof=1) / 500)
    assert d.se < independent_se / 20


@pytest.mark.parametrize(
    ("cf", "kwargs", "message"),
    [
        ("nope", {}, "unknown counterfactual 'nope'.*same, forced"),
        (None, {}, "several counterfactuals.*--counterfactual"),
        ("same", {"baseline": "third"}, "unknown arm 'third'"),
    ],
)
def test_bad_counterfactual_input_writes_nothing(tmp_path, cf, kwargs, message):
    with pytest.raises(ExperimentError, match=message):
        sim.compare(str(SMALL), cf, 10, out=tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()
