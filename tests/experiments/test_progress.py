"""Progress moves within chunks, with each step of their models, and changes no table."""

from __future__ import annotations

import pytest
from xsupport import SMALL, assert_same_tables

import sim


class Recorder:
    """A progress display that keeps what it was told."""

    def __init__(self) -> None:
        self.advances: list[int] = []

    def start(self, total: int, done: int) -> None:
        self.total, self.done = total, done

    def advance(self, runs: int) -> None:
        assert runs > 0
        self.advances.append(runs)

    def stop(self) -> None:
        pass


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_moves_with_the_steps_and_the_tables_do_not_change(workers):
    horizon = sim.load_scenario(SMALL).time.horizon  # 12 steps
    rec = Recorder()
    with_bar = sim.run(str(SMALL), 60, 5, chunk_size=30, workers=workers, progress=rec)
    # Two chunks of 30 runs, each seen at every one of its steps: the bar moves many times
    # between chunk ends, and adds up to the runs exactly.
    assert sum(rec.advances) == 60
    assert len(rec.advances) >= 2 * horizon - 2, rec.advances
    without = sim.run(str(SMALL), 60, 5, chunk_size=30, workers=1)
    assert_same_tables(
        {n: with_bar.table(n) for n in with_bar.names},
        {n: without.table(n) for n in without.names},
    )
