"""Fixtures for the figure and report tests: small results with the contract's columns."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

import synth_results


@pytest.fixture(scope="session")
def tiny():
    """60 runs, no arms, with a scenario and a manifest."""
    return synth_results.build(60)


@pytest.fixture(scope="session")
def tiny_arms():
    """60 paired runs in two counterfactual arms."""
    return synth_results.build(60, arms=["weapons", "restraint"])


@pytest.fixture(scope="session")
def bare():
    """Tables only: no scenario, no manifest (as simulate returns them)."""
    out = synth_results.build(40, with_scenario=False)
    out.pop("manifest")
    return out


def _indices(method: str):
    """Indices of a function with known drivers (x dominates, y matters, z is inert), through
    the same SALib design and analysis a sensitivity run uses."""
    from sim.experiments.sensitivity import analyze, design

    names = ["actors.AAA.precision", "fronts.east.fire_elasticity", "actors.BBB.switch_cost"]
    x = design(method, names, 12 if method == "morris" else 64, 1)
    y = 3 * x[:, 0] + x[:, 1] + x[:, 0] * x[:, 1]
    return analyze(
        method, names, x, {"red_line.bbb_weapons.crossed": y, "escalation.AAA-BBB.max": 0 * y}, 1
    )


@pytest.fixture(scope="session")
def morris():
    out = synth_results.build(20)
    return {
        "outcomes": out["outcomes"],
        "scenario": out["scenario"],
        "manifest": out["manifest"],
        "sensitivity": _indices("morris"),
    }


@pytest.fixture(scope="session")
def sobol():
    out = synth_results.build(20)
    return {
        "outcomes": out["outcomes"],
        "scenario": out["scenario"],
        "manifest": out["manifest"],
        "sensitivity": _indices("sobol"),
    }


FLAGSHIP = Path(__file__).resolve().parents[2] / "scenarios" / "seoul_arms_ukraine.yaml"


@pytest.fixture(scope="session")
def flagship_dir(tmp_path_factory):
    """A real results folder: 40 runs of the flagship, every table recorded."""
    import sim

    out = tmp_path_factory.mktemp("flagship") / "seoul"
    sim.run(FLAGSHIP, runs=40, seed=7, out=out)
    return out


@pytest.fixture(scope="session")
def compare_dir(tmp_path_factory):
    """A real counterfactual folder: 30 paired runs per arm, every table recorded."""
    import sim

    out = tmp_path_factory.mktemp("compare") / "weapons"
    sim.compare(FLAGSHIP, "rok_weapons_vs_restraint", runs=30, seed=7, record="full", out=out)
    return out


@pytest.fixture(scope="session")
def sensitivity_dir(tmp_path_factory):
    """A real Morris sensitivity folder: 4 trajectories over the flagship's factors."""
    import sim

    out = tmp_path_factory.mktemp("sens") / "morris"
    sim.sensitivity(FLAGSHIP, method="morris", samples=4, seed=7, out=out)
    return out
