"""``wargame ladders`` and ``wargame new``: learning the language from the tool itself.

``ladders`` lists the rungs of the package's ladders (their ids are what a scenario names
everywhere: initial rungs, red lines, obligations, counterfactual bounds); ``new`` writes a
commented starter scenario that validates and runs as written, to be edited into one's own.
Both stay on the light import path (pydantic, ruamel.yaml, rich).
"""

from __future__ import annotations

import os
import re
import string
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from .app import BadInput, app

STARTER = Path(__file__).resolve().parent.parent / "library" / "templates" / "starter.yaml"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


@app.command("ladders")
def ladders_command(
    name: Annotated[
        str | None,
        typer.Argument(help="One ladder (supply, tech, response, deploy); default: all."),
    ] = None,
    as_markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the Markdown table of docs/scenarios.md.")
    ] = False,
) -> None:
    """List the library's ladders and their rungs: id, hostility e (0–10), CAMEO code, label.

    Examples:

      wargame ladders

      wargame ladders supply
    """
    from sim.scenario.library import heading, library_ladders, markdown, rows

    ladders = library_ladders()
    if name is not None:
        chosen = [lad for lad in ladders if lad.name == name]
        if not chosen:
            known = ", ".join(lad.name for lad in ladders)
            raise BadInput(f"ladders: no ladder {name!r} in the library; it has {known}")
        ladders = chosen
    if as_markdown:
        typer.echo(markdown(ladders))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    for i, lad in enumerate(ladders):
        if i:
            console.print()
        console.print(f"[bold]{escape(heading(lad))}[/]", soft_wrap=True)
        table = Table(box=None, padding=(0, 1), pad_edge=False)
        for col, justify in (("#", "right"), ("rung", "left"), ("e", "right")):
            table.add_column(col, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        table.add_column("CAMEO", no_wrap=True)
        table.add_column("label", overflow="fold")
        for row in rows(lad):
            table.add_row(*(escape(c) for c in row))
        console.print(table)
    console.print(
        "\ne: hostility on the 0–10 scale (−Goldstein weight of the CAMEO code where one is given);"
        " a scenario names rungs by id.",
        soft_wrap=True,
    )


@app.command("new")
def new_command(
    name: Annotated[str, typer.Argument(help="The scenario's id, and its file name (NAME.yaml).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The file to write (default NAME.yaml).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a commented starter scenario (three states, a supply channel, a treaty, a red
    line, a counterfactual) that validates and runs as it is.

    Example: wargame new my-crisis && wargame run my-crisis.yaml --runs 200
    """
    if not _NAME.match(name):
        raise BadInput(
            f"new: {name!r} is not a scenario id: a letter, then letters, digits, '-' or '_'"
            " (at most 64)"
        )
    path = output if output is not None else Path(f"{name}.yaml")
    if path.exists() and not force:
        raise BadInput(f"new: {path} already exists (--force replaces it)")
    if not path.parent.is_dir():
        raise BadInput(f"new: {path.parent} is not a folder")
    schema = (STARTER.parent.parent / "wargame.schema.json").as_uri()
    title = name.replace("-", " ").replace("_", " ").capitalize()
    text = string.Template(STARTER.read_text(encoding="utf-8")).substitute(
        id=name, title=title, file=str(path), schema=schema
    )
    _write_atomically(path, text)
    typer.echo(f"wrote {path}: check it with `wargame validate {path}`")


def _write_atomically(path: Path, text: str) -> None:
    """The whole file or none: written beside, then renamed over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BadInput(f"new: cannot write {path}: {exc.strerror or exc}") from None
