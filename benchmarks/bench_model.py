"""Speed of the model: the vectorised replication axis against Mesa's own ``batch_run``.

Run by hand (not a test)::

    .venv/bin/python benchmarks/bench_model.py                # the targets of issue #3
    .venv/bin/python benchmarks/bench_model.py --runs 2000 --batch 200   # a quicker look

Measures, in one process:

1. **vectorised**: ``sim.model.simulate`` of the flagship with R = ``--runs`` replications over
   its 24-month horizon, every table built (build, run and tables timed apart), ``--repeat``
   times; target ≤ 10 s for 10,000 runs.
2. **batch_run**: the same scenario as ``--batch`` one-replication ``Wargame`` models through
   ``mesa.batch_run`` (one process, as the vectorised run; the scenario file parsed once and
   cached, seeds 0..batch−1); target: the vectorised runs/s ≥ 30× these.

Prints one line per measurement and a summary; ``--json FILE`` also writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"


def vectorised(runs: int, seed: int) -> dict[str, float]:
    from sim.model import Wargame
    from sim.scenario import load_scenario

    scenario = load_scenario(FLAGSHIP)
    t0 = time.perf_counter()
    model = Wargame(scenario, replications=runs, rng=seed)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    tables = model.tables()
    t3 = time.perf_counter()
    rows = sum(len(df) for df in tables.values())
    return {"build": t1 - t0, "run": t2 - t1, "tables": t3 - t2, "total": t3 - t0, "rows": rows}


def batch(n: int) -> dict[str, float]:
    import mesa

    from sim.model import Wargame

    method = multiprocessing.get_start_method(allow_none=True)
    t0 = time.perf_counter()
    try:
        results = mesa.batch_run(
            Wargame,
            parameters={"scenario": str(FLAGSHIP)},
            rng=list(range(n)),
            max_steps=1000,
            number_processes=1,
            data_collection_period=-1,
            display_progress=False,
        )
    finally:
        multiprocessing.set_start_method(method, force=True)
    seconds = time.perf_counter() - t0
    return {"total": seconds, "models": n, "rows": len(results)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10_000, help="replications of the vectorised run")
    ap.add_argument("--repeat", type=int, default=3, help="vectorised measurements")
    ap.add_argument("--batch", type=int, default=1_000, help="one-replication models in batch_run")
    ap.add_argument("--seed", type=int, default=20240619)
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args(argv)

    import mesa
    import numpy

    print(
        f"python {platform.python_version()}, mesa {mesa.__version__}, numpy {numpy.__version__}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
    )
    vec = []
    for k in range(args.repeat):
        r = vectorised(args.runs, args.seed + k)
        vec.append(r)
        print(
            f"vectorised  {args.runs:>6} runs: build {r['build']:.2f} s, run {r['run']:.2f} s, "
            f"tables {r['tables']:.2f} s ({r['rows']:,} rows) — total {r['total']:.2f} s"
        )
    best = min(r["total"] for r in vec)
    median = statistics.median(r["total"] for r in vec)
    vec_rate = args.runs / median

    b = batch(args.batch)
    batch_rate = args.batch / b["total"]
    print(f"batch_run   {args.batch:>6} one-replication models: {b['total']:.1f} s")

    ratio = vec_rate / batch_rate
    print()
    print(f"vectorised: {args.runs} runs in {median:.2f} s (median; best {best:.2f} s)")
    print(f"            = {vec_rate:,.0f} runs/s")
    print(f"batch_run:  {batch_rate:,.1f} runs/s")
    print(f"speed-up:   {ratio:,.0f}×")
    ok = median <= 10.0 * args.runs / 10_000 and ratio >= 30
    print(
        "targets (≤ 10 s per 10,000 runs with tables; ≥ 30× batch_run):", "met" if ok else "NOT met"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "vectorised": vec,
                    "batch_run": b,
                    "runs_per_s": vec_rate,
                    "batch_runs_per_s": batch_rate,
                    "ratio": ratio,
                },
                indent=2,
            )
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
