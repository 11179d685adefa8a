"""Shared helpers of the scenario-language tests: paths, the broken corpus, running the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"
BASE = Path(__file__).resolve().parent / "data" / "base.yaml"
"""The valid twin of the broken corpus: each broken file is a copy with one mistake."""
BROKEN_DIR = Path(__file__).resolve().parent / "broken"
BROKEN = sorted(BROKEN_DIR.glob("*.yaml"))

LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): "
    r'(?P<path>(?:"(?:[^"\\]|\\.)*"|[^\s"])+): (?P<message>.+)$'
)
"""A problem line: ``FILE:LINE:COL: dotted.path: message`` (odd keys double-quoted)."""

_EXPECT = re.compile(r"^# expect: (\d+):(\d+): (\S+): (.+)$", re.MULTILINE)
_SCHEMA = re.compile(r"^# schema: (accept|reject)$", re.MULTILINE)


@dataclass(frozen=True)
class Expected:
    line: int
    col: int
    path: str
    fragment: str


def expectations(path: Path) -> list[Expected]:
    """The ``# expect: LINE:COL: path: fragment`` lines at the top of a corpus file.

    An empty file cannot carry a comment; it expects the empty-file problem at 1:1.
    """
    text = path.read_text(encoding="utf-8")
    if not text:
        return [Expected(1, 1, "<document>", "the file is empty")]
    return [Expected(int(a), int(b), c, d) for a, b, c, d in _EXPECT.findall(text)]


def schema_verdict(path: Path) -> str | None:
    """``accept``/``reject``: what the JSON Schema must say (``None``: not YAML data)."""
    match = _SCHEMA.search(path.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the ``wargame`` entry point in-process: (exit status, stdout, stderr)."""
    from sim.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def matches(expected: Expected, file: str, lines: list[str]) -> bool:
    """Whether one of ``lines`` is the expected problem of ``file``."""
    for line in lines:
        m = LINE.match(line)
        if (
            m
            and m["file"] == file
            and int(m["line"]) == expected.line
            and int(m["col"]) == expected.col
            and m["path"] == expected.path
            and expected.fragment in m["message"]
        ):
            return True
    return False
