"""Figures of a sensitivity folder that read: red lines over the whole design, Morris labels
apart, ladder rungs told apart by colour, and a word on negative Sobol S1."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from sim.analysis.plots.escalation import rung_colors
from sim.analysis.plots.red_lines import POOLED, crossing_curves, red_line_risk, risks
from sim.analysis.plots.sensitivity import NEGATIVE_S1, sensitivity_indices


def test_red_lines_of_a_sensitivity_design_pool_its_points(sensitivity_dir):
    import sim

    res = sim.open_results(sensitivity_dir)
    outcomes = res.table("outcomes")
    assert outcomes["arm"].nunique() > 10  # p00, p01…: the design's points
    rows = risks(res)
    assert {r.arm for r in rows} == {POOLED}
    # Each red line's risk is over every run of the design.
    for r in rows:
        assert r.runs == len(outcomes)
        assert r.crossed == int(outcomes[f"red_line.{r.red_line}.crossed"].sum())
    assert {arm for _, arm in crossing_curves(res)} == {POOLED}
    fig = red_line_risk(res)
    assert fig.get_size_inches()[0] < 12  # not 38 bars a red line


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_morris_labels_do_not_overlap(sensitivity_dir):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    import sim

    fig = sensitivity_indices(sim.open_results(sensitivity_dir))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    labelled = 0
    for ax in fig.axes:
        boxes = [Text.get_window_extent(t, renderer) for t in ax.texts]  # the words only
        labelled += len(boxes)
        for a, b in itertools.combinations(boxes, 2):
            assert not _overlap(a, b), [t.get_text() for t in ax.texts]
    assert labelled >= 3


def test_neighbouring_rungs_have_distinct_colours():
    colors = np.array(rung_colors(10))[:, :3]
    steps = np.linalg.norm(np.diff(colors, axis=0), axis=1)
    assert steps.min() > 0.12, steps  # a one-hue ramp gave about 0.05


def test_a_negative_sobol_s1_is_explained_in_the_table_footnote(sobol, tmp_path):
    from sim.analysis.report import build
    from sim.experiments.sensitivity import SensitivityResult

    table = sobol["sensitivity"].copy()
    table.loc[table.index[-1], "S1"] = -0.02  # as the estimator gives for an inert factor
    blocks = build({**sobol, "sensitivity": table}, figures=[])
    assert any(NEGATIVE_S1 in b.text for b in blocks if b.kind == "p")
    from sim.experiments.results import Results

    def render(indices: pd.DataFrame) -> str:
        base = Results(tables={"outcomes": sobol["outcomes"]}, manifest={})
        return SensitivityResult(base, "sobol", indices).render()

    assert NEGATIVE_S1 in render(table)
    assert NEGATIVE_S1 not in render(table.assign(S1=table["S1"].clip(lower=0)))
