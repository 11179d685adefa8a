"""Figures draw the numbers the tables hold: quantiles, shares, probabilities and intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figcheck import axes_titled, band, edges, line, unlabelled_axes, xnum
from matplotlib.figure import Figure

from sim.analysis import plots
from sim.analysis.estimands import summarize

Q = [0.05, 0.25, 0.5, 0.75, 0.95]
EXTRAS = {"counterfactual", "sensitivity"}  # figures of compare and sensitivity results only


def expected_fan(df: pd.DataFrame, value: str) -> pd.DataFrame:
    """Quantiles across runs per step, computed with pandas (independent of the plot code)."""
    return df.groupby("step")[value].quantile(Q).unstack()


def assert_fan(ax, df: pd.DataFrame, value: str, prefix: str = "") -> None:
    exp = expected_fan(df, value)
    med = line(ax, f"{prefix}median")
    np.testing.assert_allclose(np.asarray(med.get_ydata(), float), exp[0.5].to_numpy())
    _, lo, hi = band(ax, f"{prefix}50% band")
    np.testing.assert_allclose(lo, exp[0.25].to_numpy())
    np.testing.assert_allclose(hi, exp[0.75].to_numpy())
    x90, lo, hi = band(ax, f"{prefix}90% band")
    np.testing.assert_allclose(lo, exp[0.05].to_numpy())
    np.testing.assert_allclose(hi, exp[0.95].to_numpy())
    dates = df.drop_duplicates("step").sort_values("step")["date"].to_numpy()
    np.testing.assert_allclose(x90, xnum(dates))


def dyad_index(dyads: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """max(E_ab, E_ba) per run and step."""
    sel = dyads[
        ((dyads.actor == a) & (dyads.target == b)) | ((dyads.actor == b) & (dyads.target == a))
    ]
    keys = ["arm", "run", "step"] if "arm" in dyads else ["run", "step"]
    return (
        sel.groupby(keys, observed=True)
        .agg(escalation=("escalation", "max"), date=("date", "first"))
        .reset_index()
    )


def test_escalation_fan_draws_quantiles_of_the_dyad_index(tiny):
    fig = plots.escalation_fan(tiny)
    assert isinstance(fig, Figure)
    for a, b in [("AAA", "BBB"), ("AAA", "CCC")]:
        ax = axes_titled(fig, f"{a} – {b}")
        assert_fan(ax, dyad_index(tiny["dyads"], a, b), "escalation")
        samples = [ln for ln in ax.get_lines() if ln.get_label().startswith("_run")]
        assert 1 <= len(samples) <= 5
        # a sample run is a real run's path
        run = int(samples[0].get_label().split()[-1])
        idx = dyad_index(tiny["dyads"], a, b)
        path = idx[idx["run"] == run]["escalation"].to_numpy()
        np.testing.assert_allclose(np.asarray(samples[0].get_ydata(), float), path)


def test_escalation_fan_overlays_arms(tiny_arms):
    fig = plots.escalation_fan(tiny_arms, dyads=["BBB-AAA"])
    ax = axes_titled(fig, "AAA – BBB")
    idx = dyad_index(tiny_arms["dyads"], "AAA", "BBB")
    for arm in ("weapons", "restraint"):
        assert_fan(ax, idx[idx.arm == arm], "escalation", prefix=f"{arm}: ")
    assert not [ln for ln in ax.get_lines() if ln.get_label().startswith("_run")]


def test_escalation_fan_rejects_an_unknown_dyad(tiny):
    with pytest.raises(LookupError, match="AAA-ZZZ"):
        plots.escalation_fan(tiny, dyads=["AAA-ZZZ"])


def test_rung_shares_are_the_share_of_runs_on_each_rung(tiny):
    fig = plots.rung_shares(tiny)
    ax = axes_titled(fig, "AAA → CCC: arm_ccc")
    ch = tiny["channels"].query("channel == 'arm_ccc'")
    exp = pd.crosstab(ch["step"], ch["rung"].astype(int), normalize="index")
    layers = [
        c
        for c in ax.collections
        if c.get_label() in ("none", "indirect_ammo", "direct_ammo", "weapons")
    ]
    assert [c.get_label() for c in layers] == ["none", "indirect_ammo", "direct_ammo", "weapons"]
    for k, coll in enumerate(layers):
        _, lo, hi = edges(coll)
        share = exp[k].to_numpy() if k in exp else np.zeros(len(exp))
        np.testing.assert_allclose(hi - lo, share, atol=1e-12)
    # the continuous channel is a fan of its level
    assert_fan(
        axes_titled(fig, "AAA → BBB: build"), tiny["channels"].query("channel == 'build'"), "rung"
    )


def test_rung_shares_without_a_scenario_use_rung_ids(bare):
    fig = plots.rung_shares(bare)
    ax = axes_titled(fig, "BBB → AAA: answer_aaa")
    labels = {c.get_label() for c in ax.collections}
    assert {"none", "criticize", "warn"} <= labels


def test_red_line_risk_equals_the_summary(tiny_arms):
    fig = plots.red_line_risk(tiny_arms)
    ax = fig.axes[0]
    frame = summarize(tiny_arms).to_frame().query("kind == 'red_line'")
    bars = [p for p in ax.patches]
    assert len(bars) == len(frame) == 2
    heights = sorted(round(b.get_height(), 12) for b in bars)
    assert heights == sorted(round(v, 12) for v in frame["estimate"])
    # error bars: the LineCollection of each errorbar container spans [low, high]
    spans = []
    for cont in ax.containers:
        if hasattr(cont, "has_yerr") and cont.has_yerr:
            for seg in cont.lines[2][0].get_segments():
                spans.append((round(seg[:, 1].min(), 12), round(seg[:, 1].max(), 12)))
    expected = sorted(zip(frame["low"].round(12), frame["high"].round(12), strict=True))
    assert sorted(spans) == expected
    # and they are the plain proportions of the outcomes
    out = tiny_arms["outcomes"]
    for arm in ("weapons", "restraint"):
        p = out[out.arm == arm]["red_line.bbb_weapons.crossed"].mean()
        assert frame.query("arm == @arm")["estimate"].item() == pytest.approx(p)


def test_red_line_timing_is_the_cumulative_share_crossed(tiny):
    fig = plots.red_line_timing(tiny)
    ax = axes_titled(fig, "bbb_weapons")
    curve = line(ax, "P(crossed by date)")
    at = tiny["outcomes"]["red_line.bbb_weapons.step"].to_numpy()
    exp = [(at <= t).mean() for t in range(13)]
    np.testing.assert_allclose(np.asarray(curve.get_ydata(), float), exp)
    # it ends at the summary's P(crossed by the horizon)
    frame = summarize(tiny).to_frame().query("kind == 'red_line'")
    assert curve.get_ydata()[-1] == pytest.approx(frame["estimate"].item())
    (fill,) = [c for c in ax.collections if c.get_label() == "95% interval"]
    v = np.concatenate([p.vertices for p in fill.get_paths()])
    at_end = v[v[:, 0] == v[:, 0].max(), 1]  # a step fill holds both levels at the last date
    for bound in ("low", "high"):
        assert np.isclose(at_end, frame[bound].item()).any()


def test_world_fans_draw_quantiles_of_their_tables(tiny):
    stocks = tiny["stocks"]
    a = stocks[(stocks.actor == "AAA")]
    c = stocks[(stocks.actor == "CCC")]
    assert_fan(axes_titled(plots.arms_flows(tiny), "AAA shell sent"), a, "outflow")
    assert_fan(axes_titled(plots.arms_flows(tiny), "CCC shell received"), c, "inflow")
    assert_fan(axes_titled(plots.stocks(tiny), "AAA shell"), a, "level")
    fig = plots.readiness(tiny)
    assert [ax.get_title() for ax in fig.axes] == ["AAA shell"]  # CCC has no requirement
    assert_fan(fig.axes[0], a, "readiness")
    fronts = tiny["fronts"].query("side == 'BBB'")
    fig = plots.front(tiny)
    assert_fan(axes_titled(fig, "east: territory"), fronts, "territory")
    assert_fan(axes_titled(fig, "east: balance"), fronts, "balance")
    fig = plots.approval(tiny)
    assert [ax.get_title() for ax in fig.axes] == ["AAA", "BBB"]  # CCC's never moves
    actors = tiny["actors"]
    assert_fan(axes_titled(fig, "AAA"), actors[actors.actor == "AAA"], "approval")


def test_flows_panel_left_out_when_nothing_flows(tiny):
    titles = [ax.get_title() for ax in plots.arms_flows(tiny).axes]
    assert "AAA shell received" not in titles
    assert "CCC shell sent" not in titles


def test_crisis_map_edges_are_median_escalation_and_mean_flow(tiny):
    from sim.analysis.plots.network import edges as map_edges

    es = {(e.actor, e.target): e for e in map_edges(tiny)}
    d = tiny["dyads"]
    last = d[d.step == d.step.max()]
    for (a, t), g in last.groupby(["actor", "target"], observed=True):
        assert es[(a, t)].escalation == pytest.approx(g["escalation"].median())
    ch = tiny["channels"]
    flow = ch[(ch.actor == "AAA") & (ch.target == "CCC")]["flow"].mean()
    assert es[("AAA", "CCC")].flow == pytest.approx(flow)
    fig = plots.crisis_map(tiny)
    from matplotlib.patches import FancyArrowPatch

    arrows = [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == len(es)
    widths = sorted(a.get_linewidth() for a in arrows)
    assert widths[-1] > widths[0]  # the arms flow is the thickest edge


def test_crisis_map_layout_is_deterministic(tiny):
    def positions():
        fig = plots.crisis_map(tiny)
        return [t.get_position() for t in fig.axes[0].texts]

    assert positions() == positions()


@pytest.mark.parametrize("which", ["tiny", "tiny_arms", "bare"])
def test_every_figure_labels_every_axis(which, request):
    res = request.getfixturevalue(which)
    names = plots.available(res)
    extras = {"counterfactual"} if which == "tiny_arms" else set()
    assert set(names) == {n for n in plots.FIGURES if n not in EXTRAS} | extras
    for name in names:
        fig = plots.draw(name, res)
        assert not unlabelled_axes(fig), f"{name}: unlabelled axes {unlabelled_axes(fig)}"


def test_dates_on_time_axes(tiny):
    fig = plots.escalation_fan(tiny)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "date"
    med = line(ax, "median")
    assert np.issubdtype(np.asarray(med.get_xdata()).dtype, np.datetime64)
    assert pd.Timestamp(med.get_xdata()[0]) == pd.Timestamp("2024-06-01")


def test_unsupported_figures_say_why(tiny):
    res = dict(tiny)
    del res["fronts"]
    res["stocks"] = tiny["stocks"].assign(requirement=0.0)
    why = plots.supported(res)
    assert why["front"] == "no fronts table"
    assert why["readiness"] == "no stock has a requirement"
    with pytest.raises(LookupError, match="no fronts table"):
        plots.draw("front", res)
    with pytest.raises(KeyError, match="escalation"):
        plots.draw("nonsense", res)


def test_counterfactual_forest_draws_the_paired_differences(tiny_arms):
    fig = plots.counterfactual_effects(tiny_arms)
    table = tiny_arms["counterfactual"]
    diffs = table[table.kind == "paired difference"]
    assert len(fig.axes) == diffs["measure"].nunique() == 2
    for ax, d in zip(fig.axes, diffs.itertuples(), strict=True):
        assert ax.get_title() == d.label
        scale = 100.0 if d.measure.startswith("red_line.") else 1.0
        (cont,) = ax.containers
        point = cont.lines[0]
        assert point.get_xdata()[0] == pytest.approx(d.estimate * scale)
        (seg,) = cont.lines[2][0].get_segments()
        assert seg[:, 0].min() == pytest.approx(d.low * scale)
        assert seg[:, 0].max() == pytest.approx(d.high * scale)
        assert "weapons − restraint" in ax.get_yticklabels()[0].get_text()
    # the paired difference is the mean of run-by-run differences
    out = tiny_arms["outcomes"]
    w = out[out.arm == "weapons"].set_index("run")["front.east.territory"]
    r = out[out.arm == "restraint"].set_index("run")["front.east.territory"]
    assert diffs.iloc[1]["estimate"] == pytest.approx((w - r).mean())


def test_morris_scatter_draws_mu_star_and_sigma(morris):
    fig = plots.sensitivity_indices(morris)
    idx = morris["sensitivity"]
    ax = axes_titled(fig, "red_line.bbb_weapons.crossed")
    (cont,) = [c for c in ax.containers if c.has_xerr]
    pts = cont.lines[0]
    sub = idx[idx.target == "red_line.bbb_weapons.crossed"].sort_values("mu_star", ascending=False)
    np.testing.assert_allclose(pts.get_xdata(), sub["mu_star"])
    np.testing.assert_allclose(pts.get_ydata(), sub["sigma"])
    segs = cont.lines[2][0].get_segments()
    np.testing.assert_allclose(
        [s[:, 0].max() - s[:, 0].min() for s in segs], 2 * sub["mu_star_conf"].to_numpy()
    )
    labels = [t.get_text() for t in ax.texts]
    assert labels[0] == "actors.AAA.precision"  # the dominant factor comes first
    const = axes_titled(fig, "escalation.AAA-BBB.max")
    assert "no factor moves it" in const.texts[0].get_text()
    assert not unlabelled_axes(fig)


def test_sobol_bars_draw_st_and_s1_with_intervals(sobol):
    fig = plots.sensitivity_indices(sobol, targets=["red_line.bbb_weapons.crossed"])
    (ax,) = fig.axes
    sub = sobol["sensitivity"].sort_values("ST", ascending=False)
    sub = sub[sub.target == "red_line.bbb_weapons.crossed"]
    bars = {
        c.get_label(): [p.get_width() for p in c.patches]
        for c in ax.containers
        if hasattr(c, "patches")
    }
    np.testing.assert_allclose(bars["total order ST"], sub["ST"])
    np.testing.assert_allclose(bars["first order S1"], sub["S1"])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(sub["factor"])
    errs = [c for c in ax.containers if getattr(c, "has_xerr", False)]
    widths = [np.ptp(s[:, 0]) for c in errs for s in c.lines[2][0].get_segments()]
    np.testing.assert_allclose(widths, 2 * np.r_[sub["ST_conf"], sub["S1_conf"]])
    assert "sensitivity" in plots.available(sobol)


def test_figures_of_a_real_flagship_run_draw_its_tables(flagship_dir):
    """The same content checks on the model's own tables (a results folder read back)."""
    from sim import open_results

    res = open_results(flagship_dir)
    fig = plots.escalation_fan(res, dyads=["ROK-RUS"])
    assert_fan(axes_titled(fig, "ROK – RUS"), dyad_index(res.dyads, "ROK", "RUS"), "escalation")

    fig = plots.rung_shares(res, channels=["ROK.arm_ukraine"])
    ch = res.channels[(res.channels.actor == "ROK") & (res.channels.channel == "arm_ukraine")]
    exp = pd.crosstab(ch["step"], ch["rung"].astype(int), normalize="index")
    ladder = res.scenario.ladder_of("ROK.arm_ukraine").rung_ids
    layers = [c for c in fig.axes[0].collections if c.get_label() in ladder]
    assert [c.get_label() for c in layers] == ladder
    for k, coll in enumerate(layers):
        _, lo, hi = edges(coll)
        share = exp[k].to_numpy() if k in exp else np.zeros(len(exp))
        np.testing.assert_allclose(hi - lo, share, atol=1e-12)

    frame = res.summary().to_frame().query("kind == 'red_line'")
    heights = [p.get_height() for p in plots.red_line_risk(res).axes[0].patches]
    np.testing.assert_allclose(heights, frame["estimate"].to_numpy())

    fronts = res.fronts[res.fronts.side == "RUS"]
    assert_fan(axes_titled(plots.front(res), "ukraine: territory"), fronts, "territory")
    for name in plots.available(res):
        assert not unlabelled_axes(plots.draw(name, res)), name


