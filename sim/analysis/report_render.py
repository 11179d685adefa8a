"""Rendering the after-action report: its blocks, and the blocks as HTML or Markdown.

:mod:`sim.analysis.report` decides what the report says (a list of :class:`Block`); this module
only says how each kind of block is written, so that the HTML and the Markdown files say the
same thing and every text is escaped in both.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from typing import Any

from sim.analysis.mdescape import fence as _fence
from sim.analysis.mdescape import md as _md


@dataclass
class Block:
    """One element of the report.

    ``kind`` is ``h1``, ``h2``, ``h3``, ``p``, ``list``, ``table`` (``data`` = (header, rows)),
    ``figure`` (``data`` = PNG bytes, ``text`` = caption, ``name`` = figure name) or ``pre``.
    """

    kind: str
    text: str = ""
    data: Any = None
    name: str = ""


# --- rendering --------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:70rem;margin:2rem auto;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;border-bottom:2px solid #1f5f99;padding-bottom:.3rem}
h2{font-size:1.25rem;margin-top:2rem;color:#1f5f99}h3{font-size:1.05rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f6f9}figure{margin:1.2rem 0}img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}pre{background:#f6f6f6;padding:.6rem;overflow-x:auto}
li{margin:.1rem 0}
"""


def to_html(blocks: list[Block]) -> str:
    """The report as one HTML page with embedded CSS and images."""
    e = html.escape
    title = next((b.text for b in blocks if b.kind == "h1"), "Report")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
    ]
    for b in blocks:
        if b.kind in ("h1", "h2", "h3", "p"):
            out.append(f"<{b.kind}>{e(b.text)}</{b.kind}>")
        elif b.kind == "pre":
            out.append(f"<pre>{e(b.text)}</pre>")
        elif b.kind == "list":
            out.append("<ul>" + "".join(f"<li>{e(str(i))}</li>" for i in b.data) + "</ul>")
        elif b.kind == "table":
            header, rows = b.data
            out.append(
                "<table><thead><tr>"
                + "".join(f"<th>{e(h)}</th>" for h in header)
                + "</tr></thead><tbody>"
            )
            out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
            out.append("</tbody></table>")
        elif b.kind == "figure":
            data = base64.b64encode(b.data).decode("ascii")
            out.append(
                f'<figure id="figure-{e(b.name)}"><img alt="{e(b.text)}" '
                f'src="data:image/png;base64,{data}"><figcaption>{e(b.text)}'
                "</figcaption></figure>"
            )
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return _md(text).replace("|", "\\|")


def to_markdown(blocks: list[Block]) -> str:
    """The report as Markdown with images embedded as ``data:`` URIs; every text is escaped
    (:func:`_md`), as the HTML report escapes it."""
    out: list[str] = []
    for b in blocks:
        if b.kind == "h1":
            out += [f"# {_md(b.text)}", ""]
        elif b.kind == "h2":
            out += [f"## {_md(b.text)}", ""]
        elif b.kind == "h3":
            out += [f"### {_md(b.text)}", ""]
        elif b.kind == "p":
            out += [_md(b.text), ""]
        elif b.kind == "pre":
            fence = _fence(b.text)
            out += [fence, b.text, fence, ""]
        elif b.kind == "list":
            out += [f"- {_md(i)}" for i in b.data] + [""]
        elif b.kind == "table":
            header, rows = b.data
            out.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
            out.append("|" + "---|" * len(header))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("")
        elif b.kind == "figure":
            data = base64.b64encode(b.data).decode("ascii")
            out += [f"![{_md(b.text)}](data:image/png;base64,{data})", "", f"*{_md(b.text)}*", ""]
    return "\n".join(out)


__all__ = ["Block", "to_html", "to_markdown"]
