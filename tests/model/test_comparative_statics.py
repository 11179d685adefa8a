"""Comparative statics: each mechanism moves its target the way its theory says.

Every test is an intervention on common random numbers (:mod:`statics`): two arms share the
seed, so the paired difference of a metric isolates the intervention, and the test asserts that
its 95 % interval lies on the side of zero the theory predicts. The flagship is run with the
anchors its tests name; small purpose-built scenarios isolate one mechanism at a time.
"""

from __future__ import annotations

import numpy as np
import pytest
from model_helpers import FLAGSHIP, build
from statics import Arm, ever_at_least, level, paired, territory, without

from sim.analysis.estimands import paired_difference
from sim.model import Wargame
from sim.model.policies import utility_terms
from sim.scenario import load_scenario, with_values

R = 600


@pytest.fixture(scope="module")
def bare(flagship):
    """The flagship with red lines removed, Seoul's domestic weight 0 and belief learning off:
    what is left to move Seoul is the reaction to what it perceives (issue #8)."""
    sc = without(flagship, "red_lines")
    return with_values(
        sc, {"defaults.beliefs.conservatism": 0.0, "actors.ROK.weights.domestic": 0.0}
    )


def above_zero(p) -> None:
    assert p.low > 0, p


def below_zero(p) -> None:
    assert p.high < 0, p


# --- reaction (Richardson; Goldstein & Pevehouse reciprocity; Jervis) ---------------------------


def test_russian_missile_tech_for_pyongyang_raises_seouls_supply_and_answer(bare):
    hi = Arm(bare, {"RUS.tech_dprk": {"at_least": "advanced_missile", "from": 1}})
    lo = Arm(bare, {"RUS.tech_dprk": {"at_most": "economic"}})
    above_zero(paired(hi, lo, level("ROK.arm_ukraine"), R))
    above_zero(paired(hi, lo, level("ROK.answer_russia"), R))
    above_zero(paired(hi, lo, ever_at_least("ROK.arm_ukraine", 3), R))


def test_seouls_weapons_raise_russias_answer_to_seoul(bare):
    hi = Arm(bare, {"ROK.arm_ukraine": {"at_least": "offensive_weapons", "from": 1}})
    lo = Arm(bare, {"ROK.arm_ukraine": {"at_most": "indirect_ammo"}})
    above_zero(paired(hi, lo, level("RUS.answer_rok"), R))
    above_zero(paired(hi, lo, level("RUS.tech_dprk"), R))


def test_dprk_shells_for_russia_raise_europes_shells_for_ukraine(flagship):
    # balancing (Walt 1987): help to the recipient's adversary raises the value of help
    hi = Arm(flagship, {"DPRK.arm_russia": {"at_least": "direct_ammo"}})
    lo = Arm(flagship, {"DPRK.arm_russia": {"at_most": "none"}})
    above_zero(paired(hi, lo, level("EUR.arm_ukraine"), R))


def duel(belief: float = 0.5) -> object:
    """A answers B on the response ladder; B's rung is set by the arms (bounds)."""
    response = load_scenario(FLAGSHIP).ladders["response"].model_dump(exclude_none=True)
    return build(
        {
            "time": {"start": "2024-01", "step": "month", "horizon": 12},
            "ladders": {"response": response},
            "defaults": {"precision": 8.0, "switch_cost": 0.3, "beliefs": {"conservatism": 0}},
            "actors": {
                "A": {
                    "channels": {"answer": {"ladder": "response", "target": "B"}},
                    "beliefs": {"expansionist": belief},
                },
                "B": {
                    "policy": "fixed",
                    "channels": {"hit": {"ladder": "response", "target": "A"}},
                },
            },
        }
    )


def test_hostility_received_raises_the_answer():
    sc = duel()
    hi = Arm(sc, {"B.hit": {"at_least": "sanctions", "from": 1}})
    lo = Arm(sc, {"B.hit": {"at_most": "none"}})
    above_zero(paired(hi, lo, level("A.answer"), R))


def test_deterrence_believers_answer_harder_than_spiral_believers():
    bound = {"B.hit": {"at_least": "sanctions", "from": 1}}
    p = paired(Arm(duel(0.95), bound), Arm(duel(0.05), bound), level("A.answer"), R)
    above_zero(p)


# --- rungs with effects: supply moves the front ------------------------------------------------


def test_dprk_shells_change_russian_gains(flagship):
    hi = Arm(flagship, {"DPRK.arm_russia": {"at_least": "direct_ammo"}})
    lo = Arm(flagship, {"DPRK.arm_russia": {"at_most": "none"}})
    above_zero(paired(hi, lo, territory(), R))


