"""How long each figure and the after-action report take on a large flagship result.

Targets (issue #5): every figure under 2 s for a 10,000-run flagship result, the report under
15 s. Run by hand, not in the test suite::

    # make the result once (full record, 10,000 runs; takes a while on 2 cores)
    .venv/bin/wargame run scenarios/seoul_arms_ukraine.yaml --runs 10000 --seed 1 \
        --out /tmp/seoul10k --workers 2
    .venv/bin/python benchmarks/bench_figures.py /tmp/seoul10k

    # or let the benchmark make it (same command through the Python API)
    .venv/bin/python benchmarks/bench_figures.py /tmp/seoul10k --runs 10000

Reported: the time to read each table (once: the figures share what was read), then per figure
the time to draw it and save it as a PNG, the first time (the first figure also pays for
matplotlib's start: fonts, caches) and the best of three. Then the report, from a freshly
opened folder, so that it pays for reading every table. The machine has 2 cores shared with
others: run it when they are idle, and give ``uptime``'s load with the numbers.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("results", type=Path, help="a results folder (made with --runs if absent)")
    ap.add_argument("--runs", type=int, default=None, help="make the folder with this many runs")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scenario", default="scenarios/seoul_arms_ukraine.yaml")
    args = ap.parse_args()

    import sim
    from sim.analysis import plots, report
    from sim.analysis.source import TABLES, as_source

    if args.runs is not None and not args.results.exists():
        t = time.perf_counter()
        sim.run(
            args.scenario, runs=args.runs, seed=args.seed, workers=args.workers, out=args.results
        )
        print(f"made {args.results}: {args.runs:,} runs in {time.perf_counter() - t:.1f} s")

    res = sim.open_results(args.results)
    src = as_source(res)
    runs = res.manifest.get("runs", "?")
    print(f"{args.results}: {runs} runs")
    print(f"\n{'table':<10} {'rows':>12} {'read s':>8}")
    for name in TABLES:
        t = time.perf_counter()
        df = src.table(name)
        dt = time.perf_counter() - t
        if df is not None:
            print(f"{name:<10} {len(df):>12,} {dt:8.2f}")

    print(f"\n{'figure':<16} {'first s':>8} {'best of 3 s':>12}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in plots.available(src):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                fig = plots.draw(name, src)
                fig.savefig(Path(tmp) / f"{name}.png")
                times.append(time.perf_counter() - t)
            worst = max(worst, times[0])
            print(f"{name:<16} {times[0]:8.2f} {min(times):12.2f}")
        fresh = sim.open_results(args.results)
        t = time.perf_counter()
        report.write(fresh, Path(tmp) / "report.html")
        rep = time.perf_counter() - t
        size = (Path(tmp) / "report.html").stat().st_size
    print(f"\nslowest figure, first time {worst:.2f} s (target < 2 s)")
    print(f"report (cold, every table read) {rep:.2f} s, {size / 1e6:.1f} MB (target < 15 s)")
    return 0 if worst < 2.0 and rep < 15.0 else 1


if __name__ == "__main__":
    sys.exit(main())
