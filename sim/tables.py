"""The tables a model records: their names, their order, and which each record mode keeps.

One registry for every layer: the recorder builds them in this order, the store writes them
in it, :class:`~sim.experiments.results.Results` gives each as an attribute, and the analysis
knows which are per step. Adding a table is the recorder's table and a line here (the columns
are in ``docs/contracts.md``).

A leaf of ``sim`` (it imports nothing): every layer may import it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

TIME_TABLES = ("actors", "stocks", "channels", "dyads", "fronts")
"""Tables with a row per run, step and entity (they have ``step`` and ``date`` columns)."""

TABLES = (*TIME_TABLES, "events", "params", "outcomes")
"""Every table, in the order of a results folder (and of the recorder's output)."""

RECORDS = ("full", "outcomes")
"""Record modes: ``full`` keeps every table, ``outcomes`` only :data:`OUTCOMES` (one row per
run, with the sampled parameters as ``param.`` columns)."""

OUTCOMES = "outcomes"
"""The one-row-per-run table (see :mod:`sim.outcomes` for its columns)."""


def tables_of(record: str) -> tuple[str, ...]:
    """The tables a run with ``record`` can hold (those the scenario has), in folder order.

    Raises:
        ValueError: for a record mode not in :data:`RECORDS`.
    """
    check_record(record)
    return TABLES if record == "full" else (OUTCOMES,)


def check_record(record: str) -> None:
    """Raise ``ValueError`` naming the record modes when ``record`` is none of them."""
    if record not in RECORDS:
        raise ValueError(f"record must be one of {', '.join(map(repr, RECORDS))}, not {record!r}")


def ordered(names: Iterable[str]) -> list[str]:
    """Table names in folder order: the known tables first, the rest by name."""
    given = set(names)
    known = [n for n in TABLES if n in given]
    return known + sorted(given - set(known))


@dataclass(frozen=True)
class Indices:
    """The columns of one method's sensitivity indices (``sensitivity.csv``, after ``target``
    and ``factor``, before ``rank``).

    Attributes:
        columns: All of them, in the file's order.
        main: The index that ranks the factors.
        conf: Its 95 % half-width.
        second: The index shown beside it.
    """

    columns: tuple[str, ...]
    main: str
    conf: str
    second: str


INDICES = {
    "morris": Indices(
        ("mu_star", "mu_star_conf", "mu", "sigma"), "mu_star", "mu_star_conf", "sigma"
    ),
    "sobol": Indices(("ST", "ST_conf", "S1", "S1_conf"), "ST", "ST_conf", "S1"),
}
"""Each sensitivity method's index columns (SALib's names)."""
