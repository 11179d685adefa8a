"""Fixtures of the command-line tests."""

from __future__ import annotations

import sys

import pytest

from sim.cli import main


@pytest.fixture
def wargame(capsys, monkeypatch, tmp_path):
    """Call ``wargame ARGS...`` in this process from ``tmp_path``; ``(status, stdout, stderr)``."""
    monkeypatch.chdir(tmp_path)

    def call(*args: object) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["wargame", *map(str, args)])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return call
