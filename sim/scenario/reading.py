"""Scenario text → a ruamel node graph, within the limits of :mod:`sim.scenario.limits`;
every YAML error as a located :class:`Problem`."""

from __future__ import annotations

import re
import warnings
from typing import Any

from .errors import Problem
from .limits import MAX_BYTES, TOO_DEEP, TOO_LONG, LimitExceeded, make_yaml, read_bounded

_VERSION_DIRECTIVE = re.compile(r"^%YAML[ \t]+(\S+)", re.MULTILINE)


def _yaml_error(exc: Exception, text: str, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    position = getattr(exc, "position", None)
    if mark is None and isinstance(position, int):  # a reader error: an offset in the text
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        char = getattr(exc, "character", None)
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        return Problem(file, line, col, "", f"a control character ({shown}) is not allowed in YAML")
    problem = str(getattr(exc, "problem", None) or exc).strip()
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if "'\\t'" in problem:
        message = "a tab character here: YAML indents with spaces, never tabs"
    elif "another document" in problem:
        message = "a scenario file holds one YAML document; found a second one ('---')"
    else:
        message = f"YAML syntax error: {problem}"
        if "mapping values are not allowed" in problem:
            message += " (is this line indented too far, or does a value need quotes?)"
        if context and context_mark is not None and mark is not context_mark:
            message += (
                f" ({context} started at line {context_mark.line + 1}, "
                f"column {context_mark.column + 1})"
            )
    return Problem(file, line, col, "", message)


def _compose(text: str, file: str) -> tuple[Any, list[Problem]]:
    """The ruamel node graph of one YAML document (``None`` if empty), or the problem."""
    for match in _VERSION_DIRECTIVE.finditer(text):
        if match.group(1) != "1.2":
            line = text.count("\n", 0, match.start()) + 1
            message = f"only YAML 1.2 is read; remove '%YAML {match.group(1)}'"
            return None, [Problem(file, line, 1, "", message)]
    if len(text) > MAX_BYTES:
        return None, [Problem(file, 1, 1, "", TOO_LONG)]
    yaml = make_yaml()  # counts nodes and depth while composing (limits.py)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reused anchors etc.: harmless for plain data
            return yaml.compose(text), []
    except LimitExceeded as exc:
        line, col = exc.mark.line + 1, exc.mark.column + 1
        return None, [Problem(file, line, col, "", exc.message)]
    except RecursionError:  # pragma: no cover - the composer stops at MAX_DEPTH first
        return None, [Problem(file, 1, 1, "", TOO_DEEP)]
    except Exception as exc:  # ruamel's errors; any of them means the text is not YAML
        return None, [_yaml_error(exc, text, file)]


def read_text(path: Any, file: str) -> tuple[str | None, list[Problem]]:
    """The text of a file as UTF-8, or a located problem."""
    try:
        raw = read_bounded(path)
    except OSError as exc:
        return None, [Problem(file, 1, 1, "", f"cannot read the file: {exc.strerror or exc}")]
    if len(raw) > MAX_BYTES:
        return None, [Problem(file, 1, 1, "", TOO_LONG)]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(file, line, col, "", "the file is not UTF-8 text")]