def test_duds_cost_russian_gains(flagship):
    hi = Arm(flagship, params={"fronts.ukraine.dud_rate.DPRK": 0.0})
    lo = Arm(flagship, params={"fronts.ukraine.dud_rate.DPRK": 0.8})
    above_zero(paired(hi, lo, territory(), R))


# --- stocks and readiness reach decisions (Seoul's depletion dilemma) --------------------------


def test_a_larger_shell_requirement_lowers_seouls_supply(flagship):
    path = "actors.ROK.stocks.shell_155.requirement"
    hi = Arm(flagship, params={path: 4.5e6})
    lo = Arm(flagship, params={path: 2.0e5})
    below_zero(paired(hi, lo, level("ROK.arm_ukraine"), R))


# --- alliances (Snyder): a client moves toward its patron's request ------------------------------


def request_gap(m: Wargame) -> np.ndarray:
    """Per run, mean over steps of (Washington's request − Seoul's rung) on arm_ukraine."""
    ly = m.layout
    rok = ly.actor_index["ROK"]
    c = ly.channel_index["ROK.arm_ukraine"]
    top = ly.n_rungs[c] - 1
    request = np.floor(m.recorder.pressure[:, :-1, rok] * top + 0.5)
    return np.abs(request - m.recorder.level[:, 1:, c]).mean(axis=1)


def test_a_higher_alliance_weight_brings_seoul_toward_washingtons_request(flagship):
    hi = Arm(flagship, params={"actors.ROK.weights.alliance": 1.5})
    lo = Arm(flagship, params={"actors.ROK.weights.alliance": 0.2})
    below_zero(paired(hi, lo, request_gap, R))


# --- scripted history is not a finding: the deployment arises from the treaty ------------------


def troops_by_october_2024(m: Wargame) -> np.ndarray:
    return m.recorder.level[:, 4, m.layout.channel_index["DPRK.deploy_russia"]] == 2


def test_dprk_troops_arise_from_article_4_not_without_the_treaty(flagship):
    with_treaty = troops_by_october_2024(Arm(flagship).run(R, 20240619))
    no_treaty = troops_by_october_2024(
        Arm(without(flagship, alliances=["rus_dprk_2024"])).run(R, 20240619)
    )
    assert with_treaty.mean() > 0.3
    assert no_treaty.mean() < 0.05
    p = paired(
        Arm(flagship), Arm(without(flagship, alliances=["rus_dprk_2024"])), troops_by_october_2024
    )
    above_zero(p)


# --- graded spillover and the war in the escalation index --------------------------------------


def test_help_to_a_partner_does_not_pin_escalation_at_10(flagship):
    m = Wargame(flagship, replications=R, rng=20240619).run()
    ly = m.layout
    peak = m.recorder.escalation.max(axis=1)
    for key in ("DPRK-USA", "DPRK-EUR", "DPRK-ROK"):
        d, r = ly.dyad_keys[key]
        band = np.quantile(np.maximum(peak[:, d], peak[:, r]), [0.05, 0.95])
        assert band[0] < 10.0, key
    # the war between Russia and Ukraine is part of their index, and DPRK troops fight Ukraine
    d, r = ly.dyad_keys["RUS-UKR"]
    assert (np.minimum(m.recorder.escalation[:, :, d], 10) >= 5.0).all()


def test_spillover_share_moves_the_felt_hostility(flagship):
    hi = Arm(with_values(flagship, {"ladders.supply.spillover": 1.0}))
    lo = Arm(with_values(flagship, {"ladders.supply.spillover": 0.2}))

    def felt(m: Wargame) -> np.ndarray:
        d = m.layout.dyad_index[(m.layout.actor_index["USA"], m.layout.actor_index["DPRK"])]
        return m.recorder.hostility[:, 1:, d].mean(axis=1)

    above_zero(paired(hi, lo, felt, R))


# --- persistence: hysteresis -------------------------------------------------------------------


def reversals(m: Wargame) -> np.ndarray:
    """Per run, changes of direction summed over the utility channels."""
    ly = m.layout
    chans = [c.index for c in ly.channels if c.policy == "utility" and not c.continuous]
    moves = np.sign(np.diff(m.recorder.level[:, :, chans], axis=1))
    total = np.zeros(m.R)
    for k in range(len(chans)):
        s = moves[:, :, k]
        last = np.zeros(m.R)
        for t in range(s.shape[1]):
            total += (s[:, t] != 0) & (last != 0) & (s[:, t] != last)
            last = np.where(s[:, t] != 0, s[:, t], last)
    return total


def test_hysteresis_lowers_reversals(flagship, monkeypatch):
    sticky = reversals(Arm(flagship).run(R, 7))
    monkeypatch.setattr(utility_terms, "REVERSAL", 0.0)
    loose = reversals(Arm(flagship).run(R, 7))
    below_zero(paired_difference(sticky, loose))
