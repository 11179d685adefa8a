"""The figures' numbers asked ahead, in a second thread, are the ones the figures then read."""

from __future__ import annotations

import threading

import pytest
from figdata import figure_data

import sim
from sim.analysis import plots
from sim.analysis.source import as_source

AGGREGATES = ("fans:", "shares:", "dyad_", "edges:", "median requirement", "channel_fans:")


def _computed(src) -> set[str]:
    return {k for k in src._memo if k.startswith(AGGREGATES)}


@pytest.mark.parametrize("folder", ["flagship_dir", "compare_dir"])
def test_the_prefetched_aggregates_are_those_the_figures_read(folder, request):
    """Every aggregate a figure reads was computed ahead (the hooks ask what the figures ask),
    and the figures drawn from them are those drawn without a prefetch."""
    path = request.getfixturevalue(folder)
    names = plots.available(sim.open_results(path))
    ahead = as_source(sim.open_results(path))
    thread = plots.prefetch(ahead, names)
    assert isinstance(thread, threading.Thread)
    thread.join()
    before = _computed(ahead)
    assert any(k.startswith("fans:") for k in before) and "dyad_cube" in before
    drawn = {name: figure_data(plots.draw(name, ahead)) for name in names}
    assert _computed(ahead) == before, "a figure computed an aggregate the prefetch did not"
    plain = as_source(sim.open_results(path))
    assert {name: figure_data(plots.draw(name, plain)) for name in names} == drawn


def test_drawing_while_the_prefetch_runs_gives_the_same_figures(flagship_dir):
    """The two threads meet on the same keys: a figure waits for a value being computed."""
    names = plots.available(sim.open_results(flagship_dir))
    src = as_source(sim.open_results(flagship_dir))
    thread = plots.prefetch(src, names)
    racing = {name: figure_data(plots.draw(name, src)) for name in names}
    thread.join()
    plain = as_source(sim.open_results(flagship_dir))
    assert {name: figure_data(plots.draw(name, plain)) for name in names} == racing


def test_tables_in_memory_are_not_prefetched(flagship_dir):
    res = sim.open_results(flagship_dir)
    held = {name: res.table(name) for name in res.names}
    assert plots.prefetch(held, ["escalation"]) is None
