"""``wargame plot`` and ``wargame report``: files with the right content, and bad input → exit 2."""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image

from sim.cli import main


def wargame(*args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    return exc.value.code


@pytest.mark.parametrize("command", ["plot", "report"])
def test_a_folder_that_is_not_results_is_bad_input(command, tmp_path, capsys):
    (tmp_path / "x.txt").write_text("hello")
    assert wargame(command, tmp_path) == 2
    err = capsys.readouterr().err
    assert "not a results folder" in err and "Traceback" not in err
    assert wargame(command, tmp_path / "missing") == 2
    assert "no such folder" in capsys.readouterr().err
    assert wargame(command, tmp_path / "x.txt") == 2
    assert "not a folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.txt"]  # nothing written


def test_an_unfinished_results_folder_is_bad_input(tmp_path, capsys):
    (tmp_path / "manifest.json").write_text(json.dumps({"status": "running", "chunks": []}))
    assert wargame("plot", tmp_path) == 2
    assert "has not finished" in capsys.readouterr().err


def test_plot_writes_every_supported_figure(flagship_dir, tmp_path, capsys):
    from sim import open_results
    from sim.analysis import plots

    out = tmp_path / "figs"
    assert wargame("plot", flagship_dir, "-o", out) == 0
    expected = plots.available(open_results(flagship_dir))
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.png" for n in expected)
    assert "counterfactual" not in expected and "escalation" in expected
    for p in out.iterdir():
        im = Image.open(p)
        im.load()
        assert im.width > 300
    assert capsys.readouterr().out.split() == [str(out / f"{n}.png") for n in expected]


def test_plot_one_figure_to_a_file_in_the_format_of_its_suffix(flagship_dir, tmp_path):
    svg = tmp_path / "esc.svg"
    assert wargame("plot", flagship_dir, "--figure", "escalation", "-o", svg) == 0
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "ROK – RUS" in text
    assert wargame("plot", flagship_dir, "-f", "red_lines", "-o", tmp_path, "--format", "pdf") == 0
    assert (tmp_path / "red_lines.pdf").read_bytes().startswith(b"%PDF")


def test_plot_defaults_to_the_results_figures_folder(compare_dir):
    assert wargame("plot", compare_dir, "--figure", "counterfactual") == 0
    assert (compare_dir / "figures" / "counterfactual.png").is_file()


def test_unknown_figure_lists_the_available_ones(flagship_dir, tmp_path, capsys):
    assert wargame("plot", flagship_dir, "--figure", "escalatoin", "-o", tmp_path) == 2
    err = capsys.readouterr().err
    assert "unknown figure 'escalatoin'" in err
    assert "these results support: overview, escalation, ladder, red_lines" in err
    assert not list(tmp_path.iterdir())


def test_a_figure_the_results_cannot_support_is_bad_input(flagship_dir, tmp_path, capsys):
    assert wargame("plot", flagship_dir, "--figure", "counterfactual", "-o", tmp_path) == 2
    err = capsys.readouterr().err
    assert "cannot support it (no counterfactual comparison)" in err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.png"], "several figures go to a folder"),
        (["-f", "escalation", "-o", "x.gif"], "unknown figure format 'gif'"),
        (["-f", "escalation", "-o", "x.png", "--format", "svg"], "is .png but --format is svg"),
        (["-f", "escalation", "--format", "jpg"], "--format: expected one of png, svg, pdf"),
        (["-f", "escalation", "-o", "nowhere/x.png"], "does not exist"),
    ],
)
def test_bad_output_arguments(flagship_dir, tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in flagship_dir.iterdir())
    assert wargame("plot", flagship_dir, *args) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
    assert sorted(p.name for p in flagship_dir.iterdir()) == before


def test_report_html_of_a_real_run(flagship_dir, tmp_path, capsys):
    from html.parser import HTMLParser

    from sim import open_results

    path = tmp_path / "seoul.html"
    assert wargame("report", flagship_dir, "-o", path) == 0
    text = path.read_text(encoding="utf-8")

    class Imgs(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.srcs: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.srcs.append(dict(attrs)["src"])

    p = Imgs()
    p.feed(text)
    res = open_results(flagship_dir)
    from sim.analysis import plots

    assert len(p.srcs) == len(plots.available(res))
    for src in p.srcs:
        head, data = src.split(",", 1)
        assert head == "data:image/png;base64"
        Image.open(io.BytesIO(base64.b64decode(data))).load()
    for r in res.summary().to_frame().itertuples():
        if r.kind == "red_line" and r.label:  # set by a scheduled event: no risk quoted
            assert r.label in text
        elif r.kind == "red_line":
            assert f"{r.estimate:.1%} [{r.low:.1%}, {r.high:.1%}]" in text
    assert "scripted (event at 2024-11)" in text  # the US strike clearance, Nov 2024
    assert "Seoul arming Ukraine" in text
    assert str(res.manifest["seed"]) in text
    assert "The representative run: run" in text and "The most escalatory run: run" in text


def test_report_markdown_of_a_comparison_and_bad_suffix(compare_dir, tmp_path, capsys):
    md = tmp_path / "cmp.md"
    assert wargame("report", compare_dir, "-o", md) == 0
    text = md.read_text(encoding="utf-8")
    assert "## Counterfactual" in text and "weapons − restraint" in text
    assert "### The representative run: run" in text and "— arm restraint" in text
    assert wargame("report", compare_dir, "-o", tmp_path / "cmp.docx") == 2
    assert "a report is .html or .md" in capsys.readouterr().err
    assert not (tmp_path / "cmp.docx").exists()


def test_plot_and_report_of_a_sensitivity_folder(sensitivity_dir, tmp_path, capsys):
    import pandas as pd

    assert wargame("plot", sensitivity_dir, "-f", "sensitivity", "-o", tmp_path / "s.png") == 0
    Image.open(tmp_path / "s.png").load()
    assert wargame("report", sensitivity_dir, "-o", tmp_path / "s.md") == 0
    text = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert "## Sensitivity (morris)" in text
    idx = pd.read_csv(sensitivity_dir / "sensitivity.csv").dropna(subset=["mu_star"])
    top = idx.sort_values("mu_star", ascending=False, kind="stable").groupby("target").head(1)
    for r in top.itertuples():
        assert f"| {r.target} | 1 | {r.factor} | {r.mu_star:.3f} ± {r.mu_star_conf:.3f} |" in text


def test_plot_and_report_show_their_progress_on_stderr_and_quiet_silences_it(
    flagship_dir, tmp_path, capsys
):
    import re

    assert wargame("plot", flagship_dir, "-o", tmp_path / "f", "--figure", "escalation") == 0
    err = capsys.readouterr().err
    assert re.search(r"^plot: 1/1 figures \(100%\)", err, re.M), err
    assert wargame("report", flagship_dir, "-o", tmp_path / "r.md") == 0
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    m = re.match(r"report: (\d+)/(\d+) parts \(100%\)", last)
    assert m and m.group(1) == m.group(2) and int(m.group(2)) >= 3, err
    assert wargame("plot", flagship_dir, "-o", tmp_path / "g", "--figure", "ladder", "-q") == 0
    assert capsys.readouterr().err == ""
