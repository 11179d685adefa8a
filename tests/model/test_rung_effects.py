"""Comparative statics of rungs with effects, on common random numbers.

Each test runs two ``Wargame`` models with the same seed and R that differ in one bound or one
parameter, and checks that the paired difference's 95 % interval (mean ± 1.96·SE) excludes zero
in the direction the mechanism predicts:

- a blockade rung lowers the deliveries of the flows it cuts (interdiction);
- sanctions lower the target's economy index, and the sender's by less (economy);
- a higher economy weight lowers the moves that provoke sanctions (utility's economy term);
- cutting one of the two stocks a front side fires lowers its territorial gains (fronts).

Small purpose-built scenarios (``model_helpers.build``), R ≤ 1000: seconds each.
"""

from __future__ import annotations

import numpy as np
from model_helpers import build
from test_invariants import check_step, run_checked

from sim.model import Wargame
from sim.scenario.schema import Bound

R = 600
SEED = 20240619


def paired(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Mean of the paired differences x − y and its 95 % interval."""
    d = np.asarray(x, float) - np.asarray(y, float)
    m = float(d.mean())
    se = float(d.std(ddof=1) / np.sqrt(d.size))
    return m, m - 1.96 * se, m + 1.96 * se


def run(sc, interventions=None, **kw) -> Wargame:
    m = Wargame(sc, replications=R, rng=SEED, interventions=interventions, **kw)
    return m.run()


# --- a supplier arming a recipient, a coercer that can sanction and blockade ------------------

LADDERS = {
    "supply": {
        "felt_by": "adversaries",
        "rungs": [{"id": "none", "e": 0.0}, {"id": "some", "e": 5.0}, {"id": "lots", "e": 9.0}],
    },
    "coerce": {
        "rungs": [
            {"id": "none", "e": 0.0},
            {"id": "warn", "e": 4.0},
            {
                "id": "sanctions",
                "e": 5.0,
                "economic_cost": {
                    "target": {"dist": "uniform", "low": 0.05, "high": 0.15},
                    "sender": {"dist": "uniform", "low": 0.005, "high": 0.02},
                },
            },
            {
                "id": "blockade",
                "e": 9.0,
                "interdicts": {"dist": "uniform", "low": 0.5, "high": 0.9},
                "economic_cost": {"target": 0.1, "sender": 0.01},
            },
        ]
    },
}


def blockade_scenario(economy_weight: float = 0.5, horizon: int = 12):
    return build(
        {
            "time": {"start": "2024-01", "step": "month", "horizon": horizon},
            "ladders": LADDERS,
            "defaults": {"precision": 1.0, "observe": {"lag": 1}},
            "actors": {
                "SUP": {
                    "weights": {"security": 1.0, "economy": economy_weight},
                    "stocks": {"shell": {"initial": 1.0e6, "production": 2.0e4}},
                    "channels": {
                        "arm": {
                            "ladder": "supply",
                            "target": "REC",
                            "initial": "some",
                            "flows": {"shell": [0, 1.0e4, 3.0e4]},
                        }
                    },
                    "beliefs": {"expansionist": 0.1, "conservatism": 0.0},
                },
                "BLK": {
                    "policy": "fixed",
                    "channels": {
                        "coerce_rec": {"ladder": "coerce", "target": "REC", "initial": "warn"},
                        "coerce_sup": {"ladder": "coerce", "target": "SUP", "initial": "warn"},
                    },
                },
                "REC": {"policy": "fixed", "stocks": {"shell": {"initial": 1.0e5}}},
            },
        }
    )


def test_blockade_lowers_the_deliveries_it_cuts():
    sc = blockade_scenario()
    high = run(sc, {"BLK.coerce_rec": Bound(at_least="blockade")})
    low = run(sc, {"BLK.coerce_rec": Bound(at_most="warn")})
    th, tl = high.tables()["channels"], low.tables()["channels"]

    def arm(t, col):
        rows = t[(t.actor == "SUP") & (t.channel == "arm") & (t.step > 0)]
        return rows.groupby("run")[col].sum().to_numpy()

    m, lo, hi = paired(arm(th, "delivered"), arm(tl, "delivered"))
    assert hi < 0, (m, lo, hi)
    # what was stopped is recorded, and only where the blockade stands
    assert arm(th, "interdicted").sum() > 0 and arm(tl, "interdicted").sum() == 0
    np.testing.assert_allclose(arm(th, "delivered") + arm(th, "interdicted"), arm(th, "flow"))


def test_interdiction_keeps_arms_conserved():
    m = Wargame(
        blockade_scenario(),
        replications=20,
        rng=1,
        interventions={"BLK.coerce_rec": Bound(at_least="blockade")},
    )
    while m.steps < m.horizon:
        before = m.world.stock.copy()
        m.step()
        check_step(m, before)
    assert m.world.interdicted.sum() > 0


def test_sanctions_lower_the_target_economy_and_the_sender_less():
    sc = blockade_scenario()
    high = run(sc, {"BLK.coerce_sup": Bound(at_least="sanctions", at_most="sanctions")})
    low = run(sc, {"BLK.coerce_sup": Bound(at_most="warn")})
    oh, ol = high.tables()["outcomes"], low.tables()["outcomes"]
    t_m, t_lo, t_hi = paired(oh["actor.SUP.economy"], ol["actor.SUP.economy"])
    s_m, s_lo, s_hi = paired(oh["actor.BLK.economy"], ol["actor.BLK.economy"])
    assert t_hi < 0 and s_hi < 0, ((t_m, t_lo, t_hi), (s_m, s_lo, s_hi))
    # the target loses more than the sender: the difference of the two drops excludes zero
    d_m, d_lo, d_hi = paired(
        oh["actor.SUP.economy"] - ol["actor.SUP.economy"],
        oh["actor.BLK.economy"] - ol["actor.BLK.economy"],
    )
    assert d_hi < 0, (d_m, d_lo, d_hi)
    # the index recovers once the sanctions are lifted
    lifted = run(sc, {"BLK.coerce_sup": Bound(at_least="sanctions", at_most="sanctions", until=6)})
    ev = lifted.tables()["actors"]
    sup = ev[ev.actor == "SUP"].pivot(index="run", columns="step", values="economy")
    m, lo, hi = paired(sup[12], sup[6])
    assert lo > 0, (m, lo, hi)


def test_higher_economy_weight_lowers_sanction_provoking_moves():
    """SUP's arming of REC is felt by BLK, whose sanctions on SUP cost SUP's economy.

    Only the sanctions' cost is left to the economy term: the arming ships nothing (no export
    revenue), the reaction term is off on the supply ladder, and the economy weight moves
    against an inert one (``war``: there is no front) so that the mean the weights are
    normalised by — hence the security weight — is the same in both arms.
    """

    def scenario(economy: float):
        data = blockade_scenario().model_dump(by_alias=True, exclude_none=True)
        data["ladders"]["supply"]["reaction"] = "none"
        data["actors"]["SUP"]["channels"]["arm"].pop("flows")
        data["actors"]["SUP"]["weights"].update({"economy": economy, "war": 2.2 - economy})
        return build(data)

    low = run(scenario(0.2))
    high = run(scenario(2.0))

    def mean_rung(m):
        return m.recorder.level[:, 1:, m.layout.channel_index["SUP.arm"]].mean(axis=1)

    m, lo, hi = paired(mean_rung(high), mean_rung(low))
    assert hi < 0, (m, lo, hi)


# --- a front side firing shells and drones -----------------------------------------------------


def two_fires(fires=None):
    atk = {
        "forces": 1.0,
        "lethality": {"dist": "uniform", "low": 0.0009, "high": 0.0013},
        "reinforcement": 0.0007,
    }
    atk["fires"] = fires or {
        "shell": {"need": 1.0e4, "share": 0.6},
        "drone": {"need": 2.0e3, "share": 0.4, "suppliers": ["DRN"], "dud_rate": {"DRN": 0.2}},
    }
    return build(
        {
            "time": {"start": "2024-01", "step": "month", "horizon": 12},
            "ladders": {"supply": LADDERS["supply"]},
            "defaults": {"policy": "fixed"},
            "actors": {
                "ATK": {
                    "stocks": {
                        "shell": {"initial": 1.0e6, "production": 3.0e5},
                        "drone": {"initial": 1.0e4},
                    }
                },
                "DEF": {"stocks": {"shell": {"initial": 1.0e6, "production": 2.0e5}}},
                "DRN": {
                    "stocks": {"drone": {"initial": 1.0e6, "production": 1.0e5}},
                    "channels": {
                        "drones": {
                            "ladder": "supply",
                            "target": "ATK",
                            "initial": "lots",
                            "flows": {"drone": [0, 3.0e4, 8.0e4]},
                        }
                    },
                },
            },
            "fronts": {
                "f": {
                    "sides": {
                        "ATK": atk,
                        "DEF": {
                            "forces": 0.8,
                            "lethality": {"dist": "uniform", "low": 0.0009, "high": 0.0013},
                            "reinforcement": 0.001,
                            "fire_need": 6.0e3,
                            "stock": "shell",
                        },
                    },
                    "fire_elasticity": {"dist": "uniform", "low": 0.3, "high": 0.8},
                    "territory": {"per_unit": 500, "threshold": 0.1},
                }
            },
        }
    )


def test_cutting_one_fired_stock_lowers_the_side_gains():
    sc = two_fires()
    cut = run(sc, {"DRN.drones": Bound(at_most="none")})
    fed = run(sc)
    m, lo, hi = paired(cut.world.territory[:, 0], fed.world.territory[:, 0])
    assert hi < 0, (m, lo, hi)
    # the drone shortfall is what changed: shells were plentiful in both
    assert (cut.world.shortfall_cat[:, 0, 0, 1] > fed.world.shortfall_cat[:, 0, 0, 1]).all()
    # duds of the drone supplier are charged per category
    assert np.allclose(fed.world.dud[:, 0], 0.2)


def test_fronts_firing_two_stocks_keep_the_invariants():
    m = run_checked(two_fires(), R=20, seed=2)
    assert m.world.used.sum() > 0 and (m.world.shortfall_cat >= 0).all()


def test_one_entry_in_fires_equals_the_single_stock_form():
    one = two_fires({"shell": {"need": 1.0e4}})
    data = one.model_dump(by_alias=True, exclude_none=True)
    side = data["fronts"]["f"]["sides"]["ATK"]
    side.pop("fires")
    side.update({"stock": "shell", "fire_need": 1.0e4})
    single = build(data)
    a = Wargame(one, replications=50, rng=3).run()
    b = Wargame(single, replications=50, rng=3).run()
    np.testing.assert_array_equal(a.recorder.territory, b.recorder.territory)
    np.testing.assert_array_equal(a.recorder.shortfall, b.recorder.shortfall)


def test_a_stock_run_dry_removes_its_share_of_fire():
    """q = Σ_c s_c·(F_c/F_req,c)^η: with drones at zero and shells full, q is the shells' share."""
    from sim.model.fronts import FrontParams, FrontState, advance

    r = 4
    p = FrontParams(
        lethality=np.full((r, 2), 0.001),
        reinforcement=np.zeros((r, 2)),
        fire_need=np.broadcast_to([[1.0e4, 2.0e3], [5.0e3, 0.0]], (r, 2, 2)).copy(),
        fire_elasticity=np.linspace(0.3, 0.9, r),
        per_unit=np.full(r, 500.0),
        threshold=np.zeros(r),
    )
    share = np.broadcast_to([[0.6, 0.4], [1.0, 0.0]], (r, 2, 2))
    avail = np.broadcast_to([[1.0e6, 0.0], [1.0e6, 0.0]], (r, 2, 2))
    res = advance(FrontState(np.ones((r, 2)), np.zeros(r)), p, avail, 30.0, 30, fire_share=share)
    np.testing.assert_allclose(res.q[:, 0], 0.6)
    np.testing.assert_allclose(res.q[:, 1], 1.0)
    np.testing.assert_allclose(res.shortfall[:, 0], [[0.0, 1.0]] * r)
    np.testing.assert_allclose(res.fire_used[:, 0, 0], 1.0e4 * 30)
