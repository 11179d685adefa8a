"""The query layer gives the numbers the in-memory pandas path gave, and reads little.

``data/ooc_reference.json.gz`` holds every figure's data, the summary, the comparison table,
the picked runs and the report's text as computed by the pandas path (commit 9d92182, by
``capture_reference.py``) on a 2,000-run flagship folder and a 1,000-run comparison. The same
folders, made again here (same scenario, seed and runs: the tables are reproducible), must give
the same numbers through DuckDB — from the folder, and from the same tables held in memory.
"""

from __future__ import annotations

import gzip
import json
import math

import capture_reference
import numpy as np
import pytest

from sim.analysis.source import as_source

REFERENCE = json.loads(gzip.decompress(capture_reference.REFERENCE.read_bytes()))


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    return capture_reference.make(tmp_path_factory.mktemp("ooc"))


def _same(a, b, where: str) -> list[str]:
    """Where ``a`` and ``b`` differ (numbers to 1e-9 relative), as readable paths."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}: keys {sorted(set(a) ^ set(b))[:4]}"] if set(a) != set(b) else []
        return out + [d for k in a if k in b for d in _same(a[k], b[k], f"{where}/{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items against {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _same(x, y, f"{where}[{i}]")
        ]
    num = (int, float, type(None))
    if isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool):
        x = math.nan if a is None else float(a)
        y = math.nan if b is None else float(b)
        ok = (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
        return [] if ok else [f"{where}: {a!r} against {b!r}"]
    return [] if a == b else [f"{where}: {str(a)[:60]!r} against {str(b)[:60]!r}"]


def _comparable(data: dict) -> dict:
    """Everything but the report's last section (paths and times of the run that made it)."""
    out = dict(data)
    blocks = out["report"]
    cut = next(i for i, b in enumerate(blocks) if b[0] == "h2" and b[1] == "How to reproduce")
    out["report"] = blocks[:cut]
    return out


def test_folder_gives_the_in_memory_numbers(folders):
    res, cmp = folders
    new = json.loads(json.dumps(capture_reference.numbers(res, cmp), default=str))
    assert new["figures"], "no figure drawn"
    differences = _same(_comparable(REFERENCE), _comparable(new), "")
    assert not differences, "\n".join(differences[:20])


def test_tables_in_memory_give_the_folders_numbers(folders):
    """The same tables handed over as DataFrames go through the same SQL."""
    from figdata import figure_data

    from sim.analysis import plots

    res, _ = folders
    held = {name: res.table(name) for name in res.names}
    held.update(scenario=res.scenario, manifest=res.manifest)
    for name in ("escalation", "ladder", "stocks", "crisis_map"):
        a = figure_data(plots.draw(name, res))
        b = figure_data(plots.draw(name, held))
        assert not _same(a, b, name), _same(a, b, name)[:5]


def test_one_run_reads_only_its_row_groups(folders):
    """A story reads one run's events: DuckDB skips the row groups whose run range misses it."""
    import re

    res, _ = folders
    q = as_source(res).query
    plan = q.frame("EXPLAIN ANALYZE SELECT * FROM events WHERE run = 1500")
    text = "\n".join(str(v) for v in plan.iloc[:, -1])
    found = re.search(r"Row Groups Scanned: (\d+) / (\d+)", text)
    assert found, text
    scanned, total = int(found[1]), int(found[2])
    assert total >= 2 and scanned == 1, text
    rows = q.rows("events", "run = 1500")
    assert len(rows) > 0 and set(rows["run"]) == {1500}


def test_fans_of_an_array_match_numpy():
    """A fan of a steps × runs array: NumPy's nan-quantiles, evenly spread sample runs."""
    from sim.analysis.fan import Fan

    rng = np.random.default_rng(3)
    values = rng.normal(size=(4, 50))
    values[1, :10] = np.nan
    fan = Fan.of(values, np.arange(100, 150), samples=3)
    assert np.allclose(fan.q[:, 1], np.quantile(values[1, 10:], [0.05, 0.25, 0.5, 0.75, 0.95]))
    assert list(fan.sample_runs) == [100, 124, 149]
    assert fan.lo == np.nanmin(values) and fan.hi == np.nanmax(values)
