"""Ensembles at scale: throughput against mesa.batch_run, 100,000 runs, growth with size.

Run by hand, not in the test suite (each part takes minutes on 2 cores)::

    .venv/bin/python benchmarks/bench_ensemble.py throughput   # runs/s vs mesa.batch_run
    .venv/bin/python benchmarks/bench_ensemble.py big          # 100,000 runs, outcomes and full
    .venv/bin/python benchmarks/bench_ensemble.py growth       # n = 10, 50, 193 actors
    .venv/bin/python benchmarks/bench_ensemble.py all

Targets (issue #4):

- ensemble throughput ≥ 50× that of ``mesa.batch_run`` with 2 processes on the same scenario
  (one replication per Mesa model, the way Mesa users run ensembles), measured in the same run;
- 100,000 flagship runs with 2 workers and ``--record outcomes`` in ≤ 3 minutes with peak
  memory ≤ 2 GiB; with ``--record full`` memory stays flat (a few chunks held at most);
- time per step grows no faster than n² in the number of actors, and a 193-actor, 120-step,
  100-run ensemble finishes in under a minute.

``big`` runs the ``wargame`` command itself in a subprocess and samples the memory of its whole
process tree (the parent, the forkserver and the pool workers: proportional set size, so pages
the workers share with the forkserver count once) every 0.2 s.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"
GiB = 1024**3


# --- throughput -------------------------------------------------------------------------------


def throughput(runs: int, batch_runs: int, seed: int) -> dict[str, float]:
    """Runs per second of the ensemble (1 and 2 workers) and of ``mesa.batch_run`` (2 procs)."""
    import mesa

    import sim
    from sim.scenario import load_scenario

    scenario = load_scenario(FLAGSHIP)
    horizon = scenario.time.horizon
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            folder = Path(tmp) / f"w{workers}"
            t0 = time.perf_counter()
            sim.run(scenario, runs, seed, workers=workers, out=folder, record="full")
            dt = time.perf_counter() - t0
            out[f"ensemble_{workers}w"] = runs / dt
            print(
                f"ensemble, {workers} worker(s), record full: {runs:,} runs in {dt:.1f} s"
                f" = {runs / dt:,.0f} runs/s",
                flush=True,
            )

    t0 = time.perf_counter()
    mesa.batch_run(
        sim.Wargame,
        parameters={"scenario": str(FLAGSHIP)},
        number_processes=2,
        max_steps=horizon,
        data_collection_period=-1,
        display_progress=False,
        rng=list(range(seed, seed + batch_runs)),
    )
    dt = time.perf_counter() - t0
    out["batch_run_2p"] = batch_runs / dt
    print(
        f"mesa.batch_run, 2 processes: {batch_runs:,} one-replication models in {dt:.1f} s"
        f" = {batch_runs / dt:,.1f} runs/s",
        flush=True,
    )
    for workers in (1, 2):
        ratio = out[f"ensemble_{workers}w"] / out["batch_run_2p"]
        print(f"ensemble {workers} worker(s) / batch_run 2 processes: {ratio:,.0f}x")
    return out


# --- 100,000 runs -----------------------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            # PSS: pages shared by the forkserver and the workers it forked count once.
            total += p.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
        except AttributeError:  # no PSS on this platform
            total += p.memory_info().rss
    return total


def _folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def big(runs: int, record: str, workers: int, chunk_size: int, keep: Path | None) -> dict:
    """``wargame run`` of the flagship: wall time, peak memory of the process tree, size."""
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{record}-"))
    out = (keep or tmp) / f"flagship-{runs}-{record}"
    if out.exists():
        shutil.rmtree(out)
    wargame = Path(sys.executable).parent / "wargame"
    cmd = [
        str(wargame),
        "run",
        str(FLAGSHIP),
        "--runs",
        str(runs),
        "--seed",
        "1",
        "--workers",
        str(workers),
        "--chunk-size",
        str(chunk_size),
        "--record",
        record,
        "--out",
        str(out),
        "--quiet",
    ]
    print("$", " ".join(cmd[1:]).replace(str(ROOT) + "/", ""), flush=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, int, int]] = []  # (t, rss of the tree, chunks committed)
    while proc.poll() is None:
        chunks = out / "chunks"
        n = len(list(chunks.iterdir())) if chunks.is_dir() else 0
        samples.append((time.perf_counter() - t0, _tree_rss(proc.pid), n))
        time.sleep(0.2)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"wargame run failed ({proc.returncode}):\n{stderr}")
    peak = max(rss for _, rss, _ in samples)
    size = _folder_size(out)
    # Flatness: peak memory in each quarter of the run.
    quarters = []
    for q in range(4):
        lo, hi = wall * q / 4, wall * (q + 1) / 4
        inside = [rss for t, rss, _ in samples if lo <= t < hi]
        quarters.append(max(inside) if inside else float("nan"))
    print(
        f"  {runs:,} runs, --record {record}, {workers} workers: {wall:.1f} s"
        f" ({runs / wall:,.0f} runs/s), peak memory {peak / GiB:.2f} GiB,"
        f" folder {size / 1024**2:,.1f} MiB",
        flush=True,
    )
    print(
        "  peak memory by quarter of the run (GiB): "
        + ", ".join(f"{q / GiB:.2f}" for q in quarters),
        flush=True,
    )
    if keep is None:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "wall": wall,
        "peak": peak,
        "size": size,
        "quarters": quarters,
        "summary": stdout.strip().splitlines()[:3],
    }


# --- growth with the number of actors ---------------------------------------------------------


def generated_scenario(n: int, degree: int = 3, horizon: int = 120) -> str:
    """A scenario of ``n`` actors (utility policy), each answering ``degree`` others.

    Actor i has response channels toward i+1, i+2, ... (mod n): a ring with chords, so every
    actor is watched by ``degree`` others; every fifth actor supplies arms to its neighbour from
    a stock; one red line per ten actors.
    """
    ids = [f"S{i:03d}" for i in range(n)]
    lines = [
        "wargame: 1",
        f"id: generated-{n}",
        f"title: Generated world of {n} states",
        f"time: {{start: 2024-01, step: month, horizon: {horizon}}}",
        "include: [ladders/standard.yaml]",
        "defaults:",
        "  policy: utility",
        "  precision: {dist: lognormal, median: 2.0, gsd: 1.5}",
        "  risk_tolerance: {dist: uniform, low: 0.2, high: 0.8}",
        "  weights: {security: 1.0, reputation: 0.3, domestic: 0.2}",
        "  observe: {lag: 1, detect: 0.9, misread: 0.05, attribution: 0.7}",
        "actors:",
    ]
    for i, a in enumerate(ids):
        lines.append(f"  {a}:")
        if i % 5 == 0:
            lines.append(
                "    stocks: {shell: {initial: 1.0e5, production: 1.0e4, requirement: 5.0e4}}"
            )
        lines.append("    channels:")
        for k in range(1, degree + 1):
            b = ids[(i + k * (1 + i % 7)) % n] if n > degree + 1 else ids[(i + k) % n]
            if b == a:
                b = ids[(i + k) % n]
            lines.append(f"      answer_{k}: {{ladder: response, target: {b}, initial: criticize}}")
        if i % 5 == 0:
            lines.append(
                f"      arm: {{ladder: supply, target: {ids[(i + 1) % n]}, "
                "initial: none, flows: {shell: [0, 1.0e3, 2.0e3, 2.0e3, 4.0e3, 4.0e3]}}"
            )
    lines.append("red_lines:")
    for i in range(0, n, 10):
        owner, watched = ids[i], ids[(i + 1) % n]
        lines += [
            f"  rl_{i}:",
            f"    owner: {owner}",
            f"    watch: {{channel: {watched}.answer_1, at_least: threaten_force}}",
            f"    response: {{channel: {owner}.answer_1, at_least: show_of_force}}",
            "    credibility: {dist: beta, a: 2, b: 2}",
        ]
    return "\n".join(lines) + "\n"


def growth(sizes: list[int], runs: int, horizon: int) -> list[tuple[int, float]]:
    """Seconds per step of a ``runs``-run ensemble of generated scenarios of each size."""
    from sim.experiments import run
    from sim.scenario import load_scenario_text

    rows = []
    # Warm up (imports, first-call caches) so that the first size does not pay for them.
    run(load_scenario_text(generated_scenario(5, horizon=2), "<warm-up>"), 2, 1, record="outcomes")
    for n in sizes:
        sc = load_scenario_text(generated_scenario(n, horizon=horizon), f"<generated {n}>")
        t0 = time.perf_counter()
        res = run(sc, runs, 1, workers=1, chunk_size=runs, record="outcomes")
        dt = time.perf_counter() - t0
        assert len(res.outcomes) == runs
        rows.append((n, dt / horizon))
        print(
            f"  n = {n:3d} actors: {runs} runs × {horizon} steps in {dt:.1f} s"
            f" = {1000 * dt / horizon:.1f} ms per step",
            flush=True,
        )
    if len(rows) >= 2:
        (n0, t0_), (n1, t1) = rows[0], rows[-1]
        slope = math.log(t1 / t0_) / math.log(n1 / n0)
        print(f"  growth exponent between n = {n0} and n = {n1}: time per step ∝ n^{slope:.2f}")
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("part", choices=["throughput", "big", "growth", "all"])
    ap.add_argument("--runs", type=int, default=10_000, help="ensemble runs (throughput)")
    ap.add_argument("--batch-runs", type=int, default=1_000, help="mesa.batch_run models")
    ap.add_argument("--big-runs", type=int, default=100_000)
    ap.add_argument("--records", default="outcomes,full")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk-size", type=int, default=1_000)
    ap.add_argument("--keep", type=Path, default=None, help="keep the big folders here")
    ap.add_argument("--sizes", default="10,50,193")
    ap.add_argument("--growth-runs", type=int, default=100)
    ap.add_argument("--horizon", type=int, default=120)
    args = ap.parse_args()
    os.chdir(ROOT)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores", flush=True)
    if args.part in ("throughput", "all"):
        print("== throughput (flagship, 24 steps)", flush=True)
        throughput(args.runs, args.batch_runs, 1)
    if args.part in ("big", "all"):
        print(f"== {args.big_runs:,} flagship runs", flush=True)
        for record in args.records.split(","):
            big(args.big_runs, record, args.workers, args.chunk_size, args.keep)
    if args.part in ("growth", "all"):
        print(f"== growth: {args.growth_runs} runs × {args.horizon} steps", flush=True)
        growth([int(s) for s in args.sizes.split(",")], args.growth_runs, args.horizon)
    return 0


if __name__ == "__main__":
    sys.exit(main())
