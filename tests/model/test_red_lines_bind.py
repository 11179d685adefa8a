"""Red lines that bind (Schelling 1966; Fearon 1994): comparative statics on common random numbers.

Each comparison runs two models with the same scenario, seed and R, differing in one parameter
(``param_values``), so run r of both draws the same uniforms; the paired difference's 95 %
interval (mean ± 1.96·SE) must exclude zero in the direction the theory predicts:

- a more credible line is crossed less (the crosser's ``U_risk``), on a small scenario and on
  the flagship's ``rus_rok_weapons``;
- a more credible line, and a more reputation-minded owner, enforce a crossing more often;
- a compound / quantity condition holds exactly when its parts say (an oracle on the state);
- an enforcement holds the response for its window, once per episode; a refusal is logged once.
"""

from __future__ import annotations

import numpy as np
import pytest
from model_helpers import build

from sim.model import Wargame
from sim.model.eventlog import KIND_CODE

R = 1000
SEED = 20240619
CRED = "red_lines.line.credibility"


def small(red_line: dict | None = None, horizon: int = 12, p: dict | None = None, **actor_b):
    """A arms P; B, P's adversary, draws a line on A's arming and answers by hitting A.

    A plays ``utility`` with a low precision (so it wanders across rungs), and is paid for
    shipping (economy weight); B is ``fixed`` at ``calm`` unless an enforcement lifts it.
    ``red_line`` entries replace the line's keys (None removes one); ``p`` and ``actor_b``
    replace keys of actors P and B.
    """
    line = {
        "owner": "B",
        "watch": {"channel": "A.arm", "at_least": "mid"},
        "declared": "public",
        "response": {"channel": "B.hit", "at_least": "strike"},
        "credibility": 0.5,
        "window": 3,
    }
    line.update(red_line or {})
    line = {k: v for k, v in line.items() if v is not None}
    b = {
        "policy": "fixed",
        "weights": {"security": 1.0, "reputation": 1.0},
        "channels": {"hit": {"ladder": "resp", "target": "A", "initial": "calm"}},
    }
    b.update(actor_b)
    return build(
        {
            "time": {"start": "2024-01", "step": "month", "horizon": horizon},
            "ladders": {
                # no reaction term: the red line's mechanics alone move these actors
                "supply": {
                    "felt_by": "adversaries",
                    "reaction": "none",
                    "rungs": [
                        {"id": "none", "e": 0.0},
                        {"id": "low", "e": 2.0},
                        {"id": "mid", "e": 4.0},
                        {"id": "high", "e": 6.0},
                    ],
                },
                "resp": {
                    "reaction": "none",
                    "rungs": [
                        {"id": "calm", "e": 0.0},
                        {"id": "warn", "e": 3.0},
                        {"id": "strike", "e": 8.0},
                    ],
                },
            },
            "defaults": {"observe": {"lag": 0, "detect": 1.0, "misread": 0.0, "attribution": 1.0}},
            "actors": {
                "A": {
                    "precision": 1.0,
                    "weights": {"security": 1.0, "economy": 0.5},
                    "stocks": {"shells": {"initial": 5.0e4, "production": 2.0e4}},
                    "channels": {
                        "arm": {
                            "ladder": "supply",
                            "target": "P",
                            "initial": "none",
                            "flows": {"shells": [0, 1.0e4, 3.0e4, 6.0e4]},
                        }
                    },
                },
                "P": {
                    "policy": "fixed",
                    "channels": {"fight": {"ladder": "resp", "target": "B", "initial": "warn"}},
                    **(p or {}),
                },
                "B": b,
            },
            "red_lines": {"line": line},
        }
    )


def paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean of the paired differences a − b and its 95 % interval."""
    d = np.asarray(a, float) - np.asarray(b, float)
    se = d.std(ddof=1) / np.sqrt(d.size)
    return d.mean(), d.mean() - 1.96 * se, d.mean() + 1.96 * se


def arms(scenario, path: str, high: float, low: float, **kw) -> tuple[Wargame, Wargame]:
    """Two models on common random numbers, ``path`` at ``high`` and at ``low``."""
    return tuple(
        Wargame(scenario, replications=R, rng=SEED, param_values={path: v}, **kw).run()
        for v in (high, low)
    )


def line_index(m: Wargame, rid: str) -> int:
    return [rl.id for rl in m.layout.red_lines].index(rid)


def levels(m: Wargame, ref: str) -> np.ndarray:
    return m.recorder.level[:, :, m.layout.channel_index[ref]]


# --- (a) a credible line deters -------------------------------------------------------------


def test_a_more_credible_line_is_crossed_less_often():
    hi, lo = arms(small(horizon=6), CRED, 0.9, 0.1, record="outcomes")
    mean, low, high = paired(hi.red.ever[:, 0], lo.red.ever[:, 0])
    assert high < 0, (mean, low, high)
    assert lo.red.ever[:, 0].mean() > 0.2  # the line is not out of reach without credibility


def test_a_more_credible_russian_line_deters_seoul_in_the_flagship(flagship):
    hi, lo = arms(flagship, "red_lines.rus_rok_weapons.credibility", 0.9, 0.2, record="outcomes")
    k = line_index(hi, "rus_rok_weapons")
    mean, low, high = paired(hi.red.ever[:, k], lo.red.ever[:, k])
    assert high < 0, (mean, low, high)


# --- (b) credibility and reputation raise enforcement ---------------------------------------

FORCED = {"A.arm": {"at_least": "mid", "from": 1}}
"""A crosses at step 1 in every run, so every run has one episode to decide."""


def forced(scenario, path: str, high: float, low: float) -> tuple[Wargame, Wargame]:
    return arms(scenario, path, high, low, interventions=_bounds())


def test_credibility_raises_enforcement_of_a_crossing():
    hi, lo = forced(small(), CRED, 0.8, 0.2)
    assert (hi.red.decisions[:, 0] == 1).all() and (lo.red.decisions[:, 0] == 1).all()
    mean, low, high = paired(hi.red.enforced[:, 0] > 0, lo.red.enforced[:, 0] > 0)
    assert low > 0, (mean, low, high)


def test_reputation_weight_raises_enforcement_of_a_crossing():
    hi, lo = forced(small(), "actors.B.weights.reputation", 1.0, 0.0)
    mean, low, high = paired(hi.red.enforced[:, 0] > 0, lo.red.enforced[:, 0] > 0)
    assert low > 0, (mean, low, high)


def test_a_public_line_is_enforced_more_than_a_private_one():
    runs = [
        Wargame(small({"declared": d}), R, SEED, interventions=_bounds()).run()
        for d in ("public", "private")
    ]
    mean, low, high = paired(*(m.red.enforced[:, 0] > 0 for m in runs))
    assert low > 0, (mean, low, high)


def test_a_credible_counter_line_deters_enforcement():
    """A's own line on B's response: carrying out B's threat would cross it (Schelling)."""
    sc = small()
    data = sc.model_dump(mode="python", by_alias=True, exclude_none=True)
    data["red_lines"]["counter"] = {
        "owner": "A",
        "watch": {"channel": "B.hit", "at_least": "strike"},
        "response": {"channel": "A.arm", "at_least": "high"},
        "credibility": 0.5,
    }
    sc = build({k: v for k, v in data.items() if k not in ("wargame", "id", "title")})
    hi, lo = forced(sc, "red_lines.counter.credibility", 0.9, 0.1)
    mean, low, high = paired(hi.red.enforced[:, 0] > 0, lo.red.enforced[:, 0] > 0)
    assert high < 0, (mean, low, high)


def test_enforcement_frequency_follows_the_logit():
    """Share of episodes enforced = σ(logit c̄ + 2·(d·ŵ_rep − 1)) within binomial error.

    B's weights: security 1, reputation 1, others 0: ŵ_rep = 1 / (2/6) = 3; public d = 1;
    c̄ = 0.3 → logit p = −0.847 + 4 = 3.153, p = 0.959. A private line (d = ⅕):
    logit p = −0.847 + 2·(0.6 − 1) = −1.647, p = 0.162.
    """
    for declared, p in (("public", 0.9590), ("private", 0.1615)):
        m = Wargame(
            small({"declared": declared}),
            4000,
            7,
            param_values={CRED: 0.3},
            interventions=_bounds(),
        ).run()
        share = (m.red.enforced[:, 0] > 0).mean()
        assert abs(share - p) < 4 * np.sqrt(p * (1 - p) / 4000), (declared, share, p)


def _bounds():
    from sim.scenario.schema import Bound

    return {k: Bound.model_validate(v) for k, v in FORCED.items()}


