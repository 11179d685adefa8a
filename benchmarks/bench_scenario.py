"""Scenario loading and ``wargame validate``: how long an analyst waits for a check.

Run by hand, not in the test suite::

    .venv/bin/python benchmarks/bench_scenario.py

Targets (issue #2): loading the flagship takes well under a second; ``wargame validate`` on it
finishes in under 3 s including interpreter start, without importing Mesa, matplotlib, SALib,
Dask or pandas.
"""

from __future__ import annotations

import ast
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "seoul_arms_ukraine.yaml"
HEAVY = ("mesa", "matplotlib", "SALib", "dask", "pandas", "scipy", "pyarrow", "numpy")


def load_times(repeat: int = 20) -> list[float]:
    from sim.scenario import load_scenario

    load_scenario(FLAGSHIP)  # imports and first-use caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        load_scenario(FLAGSHIP)
        times.append(time.perf_counter() - t0)
    return times


def validate_times(repeat: int = 5) -> list[float]:
    script = Path(sys.executable).parent / "wargame"
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([str(script), "validate", "-q", str(FLAGSHIP)], check=True)
        times.append(time.perf_counter() - t0)
    return times


def heavy_imports() -> list[str]:
    code = (
        "import sys\nfrom sim.cli import main\n"
        f"try:\n    main(['validate', '-q', {str(FLAGSHIP)!r}])\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return ast.literal_eval(out.stdout)  # a printed list of module names


def main() -> None:
    loads = load_times()
    print(
        f"load_scenario(flagship): median {statistics.median(loads) * 1e3:.0f} ms, "
        f"max {max(loads) * 1e3:.0f} ms over {len(loads)} loads (target: well under 1 s)"
    )
    runs = validate_times()
    print(
        f"wargame validate flagship: median {statistics.median(runs):.2f} s, "
        f"max {max(runs):.2f} s with interpreter start (target: < 3 s)"
    )
    print(f"heavy modules imported by validate: {heavy_imports() or 'none'}")


if __name__ == "__main__":
    main()
