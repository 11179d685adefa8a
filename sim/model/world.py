"""The world phase of a step: production, shipments, battles, consumption, approval.

Glue between the model's state and the pure world functions of :mod:`~sim.model.logistics`,
:mod:`~sim.model.fronts` and :mod:`~sim.model.politics`. Order within a step (model.md §7):

1. production (with its ramp) is added to every stock;
2. every flow link ships what its channel's rung asks (``flows`` by rung), scaled down so that
   no supplier dips below its requirement; interdicting rungs of others turn back their share
   of it (:mod:`~sim.model.interdiction`); shells a supplier sends to a side of a front arrive
   less that front's dud rate for the supplier;
3. deployments: each channel listed in a front side's ``deployments`` provides the contingent of
   its rung; the side's forces move by the change since last step (troops arrive when the rung
   is reached, leave when it is lowered; forces never below zero). The contingent then fights
   as part of the side, and its losses are the side's;
4. each front fights its step in sub-steps; a side fires from each of its stocks above its
   requirement (a reserve held off the front), and what it fired leaves the stock;
5. flat ``consumption`` leaves the stocks (never below zero);
6. approval moves (rally, arming penalty, audience costs, reversion, noise);
7. economies move: sanction costs of the rungs held, recovery toward baseline
   (:mod:`~sim.model.economy`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import fronts, logistics, politics
from .economy import Economy
from .interdiction import Interdiction
from .layout import Layout
from .params import Params

MILESTONE_KM2 = 1000.0
"""A front milestone is logged each time cumulative territory passes a multiple of this."""


class World:
    """Stocks (R, A, S), fronts and approval of one model."""

    def __init__(self, layout: Layout, params: Params) -> None:
        self.layout = ly = layout
        R = params.replications
        sc = ly.scenario
        shape = (R, ly.A, ly.n_cat)
        self.stock = np.zeros(shape)
        self.production = np.zeros(shape)
        self.requirement = np.zeros(shape)
        self.consumption = np.zeros(shape)
        self.ramp = np.zeros(shape)
        for st in ly.stocks:
            if st.spec is None:
                continue
            for name in ("initial", "production", "requirement", "consumption", "ramp"):
                arr = params.get(f"{st.path}.{name}", getattr(st.spec, name))
                target = self.stock if name == "initial" else getattr(self, name)
                target[:, st.actor, st.cat] = arr
        self.stock = np.maximum(self.stock, 0.0)

        # flow links: amounts by rung (R, K, k_max) and dud rates (R, K)
        K = ly.K
        self.amounts = np.zeros((R, K, ly.k_max))
        self.dud = np.zeros((R, K))
        for k, link in enumerate(ly.links):
            for rung, (path, value) in enumerate(link.amounts):
                self.amounts[:, k, rung] = np.maximum(params.get(path, value), 0.0)
            self.amounts[:, k, len(link.amounts) :] = self.amounts[
                :, k, len(link.amounts) - 1 : len(link.amounts)
            ]
            if link.dud is not None:
                self.dud[:, k] = np.clip(params.get(*link.dud), 0.0, 1.0)

        # fronts
        self.front_params: list[fronts.FrontParams] = []
        self.front_state: list[fronts.FrontState] = []
        F = ly.F
        self.forces = np.zeros((R, F, 2))
        self.balance = np.zeros((R, F))
        self.territory = np.zeros((R, F))
        self.territory_change = np.zeros((R, F))
        self.fire = np.zeros((R, F, 2))
        self.shortfall = np.zeros((R, F, 2))
        self.q = np.ones((R, F, 2))
        self.fire_need = np.zeros((R, F, 2))
        M = ly.n_fires
        self.need_cat = np.zeros((R, F, 2, M))
        """(R, F, 2, M) rounds per day each side needs of each category it fires."""
        self.share_cat = np.zeros((R, F, 2, M))
        """(R, F, 2, M) each category's share in the side's effectiveness (sum 1 per side)."""
        self.shortfall_cat = np.zeros((R, F, 2, M))
        """(R, F, 2, M) each fired category's shortfall at the last step."""
        for f in ly.fronts:
            spec = f.spec
            base = f"fronts.{f.id}"
            cols = {}
            for name in ("forces", "lethality", "reinforcement", "fire_need"):
                cols[name] = np.stack(
                    [
                        params.get(f"{base}.sides.{s}.{name}", getattr(spec.sides[s], name))
                        for s in f.side_ids
                    ],
                    axis=1,
                )
            p = fronts.FrontParams(
                lethality=np.maximum(cols["lethality"], 0.0),
                reinforcement=cols["reinforcement"],
                fire_need=np.maximum(cols["fire_need"], 0.0),
                fire_elasticity=params.get(f"{base}.fire_elasticity", spec.fire_elasticity),
                per_unit=params.get(f"{base}.territory.per_unit", spec.territory.per_unit),
                threshold=params.get(f"{base}.territory.threshold", spec.territory.threshold),
            )
            for side, sid in enumerate(f.side_ids):
                fires = spec.sides[sid].fires
                if not fires:
                    self.need_cat[:, f.index, side, 0] = p.fire_need[:, side]
                    self.share_cat[:, f.index, side, 0] = 1.0
                    continue
                for m, (name, fire) in enumerate(fires.items()):
                    path = f"{base}.sides.{sid}.fires.{name}"
                    self.need_cat[:, f.index, side, m] = np.maximum(
                        params.get(f"{path}.need", fire.need), 0.0
                    )
                    self.share_cat[:, f.index, side, m] = np.maximum(
                        params.get(f"{path}.share", fire.share), 0.0
                    )
                total = self.share_cat[:, f.index, side].sum(axis=1, keepdims=True)
                self.share_cat[:, f.index, side] /= np.where(total > 0, total, 1.0)
                # the side's need, for the policies and pressure: its share-weighted need
                p.fire_need[:, side] = (
                    self.need_cat[:, f.index, side] * self.share_cat[:, f.index, side]
                ).sum(axis=1)
            self.front_params.append(p)
            forces = np.maximum(cols["forces"], 0.0)
            territory = params.get(f"{base}.territory.initial", spec.territory.initial).copy()
            self.front_state.append(fronts.FrontState(forces=forces, territory=territory))
            self.forces[:, f.index] = forces
            self.territory[:, f.index] = territory
            self.fire_need[:, f.index] = p.fire_need
            self.balance[:, f.index] = fronts.balance(p.lethality, np.ones((R, 2)), forces)
        self.milestones = np.zeros((R, F), dtype=np.int64)

        # deployments: forces by rung (R, J, k_max), contingent now and its last change (R, J)
        J = ly.J
        self.contingent_table = np.zeros((R, J, ly.k_max))
        for d in ly.deployments:
            n = len(d.forces)
            for rung, (path, value) in enumerate(d.forces):
                self.contingent_table[:, d.index, rung] = np.maximum(params.get(path, value), 0.0)
            self.contingent_table[:, d.index, n:] = self.contingent_table[:, d.index, n - 1 : n]
        self.contingent = np.zeros((R, J))
        """(R, J) forces each deployment provides now (its table at the channel's rung)."""
        self.deployed = np.zeros((R, J))
        """(R, J) change of each contingent at the last step (+ arrived, − left)."""

        # approval
        ap = {name: np.zeros((R, ly.A)) for name in politics.ApprovalParams.__dataclass_fields__}
        self.approval = np.zeros((R, ly.A))
        for i, aid in enumerate(ly.actors):
            a = sc.actors[aid].approval
            base = f"actors.{aid}.approval"
            self.approval[:, i] = np.clip(params.get(f"{base}.initial", a.initial), 0.0, 1.0)
            for name in ap:
                value = getattr(a, name)
                if name == "baseline" and value is None:
                    ap[name][:, i] = self.approval[:, i]
                else:
                    ap[name][:, i] = params.get(f"{base}.{name}", value)
        self.approval_params = politics.ApprovalParams(**ap)
        self.audience_cost = ap["audience_cost"]
        """(R, A) the actor's own audience cost per unenforced crossing (× the line's d)."""

        # per-step flows, for the recorder
        self.produced = np.zeros(shape)
        self.inflow = np.zeros(shape)
        self.outflow = np.zeros(shape)
        self.used = np.zeros(shape)
        self.shipped = np.zeros((R, K))
        self.delivered = np.zeros((R, K))
        self.duds = np.zeros((R, K))
        self.interdicted = np.zeros((R, K))
        self.interdiction = Interdiction(ly, params)
        self.economy = Economy(ly, params)

    def begin(self, levels: np.ndarray) -> np.ndarray:
        """Deploy the contingents of the step-0 levels; (R, J) forces that arrived.

        A side's ``forces`` are its own: contingents at the initial rungs (after step-0 events
        and bounds) come on top, so a bound from step 0 changes the step-0 forces too.
        """
        self.deploy(levels)
        ly = self.layout
        R = levels.shape[0]
        for f in ly.fronts:
            p = self.front_params[f.index]
            self.balance[:, f.index] = fronts.balance(
                p.lethality, np.ones((R, 2)), self.front_state[f.index].forces
            )
        return self.deployed

    def deploy(self, levels: np.ndarray) -> None:
        """Move every contingent to its channel's rung in ``levels`` (sets :attr:`deployed`)."""
        ly = self.layout
        if not ly.J:
            return
        rung = np.clip(levels[:, ly.deployment_channel], 0, ly.k_max - 1).astype(np.intp)
        now = np.take_along_axis(self.contingent_table, rung[:, :, None], axis=2)[:, :, 0]
        self.deployed = now - self.contingent
        self.contingent = now
        if not self.deployed.any():
            return
        add = np.zeros_like(self.forces)  # (R, F, 2)
        for d in ly.deployments:
            add[:, d.front, d.side] += self.deployed[:, d.index]
        for f in ly.fronts:
            if add[:, f.index].any():
                state = self.front_state[f.index]
                forces = np.maximum(state.forces + add[:, f.index], 0.0)
                self.front_state[f.index] = replace(state, forces=forces)
                self.forces[:, f.index] = forces

    def requested(self, levels: np.ndarray) -> np.ndarray:
        """(R, K) rounds each link's channel asks to ship at the given levels."""
        ly = self.layout
        if ly.K == 0:
            return np.zeros((levels.shape[0], 0))
        rung = np.clip(levels[:, ly.link_channel], 0, ly.k_max - 1).astype(np.intp)
        return np.take_along_axis(self.amounts, rung[:, :, None], axis=2)[:, :, 0]

    def step(
        self,
        step: int,
        levels: np.ndarray,
        *,
        provoked_assertive: np.ndarray,
        arming_beyond: np.ndarray,
        audience: np.ndarray,
        eps: np.ndarray,
    ) -> None:
        """Advance stocks, fronts and approval by one step (see the module docstring)."""
        ly = self.layout
        self.stock, self.produced = logistics.produce(
            self.stock, self.production, self.ramp, step - 1
        )
        if ly.K:
            tr = logistics.transfer(
                self.stock,
                self.requirement,
                self.requested(levels),
                ly.link_src,
                ly.link_dst,
                ly.link_cat,
                self.dud,
                self.interdiction.cut(levels),
            )
            self.stock, self.inflow, self.outflow = tr.stock, tr.inflow, tr.outflow
            self.shipped, self.delivered, self.duds = tr.shipped, tr.delivered, tr.duds
            self.interdicted = tr.interdicted
        self.deploy(levels)
        used = np.zeros_like(self.stock)
        R = self.stock.shape[0]
        for f in ly.fronts:
            i = f.index
            avail = np.zeros((R, 2, ly.n_fires))
            for side in (0, 1):
                a = f.sides[side]
                for m, cat in enumerate(f.fires[side]):
                    avail[:, side, m] = np.maximum(
                        self.stock[:, a, cat] - self.requirement[:, a, cat], 0.0
                    )
            p = self.front_params[i]
            if ly.n_fires == 1:  # one stock per side: the single-stock form, bit for bit
                res = fronts.advance(self.front_state[i], p, avail[:, :, 0], ly.days, f.substeps)
                fired, short = res.fire_used[:, :, None], res.shortfall[:, :, None]
            else:
                p = replace(p, fire_need=self.need_cat[:, i])
                res = fronts.advance(
                    self.front_state[i],
                    p,
                    avail,
                    ly.days,
                    f.substeps,
                    fire_share=self.share_cat[:, i],
                )
                fired, short = res.fire_used, res.shortfall
            self.front_state[i] = res.state
            for side in (0, 1):
                a = f.sides[side]
                for m, cat in enumerate(f.fires[side]):
                    take = np.minimum(fired[:, side, m], self.stock[:, a, cat])
                    self.stock[:, a, cat] -= take
                    used[:, a, cat] += take
            self.forces[:, i] = res.forces
            self.balance[:, i] = res.balance
            self.territory[:, i] = res.territory
            self.territory_change[:, i] = res.territory_change
            self.fire[:, i] = fired.sum(axis=2)
            self.shortfall_cat[:, i] = short
            self.shortfall[:, i] = (short * self.share_cat[:, i]).sum(axis=2)
            self.q[:, i] = res.q
        self.stock, consumed = logistics.consume(self.stock, self.consumption)
        self.used = used + consumed
        # per-red-line audience costs come summed in ``audience``; the indicator is then 1
        self.approval = politics.update_approval(
            self.approval,
            replace(self.approval_params, audience_cost=audience),
            provoked_assertive=provoked_assertive,
            arming_beyond=arming_beyond,
            red_line_unenforced=1.0,
            eps=eps,
        )
        self.economy.step(levels)

    def new_milestones(self) -> np.ndarray:
        """(R, F) signed count of milestones newly passed this step (0 if none)."""
        k = np.trunc(self.territory / MILESTONE_KM2).astype(np.int64)
        new = np.where(np.abs(k) > np.abs(self.milestones), k, 0)
        self.milestones = np.where(np.abs(k) > np.abs(self.milestones), k, self.milestones)
        return new
