"""The broken corpus: one distinct user mistake per file, each reported where it was made.

Every file in ``broken/`` starts with ``# expect: LINE:COL: dotted.path: fragment`` lines (the
place of the mistake, marked when the file was written, and a fragment of the message). Each
is checked through the real entry point of ``wargame validate``: in-process per file, and
all files at once in a subprocess (the installed console script).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scenario_helpers import BROKEN, LINE, ROOT, expectations, matches, run_main


def test_corpus_is_large_and_every_file_says_what_it_expects() -> None:
    assert len(BROKEN) >= 40
    for path in BROKEN:
        assert expectations(path), f"{path.name} has no '# expect:' line"


def test_corpus_mistakes_are_distinct() -> None:
    bodies = {}
    for path in BROKEN:
        body = "\n".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith(("# Broken:", "# expect:", "# schema:"))
        )
        assert body not in bodies, f"{path.name} repeats {bodies.get(body)}"
        bodies[body] = path.name
    reported = {(e.path, e.fragment) for p in BROKEN for e in expectations(p)}
    assert len(reported) == len(BROKEN)


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_file_is_reported_at_its_place(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(["validate", str(path)], capsys)
    assert code == 2
    assert out == ""  # no summary, no partial output
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines and all(LINE.match(line) for line in lines), err
    for expected in expectations(path):
        assert matches(expected, str(path), lines), f"{expected} not in:\n{err}"


def test_whole_corpus_through_the_console_script() -> None:
    """One run of the installed ``wargame`` over every file reports every expected problem."""
    script = Path(sys.executable).parent / "wargame"
    files = [str(p.relative_to(ROOT)) for p in BROKEN]
    result = subprocess.run(
        [str(script), "validate", *files], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    missing = [
        (file, e)
        for file, path in zip(files, BROKEN, strict=True)
        for e in expectations(path)
        if not matches(e, file, lines)
    ]
    assert not missing, missing
    reported = {LINE.match(line)["file"] for line in lines if LINE.match(line)}
    assert set(files) <= reported
