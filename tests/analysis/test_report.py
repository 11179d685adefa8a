"""The after-action report holds the summary's estimands, a decodable image per figure, the
stories of chosen runs and how to reproduce them."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from sim.analysis import plots, report
from sim.analysis.estimands import summarize
from sim.analysis.stories import pick_runs, stories


class Images(HTMLParser):
    """Collects the report's images and figure ids."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.figures: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a["src"])
        if tag == "figure":
            self.figures.append(a["id"])

    def handle_data(self, data):
        self.text.append(data)


def decode(src: str) -> Image.Image:
    head, data = src.split(",", 1)
    assert head == "data:image/png;base64"
    im = Image.open(io.BytesIO(base64.b64decode(data, validate=True)))
    im.load()
    assert im.width > 200 and im.height > 150
    return im


def expected_strings(res) -> list[str]:
    """Every estimate of the summary, formatted here independently of the report code."""

    def num(x: float) -> str:  # thousands without decimals, the rest to two places
        return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.2f}"

    out = []
    for r in summarize(res).to_frame().itertuples():
        if r.kind == "red_line":
            out.append(f"{r.estimate:.1%} [{r.low:.1%}, {r.high:.1%}]")
        else:
            out.append(f"{num(r.estimate)} [{num(r.low)}, {num(r.high)}]")
    return out


@pytest.fixture(scope="module")
def html_report(tiny, tmp_path_factory):
    path = report.write(tiny, tmp_path_factory.mktemp("r") / "report.html")
    return path.read_text(encoding="utf-8")


def test_html_report_embeds_a_decodable_image_per_figure(tiny, html_report):
    p = Images()
    p.feed(html_report)
    assert p.figures == [f"figure-{n}" for n in plots.available(tiny)]
    assert len(p.images) == len(p.figures)
    for src in p.images:
        decode(src)
    assert 'src="http' not in html_report and "<script" not in html_report


def test_html_report_holds_the_summary_estimands(tiny, html_report):
    for s in expected_strings(tiny):
        assert s in html_report, s
    assert "A tiny crisis" in html_report
    assert "Three states, one front and a red line" in html_report  # the description


def test_report_tells_the_chosen_runs_and_how_to_reproduce(tiny, html_report):
    picks = pick_runs(tiny)
    for kind, (run, _) in picks.items():
        assert f"The {kind} run: run {run}" in html_report
    assert "wargame run tiny.yaml --runs 60 --seed 3" in html_report
    assert "mesa 3.5.1" in html_report


def test_representative_run_is_closest_to_the_median_paths(tiny):
    d = tiny["dyads"].copy()
    d["dyad"] = [
        "-".join(sorted(p)) for p in zip(d.actor.astype(str), d.target.astype(str), strict=True)
    ]
    idx = d.groupby(["dyad", "step", "run"]).escalation.max().unstack("run")  # (dyad,step) × run
    med = idx.median(axis=1)
    dist = ((idx.sub(med, axis=0)) ** 2).sum(axis=0)
    total = idx.sum(axis=0)
    picks = pick_runs(tiny)
    assert picks["representative"][0] == int(dist.idxmin())
    assert picks["most escalatory"][0] == int(total.idxmax())


def test_stories_list_the_runs_events_in_order(tiny):
    told = stories(tiny)
    assert [s.kind for s in told] == ["representative", "most escalatory"]
    ev = tiny["events"]
    for s in told:
        mine = ev[ev.run == s.run].sort_values("step", kind="stable")
        assert [t for _, t in s.events] == list(mine["text"].astype(str))[: len(s.events)]
        assert all(re.fullmatch(r"\d{4}-\d{2}", d) for d, _ in s.events)
        assert any(line.startswith("red line bbb_weapons") for line in s.outcome)


def test_stories_per_arm(tiny_arms):
    told = stories(tiny_arms)
    assert [(s.arm, s.kind) for s in told] == [
        ("weapons", "representative"),
        ("weapons", "most escalatory"),
        ("restraint", "representative"),
        ("restraint", "most escalatory"),
    ]


def test_markdown_report(tiny_arms, tmp_path):
    text = report.write(tiny_arms, tmp_path / "r.md").read_text(encoding="utf-8")
    srcs = re.findall(r"!\[[^\]]*\]\((data:image/png;base64,[^)]+)\)", text)
    assert len(srcs) == len(plots.available(tiny_arms))
    for src in srcs:
        decode(src)
    for s in expected_strings(tiny_arms):
        assert s in text
    assert "| arm | kind |" in text


def test_report_without_events_or_dyads_still_tells_the_outcome(tiny, tmp_path):
    res = {k: v for k, v in tiny.items() if k in ("outcomes", "scenario", "manifest")}
    text = report.write(res, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "no event log" in text
    out = tiny["outcomes"]
    cols = [c for c in out if c.startswith("escalation.") and c.endswith(".max")]
    m = out[cols].to_numpy()
    rep = int(np.argmin(((m - np.median(m, axis=0)) ** 2).sum(axis=1)))
    assert f"representative run: run {out['run'][rep]}" in text
    p = Images()
    p.feed(text)
    assert p.figures == ["figure-overview", "figure-red_lines", "figure-red_line_timing"]


def test_report_rejects_other_suffixes(tiny, tmp_path):
    with pytest.raises(ValueError, match=r"\.html or \.md"):
        report.write(tiny, tmp_path / "r.pdf")
    assert not list(tmp_path.iterdir())


def test_report_of_a_mapping_without_manifest_says_so(bare, tmp_path):
    text = report.write(bare, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "No manifest" in text
    assert pd.notna(text)


def test_report_of_a_comparison_holds_its_contrasts(tiny_arms, tmp_path):
    text = report.write(tiny_arms, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<h2>Counterfactual</h2>" in text
    for r in tiny_arms["counterfactual"].itertuples():
        if r.measure.startswith("red_line.") and r.kind == "paired difference":
            cell = f"{100 * r.estimate:+.1f} pp [{100 * r.low:+.1f}, {100 * r.high:+.1f}]"
        elif r.measure.startswith("red_line."):
            cell = f"{r.estimate:.1%} [{r.low:.1%}, {r.high:.1%}]"
        else:
            continue
        assert cell in text, cell
    assert 'id="figure-counterfactual"' in text


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_report_of_a_sensitivity_run_holds_its_indices(method, request, tmp_path):
    res = request.getfixturevalue(method)
    text = report.write(res, tmp_path / "r.md").read_text(encoding="utf-8")
    assert f"## Sensitivity ({method})" in text
    main, conf = ("mu_star", "mu_star_conf") if method == "morris" else ("ST", "ST_conf")
    idx = res["sensitivity"].dropna(subset=[main])
    for r in idx.itertuples():
        assert f"| {r.factor} | {getattr(r, main):.3f} ± {getattr(r, conf):.3f} |" in text
    assert "constant in every run" in text
    srcs = re.findall(r"\((data:image/png;base64,[^)]+)\)", text)
    assert len(srcs) == len(plots.available(res))
