"""Chunks as Arrow tables: one schema for all chunks of a table, whatever their types.

A chunk's DataFrame becomes an Arrow table without index or pandas metadata; dictionary
columns get int32 indices; chunks whose types differ (an empty chunk, a column all null in one
chunk) are unified so that the chunks of a table read as one.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

"""The tables in the order a folder lists them; others (if a model adds some) follow by name."""


# --- arrow tables -----------------------------------------------------------------------------


def _normal_type(t: pa.DataType) -> pa.DataType:
    # Dictionary indices widen from int8 to int16 with the number of categories, and an empty
    # categorical has no value type: make every chunk agree so that they read as one table.
    if pa.types.is_dictionary(t):
        value = t.value_type
        if pa.types.is_null(value) or pa.types.is_large_string(value):
            value = pa.string()
        return pa.dictionary(pa.int32(), value)
    if pa.types.is_large_string(t):
        return pa.string()
    return t


def arm_column(arm: str, arms: Sequence[str], n: int) -> pa.DictionaryArray:
    """An ``arm`` column whose categories are all arms in their declared order."""
    codes = pa.array(np.full(n, list(arms).index(arm), dtype=np.int32))
    return pa.DictionaryArray.from_arrays(codes, pa.array(list(arms), pa.string()))


def to_arrow(df: pd.DataFrame, arm: str | None = None, arms: Sequence[str] = ()) -> pa.Table:
    """A chunk's DataFrame as an Arrow table: no index or pandas metadata, dictionary columns
    with int32 indices, and the ``arm`` column first when there are arms."""
    table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
    schema = pa.schema([pa.field(f.name, _normal_type(f.type)) for f in table.schema])
    if schema != table.schema:
        table = table.cast(schema)
    if arms:
        table = table.add_column(0, "arm", arm_column(arm, arms, table.num_rows))
    return table


def unified_schema(schemas: Sequence[pa.Schema], rows: Sequence[int] | None = None) -> pa.Schema:
    """One schema for the chunks of a table.

    A chunk without rows says little about types (an empty column of strings may come out as
    float or null), so only chunks with rows vote when there are any; a column that was
    all-null in one chunk adopts the type the others give it.
    """
    if rows is not None and any(rows):
        schemas = [s for s, n in zip(schemas, rows, strict=True) if n]
    normal = [pa.schema([pa.field(f.name, _normal_type(f.type)) for f in s]) for s in schemas]
    return pa.unify_schemas(normal, promote_options="permissive")


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with exactly the columns and types of ``schema``."""
    return table.replace_schema_metadata(None).select(schema.names).cast(schema)


def combine(parts: Sequence[pa.Table]) -> pa.Table:
    """The chunks of one table, in order, as one Arrow table (in memory)."""
    schema = unified_schema([t.schema for t in parts], [t.num_rows for t in parts])
    return pa.concat_tables([conform(t, schema) for t in parts])


def schema_b64(schema: pa.Schema) -> str:
    """An Arrow schema as text (restores the column types of a CSV table)."""
    return base64.b64encode(schema.serialize().to_pybytes()).decode("ascii")


def schema_from_b64(text: str) -> pa.Schema:
    return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text)))


def plain_schema(schema: pa.Schema) -> pa.Schema:
    """The schema a CSV file can hold: categories as plain strings."""
    return pa.schema(
        [
            pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
            for f in schema
        ]
    )


def table_info(file: str, rows: int, parts: int, schema: pa.Schema) -> dict[str, Any]:
    """A table's entry in the manifest: its file, rows, parts, columns and Arrow schema."""
    return {
        "file": file,
        "rows": rows,
        "parts": parts,
        "columns": {f.name: str(f.type) for f in schema},
        "arrow_schema": schema_b64(schema),
    }