def test_overview_panels_agree_with_the_full_figures(tiny):
    fig = plots.overview(tiny)
    esc, ladder, risk, terr = fig.axes[:4]
    assert esc.get_title().startswith("Escalation AAA – BBB")  # the red line's dyad
    assert_fan(esc, dyad_index(tiny["dyads"], "AAA", "BBB"), "escalation")
    assert ladder.get_title().startswith("AAA → CCC: arm_ccc")  # the channel it watches
    ch = tiny["channels"].query("channel == 'arm_ccc'")
    exp = pd.crosstab(ch["step"], ch["rung"].astype(int), normalize="index")
    top = next(c for c in ladder.collections if c.get_label() == "weapons")
    _, lo, hi = edges(top)
    np.testing.assert_allclose(hi - lo, exp[3].to_numpy(), atol=1e-12)
    frame = summarize(tiny).to_frame().query("kind == 'red_line'")
    assert [p.get_height() for p in risk.patches] == pytest.approx(list(frame["estimate"]))
    assert_fan(terr, tiny["fronts"].query("side == 'BBB'"), "territory")
    assert not unlabelled_axes(fig)


def test_overview_of_outcomes_only_shows_the_risk(tiny):
    res = {"outcomes": tiny["outcomes"], "scenario": tiny["scenario"]}
    fig = plots.overview(res)
    assert [ax.get_title() for ax in fig.axes] == ["Red-line risk"]
