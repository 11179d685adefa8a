"""Analysis at the scale of the ensembles: `plot`, `report`, the summary and `compare`'s table.

Run by hand, not in the test suite (making the folders takes minutes on 2 cores)::

    .venv/bin/python benchmarks/bench_analysis.py                    # 10k, 100k and 1M runs
    .venv/bin/python benchmarks/bench_analysis.py --sizes 10000 100000 --no-million
    .venv/bin/python benchmarks/bench_analysis.py --where /tmp/bench-analysis --keep

Targets (issue #11):

- on a 100,000-run ``--record full`` flagship folder, ``wargame plot`` and ``wargame report``
  each peak below 2 GB and finish within 2× their time on a 10,000-run folder measured in the
  same benchmark run;
- the summary of a 1,000,000-run ``--record outcomes`` folder prints in a few seconds.

Each folder is made once by ``wargame run`` (``--record full``, seed 1, 2 workers; the
million with ``--record outcomes``) and a comparison of as many runs per arm by ``wargame
compare`` (``--record outcomes``). Each measured command runs in a fresh interpreter, itself
started by a small launcher that reports ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``: the
peak resident memory of that command alone. The machine is shared: give ``uptime``'s load with
the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"
COUNTERFACTUAL = "rok_weapons_vs_restraint"
CLI = "import sys; from sim.cli import main; main(sys.argv[1:])"
SUMMARY = "import sys, sim; print(sim.open_results(sys.argv[1]).summary())"
TABLE = "import sys, sim; print(sim.open_results(sys.argv[1]).render())"
LAUNCHER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(code, time.perf_counter() - t, use.ru_maxrss * 1024, use.ru_utime + use.ru_stime)\n"
)


def measure(args: list[str], repeat: int = 1) -> tuple[float, float, float]:
    """Seconds, peak resident bytes and CPU seconds of ``python args`` in a fresh process: the
    fastest of ``repeat`` tries (as ``timeit`` does: the others were slowed by the machine)."""
    return min(_measure(args) for _ in range(repeat))


def _measure(args: list[str]) -> tuple[float, float, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    out = subprocess.run(
        [sys.executable, "-c", LAUNCHER, sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.split()
    code, seconds, peak, cpu = int(out[0]), float(out[1]), float(out[2]), float(out[3])
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(args)}")
    return seconds, peak, cpu


def make(where: Path, runs: int, record: str, workers: int) -> tuple[Path, Path | None]:
    """The run folder (and, but for the million, the comparison folder) of ``runs`` runs."""
    run_dir = where / f"run-{runs}-{record}"
    cmp_dir = where / f"compare-{runs}" if record == "full" else None
    common = ["--seed", "1", "--workers", str(workers), "--quiet"]
    if not (run_dir / "manifest.json").exists():
        t = time.perf_counter()
        args = ["run", str(FLAGSHIP), "--runs", str(runs), "--record", record]
        measure(["-c", CLI, *args, *common, "--out", str(run_dir), "--force"])
        print(f"made {run_dir.name} in {time.perf_counter() - t:.0f} s", flush=True)
    if cmp_dir is not None and not (cmp_dir / "manifest.json").exists():
        t = time.perf_counter()
        args = ["compare", str(FLAGSHIP), "--counterfactual", COUNTERFACTUAL, "--runs", str(runs)]
        measure(["-c", CLI, *args, *common, "--out", str(cmp_dir), "--force"])
        print(f"made {cmp_dir.name} in {time.perf_counter() - t:.0f} s", flush=True)
    return run_dir, cmp_dir


Measured = dict[str, tuple[float, float, float]]


def bench(run_dir: Path, cmp_dir: Path | None, scratch: Path, repeat: int) -> Measured:
    """Time, peak memory and CPU time of each analysis command on one folder."""
    out = {"summary": measure(["-c", SUMMARY, str(run_dir)], repeat)}
    if cmp_dir is not None:
        out["compare table"] = measure(["-c", TABLE, str(cmp_dir)], repeat)
        figures = scratch / f"figures-{run_dir.name}"
        out["plot"] = measure(["-c", CLI, "plot", str(run_dir), "-o", str(figures)], repeat)
        html = scratch / f"report-{run_dir.name}.html"
        out["report"] = measure(["-c", CLI, "report", str(run_dir), "-o", str(html)], repeat)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--million", type=int, default=1_000_000, help="runs of the outcomes folder")
    ap.add_argument("--no-million", action="store_true", help="skip the outcomes folder")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--where", type=Path, default=None, help="keep the folders here")
    ap.add_argument("--keep", action="store_true", help="keep the folders (with --where)")
    ap.add_argument("--repeat", type=int, default=1, help="tries per command; the fastest counts")
    args = ap.parse_args()

    where = args.where or Path(tempfile.mkdtemp(prefix="bench-analysis-"))
    where.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f}; folders in {where}", flush=True)
    results: dict[str, Measured] = {}
    try:
        for runs in args.sizes:
            run_dir, cmp_dir = make(where, runs, "full", args.workers)
            results[f"{runs:,} full"] = bench(run_dir, cmp_dir, where, args.repeat)
            print(json.dumps({f"{runs:,} full": results[f"{runs:,} full"]}), flush=True)
        if not args.no_million:
            run_dir, _ = make(where, args.million, "outcomes", args.workers)
            results[f"{args.million:,} outcomes"] = bench(run_dir, None, where, args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)
    print(f"\nload average {os.getloadavg()[0]:.1f}")
    print(f"{'folder':<22} {'command':<14} {'seconds':>8} {'peak GB':>8} {'CPU s':>8}")
    for folder, cmds in results.items():
        for cmd, (s, peak, cpu) in cmds.items():
            print(f"{folder:<22} {cmd:<14} {s:8.1f} {peak / 1e9:8.2f} {cpu:8.1f}")
    ok = True
    if len(args.sizes) >= 2:
        small, big = (f"{n:,} full" for n in args.sizes[:2])
        print(f"\ngrowth from {small} to {big} runs:")
        for cmd in ("plot", "report", "summary", "compare table"):
            (t0, m0, c0), (t1, m1, c1) = results[small][cmd], results[big][cmd]
            print(
                f"  {cmd:<14} time ×{t1 / t0:.2f}, CPU time ×{c1 / c0:.2f},"
                f" peak memory ×{m1 / m0:.2f}"
            )
            if cmd in ("plot", "report"):
                ok &= t1 <= 2 * t0 and m1 < 2e9
        verdict = "met" if ok else "MISSED"
        print(f"target (plot and report: within 2× the time, below 2 GB): {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