# --- (c) compound and quantity conditions: an oracle --------------------------------------------

COMPOUND = {
    "any": [
        {"channel": "A.arm", "at_least": "high"},
        {
            "all": [
                {"flow": "A.arm", "stock": "shells", "above": 2.5e4},
                {"channel": "P.fight", "at_least": "strike"},
            ]
        },
    ]
}


def test_a_compound_quantity_condition_holds_exactly_when_its_parts_say():
    # P wanders too, so that the all-part is sometimes true and sometimes not
    sc = small({"watch": COMPOUND}, horizon=24, p={"policy": "utility", "precision": 0.5})
    m = Wargame(sc, replications=400, rng=3)
    arm, fight = (m.layout.channel_index[r] for r in ("A.arm", "P.fight"))
    seen = {"high": 0, "flow_and_strike": 0, "flow_only": 0, "capped": 0}
    ever = np.zeros(400, dtype=bool)
    while m.running:
        m.step()
        lv, shipped = m.level, m.recorder.flow[:, m.steps, arm]
        requested = np.array([0, 1.0e4, 3.0e4, 6.0e4])[lv[:, arm].astype(int)]
        high = lv[:, arm] >= 3
        flow = shipped > 2.5e4
        strike = lv[:, fight] >= 2
        expected = high | (flow & strike)
        np.testing.assert_array_equal(m.red.crossed[:, 0], expected)
        ever |= expected
        seen["high"] += high.sum()
        seen["flow_and_strike"] += (flow & strike & ~high).sum()
        seen["flow_only"] += (flow & ~strike & ~high).sum()
        seen["capped"] += ((requested > 2.5e4) & ~flow).sum()  # asked for, not shipped
    np.testing.assert_array_equal(m.red.ever[:, 0], ever)
    assert all(v > 0 for v in seen.values()), seen  # every branch of the tree was exercised


def test_a_quantity_line_deters_the_channel_it_watches():
    """The crosser weighs a flow line at the rungs whose shipments would exceed the amount."""
    watch = {"flow": "A.arm", "stock": "shells", "above": 2.5e4}
    hi, lo = arms(small({"watch": watch}), CRED, 0.9, 0.1, record="outcomes")
    top = [(levels(m, "A.arm") >= 2).mean(axis=1) for m in (hi, lo)]
    mean, low, high = paired(*top)
    assert high < 0, (mean, low, high)


# --- (d) the enforcement floor --------------------------------------------------------------


def _episode(m: Wargame, kind: str) -> tuple[np.ndarray, np.ndarray]:
    ev = m.eventlog.arrays()
    sel = ev["kind"] == KIND_CODE[kind]
    return ev["run"][sel], ev["step"][sel]


def test_enforcement_holds_the_response_for_its_window_then_releases_it():
    m = Wargame(small(), 50, 1, param_values={CRED: 0.999}, interventions=_bounds()).run()
    runs, steps = _episode(m, "red_line_perceived")
    assert sorted(runs.tolist()) == list(range(50)) and (steps == 1).all()  # seen at once
    hit = levels(m, "B.hit")
    # decided at step 1; held at strike for the window (steps 2–4); fixed B returns to calm
    np.testing.assert_array_equal(hit[:, :2], 0)
    np.testing.assert_array_equal(hit[:, 2:5], 2)
    np.testing.assert_array_equal(hit[:, 5:], 0)
    # one episode while the line stays crossed: one decision, one enforcement
    assert (m.red.decisions[:, 0] == 1).all() and (m.red.enforced[:, 0] == 1).all()
    assert _episode(m, "red_line_enforced")[0].size == 50
    assert m.red.credibility[:, 0].min() > 0.999 * 4 / 5  # a + 1 after the enforcement


def test_an_enforced_response_climbs_at_its_max_step():
    hit = {"hit": {"ladder": "resp", "target": "A", "initial": "calm", "max_step": 1}}
    m = Wargame(
        small(channels=hit), 20, 1, param_values={CRED: 0.999}, interventions=_bounds()
    ).run()
    h = levels(m, "B.hit")
    # decided at 1: one rung a step up to strike (2, 3), held to the window's end (4), then
    # the fixed policy walks back one rung a step
    np.testing.assert_array_equal(h[:, 1:8], [[0, 1, 2, 2, 1, 0, 0]] * 20)


