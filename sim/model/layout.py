"""A scenario compiled into index tables: who, what, where — everything that has no R axis.

The model keeps state as arrays with the replication axis first; this module fixes what the
other axes mean (actors, channels, stock categories, flow links, directed dyads, perception
pairs, red lines, alliances, fronts, deployments, games, events) and precomputes the lookups the
hot path needs (rung hostilities, who feels a channel, who watches what). It reads numbers only to
decide structure (ladders, rungs); every parameter that may be uncertain is left to
:class:`sim.model.params.Params` and kept here as ``(path, value)``.

Who feels a channel (model.md §4): a ladder with ``felt_by: target`` (response) is felt by the
channel's target; ``felt_by: adversaries`` (supply, tech, deploy) by the target's adversaries,
unless the owner is itself an adversary of the target (an incursion on the deploy ladder is
felt by the state invaded). Adversaries are the two sides of a front and the two ends of every
``felt_by: target`` channel, red line (owner and watched actor), in both directions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.scenario import conditions
from sim.scenario.schema import dyad_key

from .calendar import DAYS_PER_STEP, date_labels, step_dates
from .entities import (
    ChannelSpec,
    DeploymentSpec,
    EventSpec,
    FrontSpec,
    LinkSpec,
    StockSpec,
    compile_alliances,
    rung_level,
)
from .errors import ModelError
from .felt import felt_weights, war_hostility
from .games import compile_games
from .red_line_watch import (
    DECLARED_WEIGHT,
    DEFAULT_WINDOW,
    Leaf,
    RedLineSpec,
    compile_condition,
    finish,
)


class Layout:
    """Static structure of one resolved scenario (see module docstring)."""

    def __init__(self, scenario: Any) -> None:
        self.scenario = scenario
        t = scenario.time
        self.horizon = int(t.horizon)
        self.step_unit = t.step
        self.days = DAYS_PER_STEP[t.step]
        self.start = t.start
        self.dates = step_dates(t.start, t.step, self.horizon)
        self.date_labels = date_labels(self.dates, t.step)
        if t.dt is not None:
            self.richardson_substeps = max(1, round(1.0 / t.dt))
        else:
            self.richardson_substeps = int(t.substeps or 1)

        self.actors = list(scenario.actors)
        self.A = len(self.actors)
        self.actor_index = {a: i for i, a in enumerate(self.actors)}
        self._channels(scenario)
        self._adversaries(scenario)
        self._felt()
        self._stocks(scenario)
        self._fronts(scenario)
        self._links()
        self._red_lines(scenario)
        self.alliances, self.obligations = compile_alliances(self, scenario)
        self.n_alliances = len(self.alliances)
        self.O = len(self.obligations)
        self.games = compile_games(self, scenario)
        self._events(scenario)
        self.felt_weight = felt_weights(self)
        """(C, A) share of a channel's e each actor feels (:mod:`~sim.model.felt`)."""
        self.war_e = war_hostility(self)
        """(A, A) hostility between the two sides of a front."""
        self._dyads()

    # --- channels -----------------------------------------------------------------------------

    def _channels(self, sc: Any) -> None:
        self.channels: list[ChannelSpec] = []
        for aid, actor in sc.actors.items():
            for name, ch in actor.channels.items():
                ref = f"{aid}.{name}"
                if ch.ladder not in sc.ladders:
                    raise ModelError(
                        f"actors.{aid}.channels.{name}.ladder: no ladder {ch.ladder!r}"
                    )
                ladder = sc.ladders[ch.ladder]
                if ch.target not in self.actor_index:
                    raise ModelError(f"actors.{aid}.channels.{name}.target: no actor {ch.target!r}")
                cont = ladder.is_continuous
                if cont:
                    rungs: tuple[str, ...] = ()
                    e: list[tuple[str, Any]] = []
                    low, high = ladder.continuous.low, ladder.continuous.high
                else:
                    rungs = tuple(ladder.rung_ids)
                    e = [
                        (f"ladders.{ch.ladder}.rungs.{k}.e", r.e)
                        for k, r in enumerate(ladder.rungs)
                    ]
                    low, high = 0.0, float(len(rungs) - 1)
                spec = ChannelSpec(
                    index=len(self.channels),
                    ref=ref,
                    owner=self.actor_index[aid],
                    name=name,
                    target=self.actor_index[ch.target],
                    ladder=ch.ladder,
                    continuous=cont,
                    rung_ids=rungs,
                    e=e,
                    low=low,
                    high=high,
                    initial=0.0,
                    max_step=float(ch.max_step) if ch.max_step is not None else np.inf,
                    indirect=ch.indirect,
                    felt_by_adversaries=getattr(ladder, "felt_by", "target") == "adversaries",
                    policy=actor.policy,
                    script=None,
                )
                where = f"actors.{aid}.channels.{name}"
                if ch.initial is not None:
                    spec.initial = rung_level(spec, ch.initial, f"{where}.initial")
                else:
                    spec.initial = low
                if ch.script is not None:
                    spec.script = tuple(
                        rung_level(spec, v, f"{where}.script.{k}") for k, v in enumerate(ch.script)
                    )
                self.channels.append(spec)
        self.C = len(self.channels)
        self.channel_index = {c.ref: c.index for c in self.channels}
        self.owner = np.array([c.owner for c in self.channels], dtype=np.intp)
        self.target = np.array([c.target for c in self.channels], dtype=np.intp)
        self.continuous = np.array([c.continuous for c in self.channels], dtype=bool)
        self.n_rungs = np.array(
            [len(c.rung_ids) if not c.continuous else 0 for c in self.channels], dtype=np.intp
        )
        self.k_max = int(max([2, *self.n_rungs.tolist()]))
        self.low = np.array([c.low for c in self.channels])
        self.high = np.array([c.high for c in self.channels])
        self.initial = np.array([c.initial for c in self.channels])
        self.max_step = np.array([c.max_step for c in self.channels])
        self.indirect = np.array([c.indirect for c in self.channels], dtype=bool)
        self.channels_of = [[c.index for c in self.channels if c.owner == i] for i in range(self.A)]
        self.has_continuous = bool(self.continuous.any())

    # --- who is whose adversary, who feels what -----------------------------------------------

    def _adversaries(self, sc: Any) -> None:
        adv = np.zeros((self.A, self.A), dtype=bool)
        for front in sc.fronts.values():
            a, b = (self.actor_index[s] for s in front.sides)
            adv[a, b] = adv[b, a] = True
        for c in self.channels:
            if not c.felt_by_adversaries and c.owner != c.target:
                adv[c.owner, c.target] = adv[c.target, c.owner] = True
        for rl in sc.red_lines.values():
            o = self.actor_index[rl.owner]
            for _, leaf in conditions.leaves(rl.watch, ()):
                w = self.actor_index[conditions.leaf_channel(leaf).split(".")[0]]
                if o != w:
                    adv[o, w] = adv[w, o] = True
        np.fill_diagonal(adv, False)
        self.adversary = adv

    def _felt(self) -> None:
        felt = np.zeros((self.C, self.A), dtype=bool)
        for c in self.channels:
            if c.felt_by_adversaries and not self.adversary[c.owner, c.target]:
                felt[c.index] = self.adversary[c.target]
            else:
                felt[c.index, c.target] = True
            felt[c.index, c.owner] = False
        self.felt = felt

    # --- stocks, fronts, links ----------------------------------------------------------------

    def _stocks(self, sc: Any) -> None:
        cats: list[str] = []
        for actor in sc.actors.values():
            for name in actor.stocks:
                if name not in cats:
                    cats.append(name)
        for actor in sc.actors.values():
            for ch in actor.channels.values():
                for name in ch.flows:
                    if name not in cats:
                        cats.append(name)
        self.categories = cats
        self.cat_index = {c: i for i, c in enumerate(cats)}
        self.n_cat = len(cats)
        self.stocks: list[StockSpec] = []
        declared = set()
        for aid, actor in sc.actors.items():
            for name, st in actor.stocks.items():
                i = self.actor_index[aid]
                self.stocks.append(
                    StockSpec(i, self.cat_index[name], f"actors.{aid}.stocks.{name}", st)
                )
                declared.add((i, self.cat_index[name]))
        # A recipient of flows in a category it does not declare holds an implicit stock.
        for c in self.channels:
            ch = sc.channel(c.ref)
            for name in ch.flows:
                key = (c.target, self.cat_index[name])
                if key not in declared:
                    declared.add(key)
                    aid = self.actors[c.target]
                    self.stocks.append(
                        StockSpec(key[0], key[1], f"actors.{aid}.stocks.{name}", None)
                    )
        self.S = len(self.stocks)
        self.stock_actor = np.array([s.actor for s in self.stocks], dtype=np.intp)
        self.stock_cat = np.array([s.cat for s in self.stocks], dtype=np.intp)

    def _fronts(self, sc: Any) -> None:
        self.fronts: list[FrontSpec] = []
        for fid, front in sc.fronts.items():
            side_ids = tuple(front.sides)
            sides = tuple(self.actor_index[s] for s in side_ids)
            cats = tuple(
                self.cat_index.get(front.sides[s].stock, -1) if front.sides[s].stock else -1
                for s in side_ids
            )
            fires = tuple(
                tuple(self.cat_index[n] for n in front.sides[s].fires)
                if front.sides[s].fires
                else ((c,) if c >= 0 else ())
                for s, c in zip(side_ids, cats, strict=True)
            )
            cats = tuple(f[0] if f else -1 for f in fires)
            substeps = front.substeps or sc.time.substeps or max(1, round(self.days))
            self.fronts.append(
                FrontSpec(len(self.fronts), fid, sides, side_ids, cats, front, int(substeps), fires)
            )
        self.F = len(self.fronts)
        self.n_fires = max([1, *(len(x) for f in self.fronts for x in f.fires)])
        """M: the most stock categories one front side fires."""
        self.front_index = {f.id: f.index for f in self.fronts}
        self._deployments()

    def _deployments(self) -> None:
        self.deployments: list[DeploymentSpec] = []
        for f in self.fronts:
            for side, sid in enumerate(f.side_ids):
                for ref, values in f.spec.sides[sid].deployments.items():
                    where = f"fronts.{f.id}.sides.{sid}.deployments.{ref}"
                    if ref not in self.channel_index:
                        raise ModelError(f"{where}: no channel {ref!r}")
                    c = self.channels[self.channel_index[ref]]
                    if c.continuous:
                        raise ModelError(f"{where}: forces by rung need a discrete ladder")
                    if len(values) != len(c.rung_ids):
                        raise ModelError(
                            f"{where}: {len(values)} values for {len(c.rung_ids)} rungs of "
                            f"ladder {c.ladder!r}; give one per rung"
                        )
                    self.deployments.append(
                        DeploymentSpec(
                            index=len(self.deployments),
                            front=f.index,
                            side=side,
                            channel=c.index,
                            forces=[(f"{where}.{k}", v) for k, v in enumerate(values)],
                        )
                    )
        self.J = len(self.deployments)
        self.deployment_channel = np.array([d.channel for d in self.deployments], dtype=np.intp)
        self.deployment_side = np.array(
            [self.fronts[d.front].sides[d.side] for d in self.deployments], dtype=np.intp
        )
        """(J,) the actor whose side each contingent joins."""

    def _links(self) -> None:
        sc = self.scenario
        self.links: list[LinkSpec] = []
        for c in self.channels:
            ch = sc.channel(c.ref)
            aid = self.actors[c.owner]
            for name, amounts in ch.flows.items():
                where = f"actors.{aid}.channels.{c.name}.flows.{name}"
                if c.continuous:
                    raise ModelError(f"{where}: flows by rung need a discrete ladder")
                if len(amounts) != len(c.rung_ids):
                    raise ModelError(
                        f"{where}: {len(amounts)} amounts for {len(c.rung_ids)} rungs of "
                        f"ladder {c.ladder!r}; give one amount per rung"
                    )
                link = LinkSpec(
                    channel=c.index,
                    src=c.owner,
                    dst=c.target,
                    cat=self.cat_index[name],
                    amounts=[(f"{where}.{k}", v) for k, v in enumerate(amounts)],
                )
                for f in self.fronts:
                    for side in (0, 1):
                        if f.sides[side] == c.target and link.cat in f.fires[side]:
                            sid = f.side_ids[side]
                            fire = f.spec.sides[sid].fires.get(name)
                            if fire is not None and aid in fire.dud_rate and link.dud is None:
                                path = f"fronts.{f.id}.sides.{sid}.fires.{name}.dud_rate.{aid}"
                                link.dud = (path, fire.dud_rate[aid])
                            rates = f.spec.dud_rate
                            if aid in rates and link.dud is None:
                                link.dud = (f"fronts.{f.id}.dud_rate.{aid}", rates[aid])
                self.links.append(link)
        self.K = len(self.links)
        self.link_channel = np.array([k.channel for k in self.links], dtype=np.intp)
        self.link_src = np.array([k.src for k in self.links], dtype=np.intp)
        self.link_dst = np.array([k.dst for k in self.links], dtype=np.intp)
        self.link_cat = np.array([k.cat for k in self.links], dtype=np.intp)

    # --- commitments --------------------------------------------------------------------------

    def _red_lines(self, sc: Any) -> None:
        self.red_lines: list[RedLineSpec] = []
        self.red_leaves: list[Leaf] = []
        """The leaves of every red line's condition (:mod:`~sim.model.red_line_watch`)."""

        def level(c: int, rung: Any, where: str) -> float:
            lv = rung_level(self.channels[c], rung, where)
            return lv if self.channels[c].continuous else float(int(lv))

        def link_of(c: int, stock: str) -> int:
            cat = self.cat_index.get(stock, -1)
            return next(
                (k for k, li in enumerate(self.links) if (li.channel, li.cat) == (c, cat)), -1
            )

        for rid, rl in sc.red_lines.items():
            where = f"red_lines.{rid}"
            node = compile_condition(
                rl.watch, f"{where}.watch", self.red_leaves, self.channel_index, level, link_of
            )
            many = rl.responses is not None
            responses = []
            for k, r in enumerate(rl.committed):
                c = self.channel_index[r.channel]
                at = f"{where}.responses.{k}" if many else f"{where}.response"
                responses.append((c, int(rung_level(self.channels[c], r.at_least, at))))
            spec = RedLineSpec(
                index=len(self.red_lines),
                id=rid,
                owner=self.actor_index[rl.owner],
                condition=node,
                declared=rl.declared,
                weight=DECLARED_WEIGHT[rl.declared],
                responses=responses,
                credibility=(f"{where}.credibility", rl.credibility),
                audience_cost=(f"{where}.audience_cost", rl.audience_cost),
                window=int(rl.window or DEFAULT_WINDOW),
                text=conditions.text(rl.watch),
            )
            self.red_lines.append(finish(spec, self.red_leaves))
        self.L = len(self.red_lines)

    def _events(self, sc: Any) -> None:
        self.events: list[EventSpec] = []
        for k, ev in enumerate(sc.events):
            c = self.channel_index[ev.set]
            level = rung_level(self.channels[c], ev.to, f"events.{k}.to")
            until = self.horizon if ev.until is None else int(ev.until)
            self.events.append(EventSpec(k, int(ev.at), until, c, level, ev.note))

    # --- dyads --------------------------------------------------------------------------------

    def _dyads(self) -> None:
        pairs = set()
        for c in self.channels:
            for j in np.nonzero(self.felt[c.index])[0]:
                pairs.add((c.owner, int(j)))
                pairs.add((int(j), c.owner))
        for i, j in zip(*np.nonzero(self.war_e), strict=True):
            pairs.add((int(i), int(j)))
        self.dyads = sorted(pairs)
        self.D = len(self.dyads)
        self.dyad_index = {p: d for d, p in enumerate(self.dyads)}
        self.dyad_src = np.array([p[0] for p in self.dyads], dtype=np.intp)
        self.dyad_dst = np.array([p[1] for p in self.dyads], dtype=np.intp)
        # unordered dyads named with schema.dyad_key (ids sorted), each with its two directions
        keys: dict[str, tuple[int, int]] = {}
        for d, (i, j) in enumerate(self.dyads):
            key = dyad_key(self.actors[i], self.actors[j])
            if key not in keys:
                keys[key] = (d, self.dyad_index[(j, i)])
        self.dyad_keys = keys
