"""Invariants on every step of every run, on random scenarios (hypothesis) and the flagship.

No negative stock; arms conserved (what leaves a supplier arrives, less duds, and every stock
moves by production + inflow − outflow − consumption); probabilities in [0, 1]; no NaN or inf
in any state variable; no negative forces (deployments arriving and leaving included); levels
on their ladders.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_helpers import build

from sim.model import Wargame

POLICIES = [
    "utility",
    "utility",
    "fixed",
    "tit_for_tat",
    "grim_trigger",
    "always",
    "suspicious_tit_for_tat",
]


def floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_subnormal=False)


@st.composite
def scenarios(draw):
    n_actors = draw(st.integers(2, 4))
    actors = [f"X{i}" for i in range(n_actors)]
    n_rungs = draw(st.integers(2, 6))
    rungs = sorted(draw(st.lists(floats(0, 10), min_size=n_rungs, max_size=n_rungs)))
    ladders = {
        "sup": {
            "felt_by": "adversaries",
            "rungs": [{"id": f"s{k}", "e": e} for k, e in enumerate(rungs)],
        },
        "resp": {"rungs": [{"id": f"r{k}", "e": float(k * 10 / 3)} for k in range(4)]},
    }
    # rungs with effects: sanctions that cost economies, a blockade that turns shipments back
    ladders["resp"]["rungs"][2]["economic_cost"] = {
        "target": draw(floats(0, 0.5)),
        "sender": draw(floats(0, 0.1)),
    }
    ladders["resp"]["rungs"][3]["interdicts"] = draw(floats(0, 1))
    unit = lambda: draw(floats(0, 1))  # noqa: E731
    spec = {}
    for i, a in enumerate(actors):
        other = actors[(i + 1) % n_actors]
        policy = draw(st.sampled_from(POLICIES))
        amounts = draw(st.lists(floats(0, 5e4), min_size=n_rungs, max_size=n_rungs))
        channels = {
            "answer": {"ladder": "resp", "target": other, "initial": f"r{draw(st.integers(0, 3))}"},
            "back": {"ladder": "resp", "target": actors[i - 1], "initial": "r0"},
            "arm": {
                "ladder": "sup",
                "target": actors[(i + 2) % n_actors] if n_actors > 2 else other,
                "initial": f"s{draw(st.integers(0, n_rungs - 1))}",
                "flows": {"shell": amounts},
                "indirect": draw(st.booleans()),
            },
        }
        if draw(st.booleans()):
            channels["arm"]["max_step"] = draw(st.integers(1, 3))
        spec[a] = {
            "policy": policy,
            "rung": "r1",
            "precision": {"dist": "lognormal", "median": 3.0, "gsd": 2.0},
            "switch_cost": draw(floats(0, 1)),
            "risk_tolerance": {"dist": "uniform", "low": 0.05, "high": 1.0},
            "weights": {
                k: draw(floats(0, 1))
                for k in ("security", "alliance", "war", "economy", "domestic", "reputation")
            },
            "observe": {
                "lag": draw(st.integers(0, 2)),
                "detect": unit(),
                "misread": unit(),
                "attribution": unit(),
            },
            "approval": {
                "initial": unit(),
                "rally": draw(floats(0, 0.2)),
                "arms_penalty": draw(floats(0, 0.2)),
                "audience_cost": draw(floats(0, 0.3)),
                "noise": draw(floats(0, 0.2)),
            },
            "stocks": {
                "shell": {
                    "initial": {"dist": "uniform", "low": 0.0, "high": 2e5},
                    "production": draw(floats(0, 3e4)),
                    "requirement": draw(st.one_of(st.just(0.0), floats(1.0, 1e5))),
                    "consumption": draw(floats(0, 2e4)),
                    "ramp": draw(floats(-5e3, 5e3)),
                }
            },
            "channels": channels,
        }
        if policy == "always":
            for ch in channels.values():
                ch["ladder"] = "resp"
                ch["initial"] = "r0"
                ch.pop("flows", None)
    data = {
        "time": {
            "start": "2024-01",
            "step": "month",
            "horizon": draw(st.integers(3, 6)),
            "substeps": 5,
        },
        "ladders": ladders,
        "actors": spec,
        "red_lines": {
            "line": {
                "owner": actors[0],
                "watch": {"channel": f"{actors[1]}.answer", "at_least": "r2"},
                "declared": draw(st.sampled_from(["public", "ambiguous", "private"])),
                "response": {"channel": f"{actors[0]}.answer", "at_least": "r3"},
                "credibility": {"dist": "beta", "a": 2, "b": 2},
                "audience_cost": draw(floats(0, 0.2)),
                "window": draw(st.integers(1, 3)),
            }
        },
        "alliances": {
            "pact": {
                "members": actors[:2],
                "trigger": {"min_e": draw(floats(2, 10))},
                "obligations": {actors[1]: {"answer": "r2"}},
                "lag": draw(st.integers(0, 2)),
                "reliability": unit(),
                "mode": draw(st.sampled_from(["soft", "hard"])),
            }
        },
    }
    if draw(st.booleans()) and n_actors >= 2:
        a, b = actors[0], actors[1]
        data["fronts"] = {
            "f": {
                "sides": {
                    a: {
                        "forces": 1.0,
                        "lethality": draw(floats(0, 0.01)),
                        "reinforcement": 0.001,
                        "fire_need": draw(floats(0, 5e3)),
                        "stock": "shell",
                        "suppliers": actors[2:],
                    },
                    b: {
                        "forces": draw(floats(0.1, 2)),
                        "lethality": draw(floats(0, 0.01)),
                        "fire_need": draw(floats(0, 5e3)),
                        "stock": "shell",
                    },
                },
                "dud_rate": {x: {"dist": "uniform", "low": 0.0, "high": 0.5} for x in actors[2:]},
                "territory": {"per_unit": 500, "threshold": 0.3},
            }
        }
        if draw(st.booleans()):  # troops of a random actor join a side, on its response ladder
            sender = draw(st.sampled_from(actors))
            side = draw(st.sampled_from([a, b]))
            contingent = st.one_of(floats(0, 2), st.just({"dist": "uniform", "low": 0, "high": 1}))
            table = draw(st.lists(contingent, min_size=4, max_size=4))
            data["fronts"]["f"]["sides"][side]["deployments"] = {f"{sender}.answer": table}
        data["alliances"]["pact"]["patron"] = actors[0]
        data["alliances"]["pact"]["pressure"] = {
            "on": f"{actors[1]}.arm",
            "a0": -1.0,
            "trend": 1.0,
            "gap": 1.0,
        }
    return build(data)


FINITE = ("level", "e_now", "hostility", "payoff", "provoked")


def check_step(m: Wargame, before: np.ndarray) -> None:
    w, ly = m.world, m.layout
    tol = 1e-6 * (1.0 + np.abs(before).max())
    # no negative stock; stocks move by production + inflow − outflow − consumption
    assert (w.stock >= 0).all()
    np.testing.assert_allclose(
        w.stock, before + w.produced + w.inflow - w.outflow - w.used, atol=tol
    )
    assert (w.used >= -tol).all() and (w.produced >= 0).all()
    # arms conserved between supplier and recipient, less duds; interdicted rounds turn back
    np.testing.assert_allclose(w.shipped, w.delivered + w.duds + w.interdicted, atol=tol)
    np.testing.assert_allclose(
        w.outflow.sum(axis=(1, 2)), (w.shipped - w.interdicted).sum(axis=1), atol=tol
    )
    np.testing.assert_allclose(w.inflow.sum(axis=(1, 2)), w.delivered.sum(axis=1), atol=tol)
    assert (w.duds >= -tol).all() and (w.duds <= w.shipped + tol).all()
    assert (w.interdicted >= 0).all() and (w.interdicted <= w.shipped + tol).all()
    # economies between collapse (0) and baseline (1)
    y = w.economy.index
    assert np.isfinite(y).all() and (y >= 0).all() and (y <= 1).all()
    # probabilities in [0, 1]
    probabilities = [
        m.minds.belief,
        m.red.credibility,
        m.allies.reliability_belief,
        w.approval,
        w.shortfall,
        m.perception.detect,
        m.perception.misread,
        m.perception.attribution,
        m.allies.reliability,
    ]
    for p in probabilities:
        assert np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all()
    pressure = m.allies.pressure[~np.isnan(m.allies.pressure)]
    assert ((pressure >= 0) & (pressure <= 1)).all()
    # no NaN or inf anywhere in the state
    for name in FINITE:
        assert np.isfinite(np.asarray(getattr(m, name), float)).all(), name
    for arr in (
        m.minds.belief,
        w.stock,
        w.forces,
        w.territory,
        w.balance,
        m.escalation.value,
        m.escalation.goldstein,
        m.perception.level,
    ):
        assert np.isfinite(arr).all()
    assert (w.forces >= 0).all()
    # levels on their ladders
    disc = ~ly.continuous
    lv = m.level[:, disc]
    assert (lv == np.rint(lv)).all() and (lv >= 0).all() and (lv <= ly.n_rungs[disc] - 1).all()
    assert ((m.escalation.value >= 0) & (m.escalation.value <= 10)).all()


def run_checked(sc, R: int = 6, seed: int = 0) -> Wargame:
    m = Wargame(sc, replications=R, rng=seed)
    check_step(m, m.world.stock.copy())
    while m.steps < m.horizon:
        before = m.world.stock.copy()
        m.step()
        check_step(m, before)
    return m


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_invariants_hold_on_random_scenarios(sc, seed):
    m = run_checked(sc, seed=seed)
    tables = m.tables()
    for name, df in tables.items():
        num = df.select_dtypes("number")
        assert not np.isinf(num.to_numpy(float)).any(), name


def test_invariants_hold_on_the_flagship(flagship):
    m = run_checked(flagship, R=200, seed=4)
    assert m.world.shipped.sum() > 0  # the check had something to conserve