def test_a_refusal_is_one_event_and_one_audience_cost_per_episode():
    m = Wargame(
        small({"audience_cost": 0.05}, weights={"security": 1.0}),  # no reputation at stake
        50,
        1,
        param_values={CRED: 0.001},
        interventions=_bounds(),
    ).run()
    assert (levels(m, "B.hit") == 0).all()  # no floor
    runs, steps = _episode(m, "red_line_not_enforced")
    assert sorted(runs.tolist()) == list(range(50)) and (steps == 1).all()
    assert (m.red.unenforced[:, 0] == 1).all()
    assert m.red.credibility[:, 0].max() < 0.001  # b + 1
    text = m.tables()["events"]
    said = text.loc[text.kind == "red_line_not_enforced", "text"].iloc[0]
    # the cost is paid once, in the next step's approval: paired with a costless line
    free = Wargame(
        small(weights={"security": 1.0}), 50, 1, param_values={CRED: 0.001}, interventions=_bounds()
    ).run()
    b = m.layout.actor_index["B"]
    gap = m.recorder.approval[:, :, b] - free.recorder.approval[:, :, b]
    np.testing.assert_allclose(gap[:, :2], 0.0, atol=1e-12)
    np.testing.assert_allclose(gap[:, 2], -0.05, atol=1e-12)
    assert (gap[:, 3:] <= 0).all() and (gap[:, 3:] > -0.05).all()  # it decays, never paid again
    assert said == "2024-02 B does not enforce red line line and pays an audience cost " + (
        "(resp→A below strike)"
    )


def test_a_do_bound_that_keeps_the_response_down_makes_an_enforcement_fail():
    from sim.scenario.schema import Bound

    bounds = {**_bounds(), "B.hit": Bound.model_validate({"at_most": "warn"})}
    m = Wargame(small(), 30, 1, param_values={CRED: 0.999}, interventions=bounds).run()
    assert (levels(m, "B.hit") <= 1).all()
    assert (m.red.unenforced[:, 0] == 1).all() and (m.red.enforced[:, 0] == 0).all()
    _, steps = _episode(m, "red_line_not_enforced")
    assert (steps == 4).all()  # at the end of the window (decided at 1, window 3)


@pytest.mark.parametrize("form", ["response", "responses"])
def test_every_committed_response_is_held(form):
    hit = {"channel": "B.hit", "at_least": "warn"}
    warn = {"channel": "B.warn_p", "at_least": "strike"}
    line = {"response": None, "responses": [hit, warn]} if form == "responses" else {}
    chans = {
        "hit": {"ladder": "resp", "target": "A", "initial": "calm"},
        "warn_p": {"ladder": "resp", "target": "P", "initial": "calm"},
    }
    sc = small(line, channels=chans)
    m = Wargame(sc, 20, 1, param_values={CRED: 0.999}, interventions=_bounds()).run()
    if form == "responses":
        np.testing.assert_array_equal(levels(m, "B.hit")[:, 2:5], 1)
        np.testing.assert_array_equal(levels(m, "B.warn_p")[:, 2:5], 2)
        said = m.tables()["events"].query("kind == 'red_line_enforced'")["text"].iloc[0]
        assert said == "2024-03 B enforces red line line: resp→A at warn, resp→P at least at strike"
    else:
        np.testing.assert_array_equal(levels(m, "B.hit")[:, 2:5], 2)
        np.testing.assert_array_equal(levels(m, "B.warn_p"), 0)


def test_a_flow_amount_inside_a_compound_condition_is_a_parameter_with_a_path():
    from sim.scenario import ScenarioError, uncertain_parameters, with_values

    path = "red_lines.line.watch.any.1.all.0.above"
    sc = with_values(
        small({"watch": COMPOUND}), {path: {"dist": "uniform", "low": 1.0e4, "high": 3.0e4}}
    )
    assert [p for p, _ in uncertain_parameters(sc)] == [path]
    m = Wargame(sc, 200, 5)
    amounts = m.red.leaf_above[:, m.layout.red_lines[0].condition.leaves()[1]]
    assert 1.0e4 <= amounts.min() < amounts.max() <= 3.0e4
    with pytest.raises(ScenarioError, match="did you mean 'above'"):
        with_values(sc, {path[:-1]: 3.0})
