"""The Typer application that every command module registers on.

Command modules import their heavy dependencies (Mesa, matplotlib, SALib, Dask) inside the
command function, so ``wargame --help`` and ``wargame validate`` start quickly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="wargame",
    help=(
        "Scenario wargames of arms supply and escalation between states.\n\n"
        "Examples:\n\n"
        "  wargame validate scenarios/seoul_arms_ukraine.yaml\n\n"
        "  wargame run scenarios/seoul_arms_ukraine.yaml --runs 2000 --seed 1"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


class BadInput(Exception):
    """Bad input from the user: reported as lines on stderr, exit status 2, no traceback."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def version_line() -> str:
    """``wargame X (Mesa Y, Python Z)``: what a bug report or a results folder needs to name."""
    import platform
    from importlib import metadata

    def of(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    return f"wargame {of('wargame-sim')} (Mesa {of('mesa')}, Python {platform.python_version()})"


def _print_version(value: bool) -> None:
    if value:
        print(version_line())
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the versions of wargame, Mesa and Python, and exit.",
        ),
    ] = False,
) -> None:
    """Scenario wargames of arms supply and escalation between states."""


@contextmanager
def scenario_warnings_to_stderr() -> Iterator[None]:
    """Print each scenario warning (an inert setting, :mod:`sim.scenario.inert`) once, as its
    located line on stderr, whichever command loads the scenario and however often."""
    import sys
    import warnings

    from sim.scenario.errors import ScenarioWarning

    seen: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("always", ScenarioWarning)
        original = warnings.showwarning

        def show(message: Any, category: type, *args: Any, **kwargs: Any) -> None:
            if not issubclass(category, ScenarioWarning):
                original(message, category, *args, **kwargs)
            elif str(message) not in seen:
                seen.add(str(message))
                print(message, file=sys.stderr)

        warnings.showwarning = show
        yield
