"""Analytic oracles of model.md §9, run through the whole model (scenario → Wargame → tables).

Richardson: equilibrium, trajectory and stability against the closed form. Lanchester: the
square law through the model's world phase. Iterated prisoner's dilemma: exact scores of the
classic strategies against each other. Logit choice: frequencies within Monte Carlo error.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from model_helpers import build, scenario_file

from sim.model import ModelWarning, Wargame, simulate
from sim.model.choice import logit_probabilities, quantal_choice

# --- Richardson ---------------------------------------------------------------------------


def richardson(integrator: str, horizon: int = 10, dt: float | None = 0.01, **params):
    """The two-state Richardson race of scenarios/, with its parameters replaced."""
    p = {"k": 0.5, "a": 1.0, "g": 1.0, "kl": 0.5, "b": 1.0, "h": 1.0, **params}
    ov = {
        "time.horizon": horizon,
        "time.dt": dt,
        "actors.BLUE.richardson": {"k": p["k"], "a": p["a"], "g": p["g"], "integrator": integrator},
        "actors.RED.richardson": {"k": p["kl"], "a": p["b"], "g": p["h"], "integrator": integrator},
    }
    return scenario_file(
        "richardson_arms_race.yaml", {k: v for k, v in ov.items() if v is not None}
    )


def levels(tables, actor: str) -> np.ndarray:
    ch = tables["channels"]
    return ch[ch.actor == actor].sort_values("step")["rung"].to_numpy()


def test_richardson_trajectory_euler_within_its_error():
    # x(10) = 2(1 − e⁻⁵); Euler's global error is O(dt): bounded here by dt·max|x''|·t/2
    exact = 2.0 * (1.0 - math.exp(-5.0))
    assert exact == pytest.approx(1.986524, abs=1e-6)
    for dt in (0.1, 0.01):
        t = simulate(richardson("euler", dt=dt), 1, 0)
        x = levels(t, "BLUE")[-1]
        assert abs(x - exact) <= dt * 0.5 * 10 * 0.5  # |x''| ≤ 0.5
        assert x != pytest.approx(exact, abs=1e-9)  # it is Euler, not the closed form


def test_richardson_trajectory_exact_to_1e9():
    t = simulate(richardson("exact"), 1, 0)
    x, y = levels(t, "BLUE"), levels(t, "RED")
    steps = np.arange(11)
    np.testing.assert_allclose(x, 2.0 * (1.0 - np.exp(-0.5 * steps)), atol=1e-9, rtol=0)
    np.testing.assert_allclose(y, x, atol=1e-12)


def test_richardson_equilibrium_closed_form():
    k, a, g, kl, b, h = 0.3, 1.0, 1.0, 0.6, 0.8, 0.5  # kl is Richardson's l
    x_star = (b * g + k * h) / (a * b - k * kl)
    y_star = (a * h + kl * g) / (a * b - k * kl)
    t = simulate(richardson("exact", horizon=60, k=k, a=a, g=g, kl=kl, b=b, h=h), 1, 0)
    assert levels(t, "BLUE")[-1] == pytest.approx(x_star, abs=1e-9)
    assert levels(t, "RED")[-1] == pytest.approx(y_star, abs=1e-9)


def test_richardson_stable_ode_unstable_euler_map_warns():
    # a·b > k·l: the ODE is stable; but with dt = 1 the map I + dt·J has eigenvalues −1.5, −2.5
    sc = richardson("euler", dt=1.0, a=3.0, b=3.0)
    with pytest.warns(ModelWarning, match=r"spectral radius of I \+ dt·J ≥ 1"):
        Wargame(sc, replications=1, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)
        Wargame(richardson("exact", dt=1.0, a=3.0, b=3.0), replications=1, rng=0)
        Wargame(richardson("euler", dt=0.01), replications=1, rng=0)


def test_richardson_unstable_ode_warns_with_exact_integrator():
    with pytest.warns(ModelWarning, match="diverges"):
        Wargame(richardson("exact", k=2.0, kl=2.0), replications=1, rng=0)


# --- Lanchester -----------------------------------------------------------------------------


def test_lanchester_square_law_through_the_model():
    t = simulate(scenario_file("lanchester_battle.yaml"), 1, 0)
    f = t["fronts"]
    a = f[f.side == "A"].set_index("step")["forces"]
    b = f[f.side == "B"].set_index("step")["forces"]
    t_zero = 100 * math.log(3)  # B reaches zero at 109.86 days
    assert b[109] > 0 and b[110] == 0
    assert b[int(t_zero) - 1] > b[int(t_zero)] > 0
    assert a[120] == pytest.approx(60.0, rel=1e-6)
    # the square law's invariant k·A² − k·B² is conserved while both fight
    inv = 0.01 * a[:109] ** 2 - 0.01 * b[:109] ** 2
    np.testing.assert_allclose(inv, 0.01 * (100**2 - 80**2), rtol=1e-9)


# --- iterated prisoner's dilemma ------------------------------------------------------------

PAYOFF = {("C", "C"): (3, 3), ("C", "D"): (0, 5), ("D", "C"): (5, 0), ("D", "D"): (1, 1)}


def reference(strategy: str, mine: list[str], theirs: list[str]) -> str:
    """The textbook strategies, written independently of the model."""
    if strategy == "ALLC":
        return "C"
    if strategy == "ALLD":
        return "D"
    if strategy == "TFT":
        return theirs[-1] if theirs else "C"
    if strategy == "STFT":
        return theirs[-1] if theirs else "D"
    if strategy == "GRIM":
        return "D" if "D" in theirs else "C"
    raise ValueError(strategy)


def reference_scores(sa: str, sb: str, n: int) -> tuple[int, int]:
    ha: list[str] = []
    hb: list[str] = []
    pa = pb = 0
    for _ in range(n):
        a, b = reference(sa, ha, hb), reference(sb, hb, ha)
        ha.append(a)
        hb.append(b)
        pa += PAYOFF[a, b][0]
        pb += PAYOFF[a, b][1]
    return pa, pb


POLICY = {
    "ALLC": ("always", "C"),
    "ALLD": ("always", "D"),
    "TFT": ("tit_for_tat", None),
    "STFT": ("suspicious_tit_for_tat", None),
    "GRIM": ("grim_trigger", None),
}


def ipd(sa: str, sb: str, n: int) -> tuple[float, float]:
    ov: dict = {"time.horizon": n}
    for actor, s in (("A", sa), ("B", sb)):
        policy, rung = POLICY[s]
        ov[f"actors.{actor}.policy"] = policy
        ov[f"actors.{actor}.channels.play.initial"] = "C"
        if rung:
            ov[f"actors.{actor}.rung"] = rung
    out = simulate(scenario_file("prisoners_dilemma.yaml", ov), 1, 0)["outcomes"]
    return float(out["actor.A.payoff"][0]), float(out["actor.B.payoff"][0])


def test_ipd_textbook_scores():
    assert ipd("TFT", "ALLD", 10) == (9, 14)
    assert ipd("TFT", "TFT", 10) == (30, 30)
    assert reference_scores("TFT", "ALLD", 10) == (9, 14)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 17])
@pytest.mark.parametrize(
    "pair",
    [
        ("TFT", "ALLD"),
        ("TFT", "ALLC"),
        ("TFT", "TFT"),
        ("STFT", "TFT"),
        ("STFT", "STFT"),
        ("STFT", "ALLC"),
        ("GRIM", "ALLD"),
        ("GRIM", "STFT"),
        ("GRIM", "TFT"),
        ("ALLD", "ALLC"),
        ("ALLD", "ALLD"),
    ],
)
def test_ipd_scores_equal_exact_scores(pair, n):
    assert ipd(*pair, n) == reference_scores(*pair, n)


# --- logit choice ---------------------------------------------------------------------------


def test_logit_two_rungs_formula():
    p = logit_probabilities(np.array([[0.0], [1.0]]), np.array([2.0]))
    assert p[1, 0] == pytest.approx(1.0 / (1.0 + math.exp(-2.0)))
    assert p[1, 0] == pytest.approx(0.880797, abs=1e-6)


def test_quantal_choice_frequency_within_monte_carlo_error():
    R = 200_000
    rng = np.random.default_rng(5)
    eu = np.tile(np.array([[0.0], [1.0]]), (1, R))
    pick = quantal_choice(eu, np.full(R, 2.0), rng.random(R))
    p = 0.880797
    assert abs(pick.mean() - p) < 4 * math.sqrt(p * (1 - p) / R)


def test_quantal_choice_never_picks_a_rung_not_allowed():
    R = 10_000
    rng = np.random.default_rng(1)
    eu = rng.normal(size=(5, R))
    allowed = rng.random((5, R)) < 0.5
    allowed[rng.integers(0, 5, R), np.arange(R)] = True
    pick = quantal_choice(eu, np.full(R, 3.0), rng.random(R), allowed)
    assert allowed[pick, np.arange(R)].all()
    assert (
        quantal_choice(eu, np.full(R, 3.0), np.zeros(R), allowed) == allowed.argmax(axis=0)
    ).all()


def utility_game(precision: float):
    """A utility player whose only stake is a game paying 0 for C and 1 for D, whatever B does.

    Both rungs have e = 0 and all weights are 0, so every other term is equal across rungs:
    EU(D) − EU(C) = 1 exactly and P(D) = σ(λ).
    """
    return build(
        {
            "ladders": {"cd": {"rungs": [{"id": "C", "e": 0.0}, {"id": "D", "e": 0.0}]}},
            "defaults": {"observe": {"lag": 0, "detect": 1.0, "misread": 0.0, "attribution": 1.0}},
            "actors": {
                "A": {
                    "policy": "utility",
                    "precision": precision,
                    "switch_cost": 0.0,
                    "weights": {
                        "security": 0,
                        "alliance": 0,
                        "war": 0,
                        "economy": 0,
                        "domestic": 0,
                        "reputation": 0,
                    },
                    "channels": {"play": {"ladder": "cd", "target": "B", "initial": "C"}},
                },
                "B": {
                    "policy": "fixed",
                    "channels": {"play": {"ladder": "cd", "target": "A", "initial": "C"}},
                },
            },
            "games": {
                "g": {
                    "channels": ["A.play", "B.play"],
                    "payoffs": {"CC": [0, 0], "CD": [0, 0], "DC": [1, 0], "DD": [1, 0]},
                }
            },
        }
    )


def test_logit_choice_frequencies_through_the_utility_policy():
    R = 40_000
    m = Wargame(utility_game(2.0), replications=R, rng=3)
    ref = "A.play"
    terms, _ = next(p for p in m.policies if p.name == "utility").explain(m, ref)
    eu = sum(np.broadcast_to(v, (2, R)) for v in terms.values())
    np.testing.assert_allclose(eu[1] - eu[0], 1.0, atol=1e-12)
    m.step()
    p = 0.880797
    freq = (m.level[:, m.layout.channel_index[ref]] == 1).mean()
    assert abs(freq - p) < 4 * math.sqrt(p * (1 - p) / R)
