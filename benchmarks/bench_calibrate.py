"""How long ``wargame calibrate`` takes on the flagship, and what batching buys.

Runs the documented calibration (``calibrate --until 2024-12``: the scenario's
``calibration:`` block, 1,000 particles, up to 10 generations) into a temporary folder and
reports the total time, the simulated runs per second and each generation's seconds. The peer,
measured in the same run, is what a one-particle-per-call ABC library (pyabc's model
interface, ELFI without batching) would do with the same simulator: one model of one
replication per particle, timed on ``PEER_PARTICLES`` particles of the same prior.

    .venv/bin/python benchmarks/bench_calibrate.py [--workers 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from sim.history import calibrate, settings_for
from sim.history.backtest import until_step
from sim.history.calibrate import values_of
from sim.model import simulate
from sim.scenario import load_scenario

FLAGSHIP = Path(__file__).resolve().parents[1] / "scenarios" / "seoul_arms_ukraine.yaml"
PEER_PARTICLES = 40


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    spec = load_scenario(FLAGSHIP)
    settings = settings_for(spec, until=until_step(spec, "2024-12"))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        cal = calibrate(spec, settings=settings, out=Path(tmp) / "cal", workers=args.workers)
        total = time.perf_counter() - t0
    d = cal.diagnostics
    runs = int(d["runs"].sum())
    print(f"calibrate --until 2024-12 ({len(settings.params)} parameters, workers {args.workers})")
    for r in d.itertuples():
        print(
            f"  generation {r.generation}: {r.runs} runs in {r.seconds:.1f} s, ε {r.epsilon:.3f},"
            f" moves accepted {r.acceptance:.0%}, {r.unique} distinct"
        )
    print(f"  total {total:.1f} s for {runs:,} runs = {runs / total:,.0f} runs/s (all included)")

    priors = list(cal.priors.values())
    z = np.random.default_rng(1).standard_normal((PEER_PARTICLES, len(priors)))
    vals = values_of(z, priors)
    t0 = time.perf_counter()
    for i in range(PEER_PARTICLES):
        pv = {p: np.array([vals[k][i]]) for k, p in enumerate(cal.priors)}
        simulate(spec, 1, i, param_values=pv)
    peer = (time.perf_counter() - t0) / PEER_PARTICLES
    print(
        f"peer: one model per particle, {1 / peer:,.1f} runs/s ({PEER_PARTICLES} particles)"
        f" → batched calibration is {runs / total * peer:,.0f}× faster per simulated run;"
        f" the same {runs:,} runs one at a time would take {runs * peer / 60:,.1f} min"
    )


if __name__ == "__main__":
    main()
