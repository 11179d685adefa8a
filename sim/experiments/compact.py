"""Small chunk files joined into parts a column scan can read quickly.

A table is a folder of one file per chunk, linked rather than copied when the ensemble
finishes. For the time tables that is right: a 1,000-run chunk of the flagship's dyads is
600,000 rows. For the tables with one row per run it is not: a 1,000,000-run outcomes table
is then 1,000 files of 1,000 rows and 234 columns, and every query pays for opening a thousand
files and decoding a thousand footers — about a second each, whatever it asks (measured with
DuckDB 2.0: a sum of one column 0.77 s over the thousand files, 0.05 s over ten parts of
100,000 rows holding the same rows). So consecutive files smaller than :data:`PART_ROWS` are
streamed into one part of at least that many rows, in row order, one row group of at most
:data:`ROW_GROUP_BYTES` at a time: memory stays that of one row group, and the tables read
back identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .arrowtables import conform

PART_ROWS = 100_000
"""Rows a part holds at least when its chunks are smaller (a chunk this large stays alone)."""
ROW_GROUP_BYTES = 64 << 20
"""Most bytes (in Arrow's memory) buffered before a row group is written."""


def plan(rows: Sequence[int], part_rows: int | None = None) -> list[list[int]]:
    """The files (by position, in order) of each part: consecutive files joined until the part
    has ``part_rows`` (:data:`PART_ROWS`) rows; a file of that many rows or more is a part of
    its own."""
    part_rows = PART_ROWS if part_rows is None else part_rows
    parts: list[list[int]] = []
    current: list[int] = []
    total = 0
    for i, n in enumerate(rows):
        if n >= part_rows:
            if current:
                parts.append(current)
                current, total = [], 0
            parts.append([i])
            continue
        current.append(i)
        total += n
        if total >= part_rows:
            parts.append(current)
            current, total = [], 0
    if current:
        parts.append(current)
    return parts


def join(files: Sequence[Path], schema: pa.Schema, dest: Path, compression: str) -> int:
    """Stream ``files`` (conformed to ``schema``) into the Parquet file ``dest``; its rows."""
    rows = 0
    held: list[pa.Table] = []
    size = 0
    with pq.ParquetWriter(dest, schema, compression=compression) as writer:

        def flush() -> None:
            if held:
                table = pa.concat_tables(held).unify_dictionaries()
                writer.write_table(table, row_group_size=table.num_rows)
                held.clear()

        for f in files:
            table = conform(pq.read_table(f), schema)
            held.append(table)
            size += table.nbytes
            rows += table.num_rows
            if size >= ROW_GROUP_BYTES:
                flush()
                size = 0
        flush()
    return rows
