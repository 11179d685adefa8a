"""Scenario text made inert for the Markdown report: what :func:`html.escape` is to the HTML
report. A scenario's title, an actor's name or an event's text is data, never markup."""

from __future__ import annotations

import html
import re

_MD_LINE_START = re.compile(
    r"^(\s*)(#{1,6}(?=\s|$)|[>+*-](?=\s|$)|\d+[.)](?=\s|$)|[=-]+\s*$|[*_]{3,}|\[)"
)


def md(text: object) -> str:
    """Text (a scenario's title, an actor's name...) as inert Markdown: no HTML (``<``, ``>``
    and ``&`` as entities, so ``<script>`` shows as text in every viewer), no link or image
    (``](`` escaped, and a ``[`` that could start a link definition), no line break, and no
    heading, quote or list at its start."""
    t = html.escape(str(text), quote=False).replace("\\", "\\\\")
    t = t.replace("](", "]\\(").replace("`", "\\`")  # a link needs ](; code a backtick
    t = " ".join(t.splitlines())
    return _MD_LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", t, count=1)


def fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text`` (which cannot close it)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)
