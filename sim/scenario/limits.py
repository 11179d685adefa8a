"""Limits on what a scenario file may be, applied while it is read, not after.

- :data:`MAX_BYTES` — a file is read at most this far (``wargame validate /dev/zero`` stops at
  once); a longer one is refused without being parsed.
- :data:`MAX_TEXT_NODES` — the YAML composer counts the nodes written in the text and stops at
  this many, at the place it got to (a file of 100,000 events is refused within seconds,
  not after a minute of parsing); :data:`sim.scenario.tree.MAX_NODES` bounds the nodes once
  aliases are expanded (a "billion laughs").
- :data:`MAX_DEPTH` — the composer stops at this nesting depth, at the line where it went too
  deep (before Python's recursion limit, which has no position).

The flagship scenario is about 28 kB, 2,000 nodes and 8 levels deep; the limits leave an
order of magnitude (and more) of room. Also here: ids of one block that differ only in case
(``ROK`` and ``rok``), refused because they would be the same name in a table read by a
case-insensitive tool and are a typo far more often than a choice.
"""

from __future__ import annotations

from typing import Any

from .errors import Problem

MAX_BYTES = 512 * 1024
"""Largest scenario file read, in bytes (the flagship has about 28 kB)."""
MAX_TEXT_NODES = 50_000
"""Most nodes written in one file (the flagship has about 2,000)."""
MAX_DEPTH = 64
"""Deepest nesting accepted; the language itself needs fewer than 10 levels."""

TOO_LONG = f"the file is larger than {MAX_BYTES // 1024} kB; a scenario is far smaller"
TOO_MANY = (
    f"more than {MAX_TEXT_NODES:,} values are written in this file (a scenario is far"
    " smaller: the flagship has about 2,000); refused here, without reading the rest"
)
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


class LimitExceeded(Exception):
    """Raised by the composer when a limit is passed; ``mark`` is where."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def read_bounded(path: Any) -> bytes:
    """At most :data:`MAX_BYTES` + 1 bytes of a file (a device or pipe never ends)."""
    with open(path, "rb") as f:
        return f.read(MAX_BYTES + 1)


def make_yaml() -> Any:
    """A round-trip ruamel ``YAML`` whose composer counts nodes and depth as it goes."""
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import Composer

    class Bounded(Composer):  # type: ignore[misc]
        count = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            self.count += 1
            if self.count > MAX_TEXT_NODES:
                raise LimitExceeded(TOO_MANY, event.start_mark)
            if self.depth >= MAX_DEPTH:
                raise LimitExceeded(TOO_DEEP, event.start_mark)
            return super().compose_node(parent, index)

    yaml = YAML(typ="rt")
    yaml.Composer = Bounded
    return yaml


def case_clashes(data: Any, positions: Any) -> list[Problem]:
    """Ids of one block (actors, ladders, red lines...) that differ only in case."""
    if not isinstance(data, dict):
        return []
    out = []
    for block in (
        "actors",
        "ladders",
        "alliances",
        "red_lines",
        "games",
        "fronts",
        "counterfactuals",
    ):
        ids = data.get(block)
        if not isinstance(ids, dict):
            continue
        seen: dict[str, Any] = {}
        for key in ids:
            if not isinstance(key, str):
                continue
            first = seen.setdefault(key.casefold(), key)
            if first != key:
                file, line, col = positions.at((block, key), key=True)
                out.append(
                    Problem(
                        file,
                        line,
                        col,
                        f"{block}.{key}",
                        f"{key!r} differs from {first!r} only in case; ids must differ in"
                        " more than case (rename one)",
                    )
                )
    return out
