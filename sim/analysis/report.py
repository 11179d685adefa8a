"""The after-action report: one self-contained HTML or Markdown file per result.

The report is built once as a list of blocks (headings, paragraphs, tables, figures, lists)
and rendered to either format, so the two always say the same thing. Figures are PNGs
embedded as base64 ``data:`` URIs: the file can be mailed, opened offline, or attached to a
ticket without a folder of images beside it.

Sections: the scenario's title and description; the key estimands with their intervals (the
result's :class:`~sim.analysis.estimands.Summary`); every figure the result supports; the
story of the representative run and of the most escalatory run, told from the event log;
counterfactual and sensitivity results when present; how to reproduce (command, seed,
versions from the manifest).
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path
from typing import Any

from sim.analysis.estimands import summary_of
from sim.analysis.source import Source, as_source

from .report_render import Block, to_html, to_markdown

FORMATS = ("html", "md")
DPI = 110


# --- content ----------------------------------------------------------------------------------


def format_estimate(kind: str, estimate: float, low: float, high: float) -> str:
    """An estimate with its interval as the report prints it: ``12.3% [8.1%, 17.9%]``."""
    if kind == "red_line":
        return f"{estimate:.1%} [{low:.1%}, {high:.1%}]"
    return f"{_num(estimate)} [{_num(low)}, {_num(high)}]"


def _text(x: Any) -> str:
    """A text cell of a stored table ("" for a missing one: NaN or None)."""
    return x if isinstance(x, str) else ""


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.2f}"


def _estimands(src: Source) -> list[Block]:
    if not src.has("outcomes"):
        return [Block("h2", "Key estimands"), Block("p", "No outcomes table: nothing to estimate.")]
    summary = summary_of(src)
    frame = summary.to_frame()
    blocks = [
        Block("h2", "Key estimands"),
        Block(
            "p",
            f"{summary.runs:,} runs to {summary.horizon}. Red lines: probability of being "
            "crossed by the horizon with its 95% Wilson interval. Escalation (0–10) and fronts: "
            "median across runs with the 90% band (5th–95th percentile).",
        ),
    ]
    arms = "arm" in frame and frame["arm"].notna().any()
    header = (["arm"] if arms else []) + [
        "kind",
        "name",
        "measure",
        "estimate [interval]",
        "runs",
        "note",
    ]
    rows = []
    for r in frame.itertuples(index=False):
        cells = [str(r.arm)] if arms else []
        cells += [
            str(r.kind).replace("_", " "),
            str(r.name),
            str(r.measure),
            getattr(r, "label", "") or format_estimate(r.kind, r.estimate, r.low, r.high),
            f"{int(r.n):,}",
            str(r.note or ""),
        ]
        rows.append(cells)
    blocks.append(Block("table", data=(header, rows)))
    return blocks


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _figures(src: Source, names: list[str], tick: Any) -> list[Block]:
    from sim.analysis import plots

    blocks = [Block("h2", "Figures")]
    for name in names:
        spec = plots.FIGURES[name]
        fig = spec.draw(src)
        blocks.append(Block("figure", text=spec.caption, data=_png(fig), name=name))
        tick()
    if len(blocks) == 1:
        blocks.append(Block("p", "These results support no figure."))
    return blocks


def _stories(src: Source) -> list[Block]:
    from sim.analysis.stories import stories

    told = stories(src)
    if not told:
        return []
    blocks = [Block("h2", "Two runs, told from the event log")]
    for s in told:
        arm = f" — arm {s.arm}" if s.arm else ""
        blocks.append(Block("h3", f"The {s.kind} run: run {s.run}{arm}"))
        blocks.append(Block("p", f"Chosen as {s.why}."))
        if s.events:
            items = [f"{date} — {text}" for date, text in s.events]
            if s.more:
                items.append(f"… and {s.more} more events")
            if s.routine:
                items.append(f"({s.routine} routine rung changes of other channels not shown)")
            blocks.append(Block("list", data=items))
        elif src.has("events"):
            blocks.append(Block("p", "Nothing happened in this run that the event log records."))
        else:
            blocks.append(Block("p", "The results hold no event log (recorded outcomes only)."))
        if s.outcome:
            blocks.append(Block("p", "Outcome: " + "; ".join(s.outcome) + "."))
    return blocks


def _reproduce(src: Source) -> list[Block]:
    m = src.manifest or {}
    ident = m.get("identity", {}) if isinstance(m.get("identity"), dict) else {}

    def get(key: str) -> Any:
        return m.get(key, ident.get(key))

    lines = []
    command = get("command")
    if isinstance(command, list):
        import shlex

        command = shlex.join(map(str, command))
    blocks = [Block("h2", "How to reproduce")]
    if command:
        blocks.append(Block("pre", str(command)))
    for key, label in (
        ("seed", "seed"),
        ("runs", "runs"),
        ("chunk_size", "chunk size"),
        ("record", "record"),
        ("arms", "arms"),
        ("overrides", "overrides (--set)"),
        ("scenario_id", "scenario"),
        ("scenario_sha256", "scenario sha256"),
        ("started", "started"),
        ("finished", "finished"),
    ):
        value = get(key)
        if value not in (None, "", []):
            lines.append(
                f"{label}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
            )
    versions = get("versions")
    if isinstance(versions, dict) and versions:
        lines.append("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    if lines:
        blocks.append(Block("list", data=lines))
    if len(blocks) == 1:
        blocks.append(Block("p", "No manifest: these results were not read from a results folder."))
    blocks.append(
        Block(
            "p",
            "Same scenario, seed, runs and chunk size give identical tables, whatever the "
            "number of workers.",
        )
    )
    return blocks


def build(results: Any, *, figures: list[str] | None = None, progress: Any = None) -> list[Block]:
    """The report's blocks, in order (used by both renderers); ``progress`` counts the parts:
    the estimands, each figure, the stories."""
    from sim.analysis.plots import prefetch, supported

    src = as_source(results)
    names = figures if figures is not None else [n for n, w in supported(src).items() if w is None]
    ahead = prefetch(src, names)  # the figures' numbers while the estimands are computed
    tick = (lambda: progress.advance(1)) if progress is not None else (lambda: None)
    if progress is not None:
        progress.start(len(names) + 2, 0)
    blocks = [Block("h1", f"After-action report — {src.title}")]
    sc = src.scenario
    if sc is not None and getattr(sc, "description", ""):
        blocks.append(Block("p", " ".join(str(sc.description).split())))
    blocks += _estimands(src) + _extras(src)
    tick()
    blocks += _figures(src, names, tick)
    blocks += _stories(src)
    tick()
    if progress is not None:
        progress.stop()
    if ahead is not None:
        ahead.join()
    return blocks + _reproduce(src)


def _extras(src: Source) -> list[Block]:
    """Counterfactual and sensitivity results, when the result carries them."""
    from sim.analysis.plots.effects import comparison_table, is_proportion

    blocks: list[Block] = []
    table = comparison_table(src)
    if table is not None:
        blocks += [
            Block("h2", "Counterfactual"),
            Block(
                "p",
                "Every arm ran the same runs on common random numbers, so each run of one "
                "arm is paired with the same run of the other. Arms: proportion with its "
                "95% Wilson interval, or mean with its 95% interval. Differences: mean of "
                "paired differences with its 95% interval (percentage points for "
                "probabilities).",
            ),
        ]
        rows = []
        for r in table.itertuples(index=False):
            pct = is_proportion(str(r.measure))
            rows.append(
                [
                    str(r.label),
                    str(r.row),
                    _text(getattr(r, "scripted", ""))
                    or _contrast_cell(r.kind, r.estimate, r.low, r.high, pct)
                    + (f" ({_text(r.note)})" if _text(getattr(r, "note", "")) else ""),
                    f"{int(r.n):,}",
                ]
            )
        blocks.append(
            Block("table", data=(["measure", "arm or difference", "estimate [95%]", "runs"], rows))
        )
    blocks += _sensitivity(src)
    from sim.analysis.discovery import report_parts  # the saved discovery, when there is one

    blocks += [Block(*part) for part in report_parts(getattr(src.obj, "path", None), DPI)]
    return blocks


def _sensitivity(src: Source) -> list[Block]:
    from sim.analysis.plots.sensitivity import NEGATIVE_S1, TOP, indices_table
    from sim.tables import INDICES

    found = indices_table(src)
    if found is None:
        return []
    method, table = found
    cols = INDICES[method]
    main, conf, other = cols.main, cols.conf, cols.second
    if method == "morris":
        note = (
            "Morris elementary effects: μ* is how much a factor moves the target (in the "
            "target's units), with its 95% bootstrap interval; σ the spread of its effects "
            "(non-linearity and interactions)."
        )
        header = ["target", "rank", "factor", "μ* ± 95% CI", "σ"]
    else:
        note = (
            "Sobol indices: ST is the share of the target's variance a factor explains, "
            "interactions included; S1 its share alone; each with its 95% bootstrap "
            "interval."
        )
        header = ["target", "rank", "factor", "ST ± 95% CI", "S1 ± 95% CI"]
    rows = []
    for target, grp in table.groupby("target", sort=False):
        grp = grp[grp[main].notna()].sort_values(main, ascending=False, kind="stable")
        if grp.empty:
            rows.append([str(target), "", "constant in every run: no factor moves it", "", ""])
            continue
        for rank, r in enumerate(grp.head(TOP).itertuples(index=False), start=1):
            second = (
                f"{getattr(r, other):.3f}"
                if method == "morris"
                else f"{r.S1:.3f} ± {r.S1_conf:.3f}"
            )
            rows.append(
                [
                    str(target),
                    str(rank),
                    str(r.factor),
                    f"{getattr(r, main):.3f} ± {getattr(r, conf):.3f}",
                    second,
                ]
            )
    if method == "sobol" and (table["S1"] < 0).any():
        note += f" {NEGATIVE_S1}."
    return [
        Block("h2", f"Sensitivity ({method})"),
        Block("p", note + f" The {TOP} most influential factors per target."),
        Block("table", data=(header, rows)),
    ]


def _contrast_cell(kind: str, estimate: float, low: float, high: float, pct: bool) -> str:
    if pct and kind == "arm":
        return f"{estimate:.1%} [{low:.1%}, {high:.1%}]"
    if pct:
        return f"{100 * estimate:+.1f} pp [{100 * low:+.1f}, {100 * high:+.1f}]"
    sign = "+" if kind != "arm" else ""
    return f"{estimate:{sign},.2f} [{low:{sign},.2f}, {high:{sign},.2f}]"


def write(
    results: Any, path: str | os.PathLike, *, figures: list[str] | None = None, progress: Any = None
) -> Path:
    """Write the after-action report of ``results`` to ``path`` (``.html`` or ``.md``).

    The file is written under a temporary name and renamed, so a failed report leaves nothing
    half-written.

    Args:
        results: A ``Results`` or a mapping of tables (with ``scenario`` and ``manifest``).
        path: Where to write; the suffix picks the format (``.html``/``.htm`` or ``.md``).
        figures: Figure names to include; every supported figure by default.
        progress: Told of each part drawn (``start``/``advance``/``stop``), or ``None``.

    Raises:
        ValueError: for a suffix that is neither HTML nor Markdown.
    """
    path = Path(path)
    fmt = report_format(path)
    blocks = build(results, figures=figures, progress=progress)
    text = to_html(blocks) if fmt == "html" else to_markdown(blocks)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def report_format(path: Path) -> str:
    """``html`` or ``md`` from a file name, or ValueError."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "md"
    raise ValueError(f"{path}: a report is .html or .md, not {suffix or 'no suffix'!r}")


__all__ = ["Block", "build", "format_estimate", "report_format", "to_html", "to_markdown", "write"]
