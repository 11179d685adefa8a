"""DuckDB against Polars' lazy scan on the figures' heaviest aggregate (issue #11).

The stocks fans of a results folder: for every (actor, stock, step), five linear quantiles of
three columns over every run — what ``wargame plot`` asks of a 100,000-run flagship folder
(25 million rows). Both engines read the same Parquet files with two threads; the answers are
checked equal. Polars is not a dependency: ``pip install polars`` first.

    .venv/bin/python benchmarks/bench_engines.py /tmp/bench-analysis/run-100000-full
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95]
COLUMNS = ("level", "inflow", "outflow")
KEYS = ["actor", "stock", "step"]


def main(folder: Path, repeat: int = 2) -> None:
    import duckdb
    import polars as pl

    files = str(folder / "stocks.parquet" / "*.parquet")
    qs = ", ".join(f"quantile_cont({c}, {QUANTILES}) AS {c}" for c in COLUMNS)
    for _ in range(repeat):
        con = duckdb.connect(config={"threads": 2})
        t = time.perf_counter()
        duck = con.execute(
            f"SELECT actor, stock, step, {qs} FROM read_parquet('{files}') GROUP BY ALL"
        ).fetchdf()
        t_duck = time.perf_counter() - t
        t = time.perf_counter()
        aggs = [
            pl.col(c).quantile(q, interpolation="linear").alias(f"{c}:{q}")
            for c in COLUMNS
            for q in QUANTILES
        ]
        polars = pl.scan_parquet(files).group_by(KEYS).agg(aggs).collect()
        t_polars = time.perf_counter() - t
        print(f"DuckDB {t_duck:.2f} s, Polars {t_polars:.2f} s ({len(duck)} groups)", flush=True)
    a = duck.assign(**{k: duck[k].astype(str) for k in KEYS[:2]}).set_index(KEYS).sort_index()
    b = polars.to_pandas()
    b = b.assign(**{k: b[k].astype(str) for k in KEYS[:2]}).set_index(KEYS).sort_index()
    worst = max(
        float(np.nanmax(np.abs(np.stack(a[c].to_numpy())[:, i] - b[f"{c}:{q}"].to_numpy())))
        for c in COLUMNS
        for i, q in enumerate(QUANTILES)
    )
    print(f"largest difference between the two answers: {worst:g}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
