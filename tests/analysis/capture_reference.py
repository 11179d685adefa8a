"""Write the reference numbers of the figures and tables for ``test_out_of_core.py``.

The reference is what the in-memory pandas path gave before the query layer (first at commit
9d92182; regenerated on main just before the merge, whose summary dates its steps):
run this file from a checkout of that commit to make it again::

    PYTHONPATH=. .venv/bin/python tests/analysis/capture_reference.py

It makes the 2,000-run flagship folder and the 1,000-run comparison the test makes (same
scenario, seed and runs: the tables are reproducible) and stores, gzipped as JSON, every
figure's data, the summary, the comparison table, the picked runs and the report's text.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
SCENARIO = "scenarios/seoul_arms_ukraine.yaml"
RUNS, SEED, CF, CF_RUNS = 2000, 7, "rok_weapons_vs_restraint", 1000
REFERENCE = HERE / "data" / "ooc_reference.json.gz"


def make(tmp: Path):
    import sim

    res = sim.run(SCENARIO, runs=RUNS, seed=SEED, workers=1, out=tmp / "s2000", record="full")
    cmp = sim.compare(SCENARIO, CF, runs=CF_RUNS, seed=SEED, out=tmp / "c1000", record="full")
    return sim.open_results(res.path), sim.open_results(cmp.path)


def numbers(res, cmp) -> dict:
    """Everything the test compares, as JSON-ready data."""
    import matplotlib.pyplot as plt
    from figdata import figure_data

    from sim.analysis import plots, report
    from sim.analysis.stories import pick_runs

    out: dict = {"figures": {}, "compare_figures": {}}
    for key, obj in (("figures", res), ("compare_figures", cmp)):
        for name in plots.available(obj):
            fig = plots.draw(name, obj)
            out[key][name] = figure_data(fig)
            plt.close(fig)
    out["summary"] = res.summary().to_frame().to_dict("list")
    out["compare_summary"] = cmp.summary().to_frame().to_dict("list")
    out["compare_table"] = cmp.table().to_dict("list")
    out["picked"] = {k: list(v) for k, v in pick_runs(res).items()}
    out["report"] = [
        [
            b.kind,
            b.text,
            json.loads(json.dumps(b.data, default=str)) if b.kind != "figure" else None,
        ]
        for b in report.build(res)
    ]
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        res, cmp = make(Path(tmp))
        data = numbers(res, cmp)
    REFERENCE.parent.mkdir(exist_ok=True)
    with gzip.open(REFERENCE, "wt") as f:
        json.dump(data, f, default=str)
    print(f"wrote {REFERENCE} ({REFERENCE.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
