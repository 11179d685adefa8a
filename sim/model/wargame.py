"""The Mesa model: states as agents that arm, retaliate and answer each other, R runs at once.

:class:`Wargame` is a ``mesa.Model`` that holds R replications of one scenario. Every state
variable is a numpy array with the replication axis first; one :class:`StateAgent` per actor
sits in ``model.agents`` and exposes its slice of that state. A step (one scenario period) runs
five phases for all agents and replications at once:

1. **observe** — agents read the perceptions formed at the end of the previous step
   (:mod:`~sim.model.perception`);
2. **decide** — every policy proposes a level for each of its channels from last step's state
   (simultaneous moves, :mod:`~sim.model.policies`);
3. **apply** — ``max_step`` limits each move; scheduled events set their channels; hard alliance
   duties and enforced red lines hold their floors; intervention bounds (do-operators) clamp
   last;
4. **world** — production, shipments, deployments (contingents follow their channels' rungs),
   fronts in sub-steps, consumption, approval (:mod:`~sim.model.world`); repeated-game
   payoffs accrue;
5. **commitments** — perception of the new state; red-line crossings (true and perceived),
   enforcement and credibility; alliance triggers, obligations and reliability; patron
   pressure; escalation index; belief updates (:mod:`~sim.model.commitments`,
   :mod:`~sim.model.escalation`, :mod:`~sim.model.jervis`); then the state is recorded.

Random numbers: ``rng`` (an int, a ``SeedSequence`` or a ``Generator``) is turned into a
Generator with ``numpy.random.default_rng`` — for an int or a SeedSequence that is
``Generator(PCG64(SeedSequence(seed)))`` — and that Generator is handed to Mesa (which takes one
draw from it to seed ``model.random``, unused here). Then, in this order: one uniform per
uncertain parameter and replication (document order), and every step one block of uniforms
``(R, C + 4·P + O + L)`` (choices, perception, hard duties, red-line enforcement decisions)
and one of standard normals ``(R, A)`` (approval noise), drawn whether used or not. Two variants
with the same structure and seed therefore share their random numbers (common random numbers).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from . import jervis
from .commitments import Alliances
from .errors import ModelError
from .escalation import Escalation
from .eventlog import EventLog
from .hostility import RungHostility
from .layout import Layout
from .params import Params
from .perception import Perception
from .policies import POLICIES
from .recorder import Recorder
from .red_lines import RedLines
from .terms import WEIGHT_TERMS
from .world import World

SPIRAL_STEPS = 3
"""Steps in a row both sides of a dyad must escalate, neither believing the other
expansionist, to count as a spiral."""
PROVOKE_DELTA = 0.5
"""Rise of the highest hostility an actor perceives (escalation units) that counts as a
provocation (the rally term of approval)."""


def to_generator(rng: Any) -> np.random.Generator:
    """The model's one generator: ``numpy.random.default_rng(rng)``.

    An int or a ``SeedSequence`` gives ``Generator(PCG64(SeedSequence(seed)))``; a Generator is
    used as is (and advanced by the model); None draws fresh OS entropy.
    """
    return np.random.default_rng(rng)


@functools.lru_cache(maxsize=32)
def _load_cached(path: str, mtime: float, overrides: tuple[tuple[str, Any], ...]) -> Any:
    from sim.scenario import load_scenario

    return load_scenario(path, overrides=dict(overrides) if overrides else None)


def resolve_scenario(scenario: Any, overrides: Mapping[str, Any] | None) -> Any:
    """A Scenario from a Scenario or a path, with ``overrides`` (dotted path → value) applied.

    Paths are loaded through :func:`sim.scenario.load_scenario` and cached on (path, mtime,
    overrides), so that many one-replication models of one file (``mesa.batch_run``) parse it
    once.
    """
    if isinstance(scenario, (str, Path)):
        p = Path(scenario).resolve()
        items = tuple(sorted((k, _freeze(v)) for k, v in (overrides or {}).items()))
        return _load_cached(str(p), p.stat().st_mtime if p.exists() else 0.0, items)
    if overrides:
        from sim.scenario import with_values

        return with_values(scenario, dict(overrides))
    return scenario


def _freeze(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    return v


def agent_approval(agent: StateAgent) -> float:
    """DataCollector reporter: an agent's approval, mean over replications (picklable)."""
    return agent.approval_mean


class StateAgent(mesa.Agent):
    """One actor (a state), a view on its slice of the model's arrays (replications first).

    Attributes:
        actor_id: the scenario id (``"ROK"``).
        index: the actor's position on the model's actor axis.
        name: the actor's display name.
        policy_name: the scenario's policy for this actor.
    """

    def __init__(self, model: Wargame, index: int) -> None:
        super().__init__(model)
        ly = model.layout
        self.index = index
        self.actor_id = ly.actors[index]
        spec = model.spec.actors[self.actor_id]
        self.name = spec.name or self.actor_id
        self.policy_name = spec.policy
        self.channel_refs = [ly.channels[c].ref for c in ly.channels_of[index]]

    @property
    def levels(self) -> dict[str, np.ndarray]:
        """Current level (rung index, or continuous level) of each channel, arrays (R,)."""
        ly = self.model.layout
        return {ly.channels[c].name: self.model.level[:, c] for c in ly.channels_of[self.index]}

    @property
    def approval(self) -> np.ndarray:
        """Approval (R,)."""
        return self.model.world.approval[:, self.index]

    @property
    def approval_mean(self) -> float:
        """Approval averaged over replications (a DataCollector reporter)."""
        return float(self.approval.mean())

    @property
    def stocks(self) -> dict[str, np.ndarray]:
        """Stock level of each category the actor holds, arrays (R,)."""
        ly = self.model.layout
        w = self.model.world
        return {
            ly.categories[s.cat]: w.stock[:, self.index, s.cat]
            for s in ly.stocks
            if s.actor == self.index
        }

    @property
    def payoff(self) -> np.ndarray:
        """Cumulative repeated-game payoff (R,)."""
        return self.model.payoff[:, self.index]

    @property
    def hostility(self) -> dict[str, np.ndarray]:
        """Hostility this actor perceives from each other actor, arrays (R,)."""
        ly = self.model.layout
        return {
            a: self.model.hostility[:, self.index, j]
            for j, a in enumerate(ly.actors)
            if j != self.index
        }

    def __repr__(self) -> str:
        return f"StateAgent({self.actor_id!r}, policy={self.policy_name!r})"


class Wargame(mesa.Model):
    """R replications of a scenario as one Mesa model (see the module docstring).

    Args:
        scenario: a resolved :class:`~sim.scenario.schema.Scenario`, or the path of a scenario
            file (loaded with :func:`sim.scenario.load_scenario`).
        replications: R, runs held at once (1 is a single run).
        rng: an int, a ``numpy.random.SeedSequence`` or a ``numpy.random.Generator``.
        interventions: channel ref → :class:`~sim.scenario.schema.Bound` (a counterfactual arm).
        param_values: dotted parameter path → array (R,) or scalar replacing the sampled value.
        overrides: dotted scenario path → value, applied before the model is built.
        record: ``"full"`` keeps every variable of every step for the tables; ``"outcomes"``
            only what the ``outcomes`` table needs (less memory and time for large R).
        **dotted_overrides: more overrides given as keyword arguments with dotted names
            (``**{"actors.ROK.weights.domestic": 0.9}``) — the form ``mesa.batch_run`` passes
            its parameters in.
    """

    def __init__(
        self,
        scenario: Any,
        replications: int = 1,
        rng: Any = None,
        interventions: Mapping[str, Any] | None = None,
        param_values: Mapping[str, Any] | None = None,
        *,
        overrides: Mapping[str, Any] | None = None,
        record: str = "full",
        **dotted_overrides: Any,
    ) -> None:
        bad = [k for k in dotted_overrides if "." not in k]
        if bad:
            raise TypeError(f"Wargame() got unexpected keyword arguments: {', '.join(bad)}")
        all_overrides = {**(overrides or {}), **dotted_overrides}
        generator = to_generator(rng)
        super().__init__(rng=generator)
        if int(replications) < 1:
            raise ModelError(f"replications must be at least 1, not {replications}")
        self.spec = resolve_scenario(scenario, all_overrides)
        self.R = R = int(replications)
        self.layout = ly = Layout(self.spec)
        self.horizon = ly.horizon
        self.t = 0
        """Step of the current state (0 = initial)."""

        self.params = params = Params(self.spec, R, self.rng, param_values)
        self.rung_e = RungHostility(ly, params)
        """Hostility e of every rung, per replication when some rung's e is uncertain."""
        self._actor_params()
        self.world = World(ly, params)

        # policies: one instance per policy name, over the channels of its actors
        self.policies = []
        by_policy: dict[str, list[int]] = {}
        for c in ly.channels:
            by_policy.setdefault(c.policy, []).append(c.index)
        for name, chans in by_policy.items():
            if name not in POLICIES:
                raise ModelError(
                    f"policy {name!r} is not registered (known: {', '.join(POLICIES)})"
                )
            self.policies.append(POLICIES[name](ly, chans, params))

        # initial levels: initial rungs, then events and bounds in force at step 0
        self._bounds(interventions or {})
        self._events_table()
        self.eventlog = EventLog()
        level = np.broadcast_to(ly.initial, (R, ly.C)).astype(float)
        self.level = self._apply_exogenous(level.copy(), 0, log_events=True)
        self._log_deployments(0, self.level, self.world.begin(self.level))

        extra = [p for pol in self.policies for p in pol.pairs()]
        self.perception = Perception(
            ly,
            extra,
            self.detect,
            self.misread,
            self.attribution,
            self.lag,
            self.level,
            self.rung_e,
        )
        self.e_now = self.rung_e.of(self.level)
        self.pe = self.perception.e()
        self.hostility = self.perception.hostility(self.pe)
        # the status quo the scenario documents (initial rungs, before events and bounds): the
        # rest point of every reaction (policies.reaction), the same in every counterfactual arm
        self.rest_pe = self.perception.e(np.broadcast_to(ly.initial, (R, ly.C)))
        self.rest_hostility = self.perception.hostility(self.rest_pe)
        mean_w = self.weights.mean(axis=2)
        reputation = self.weights[:, :, WEIGHT_TERMS.index("reputation")] / np.where(
            mean_w > 0, mean_w, 1.0
        )
        self.red = RedLines(
            ly,
            params,
            self.world,
            reputation,
            self.level,
            self.perception,
            rung_e=self.rung_e,
            risk_tolerance=self.risk_tolerance,
        )
        self.allies = Alliances(ly, params, self.perception)
        self.escalation = Escalation(ly, self.attribution, self.e_now)
        self.shown = self.escalation.target(self.e_now)
        self.shown_before = self.shown.copy()
        self.provoked = np.zeros((R, ly.A), dtype=bool)
        self.last_move = np.zeros((R, ly.C))
        """(R, C) direction of each channel's last change of rung (+1 up, −1 down, 0 none yet)."""
        self.payoff = np.zeros((R, ly.A))
        pairs = list(ly.dyad_keys.values())
        self._pair_d = np.array([d for d, _ in pairs], dtype=np.intp)
        self._pair_r = np.array([r for _, r in pairs], dtype=np.intp)
        self.spiral_streak = np.zeros((R, len(pairs)), dtype=np.int64)
        self.spiral = np.zeros((R, len(pairs)), dtype=bool)
        """(R, dyads) whether each unordered dyad has spiralled (see :meth:`_spirals`)."""
        self._one_hot = np.zeros((ly.C, ly.A))
        self._one_hot[np.arange(ly.C), ly.owner] = 1.0
        self.arming = np.array(
            [c.felt_by_adversaries and not ly.adversary[c.owner, c.target] for c in ly.channels],
            dtype=bool,
        )
        params.check_overrides_used()
        self.n_uniforms = ly.C + Perception.DRAWS * self.perception.P + ly.O + ly.L
        self._u = np.empty((R, self.n_uniforms))
        self._eps = np.empty((R, ly.A))

        for i in range(ly.A):
            StateAgent(self, i)
        if record not in ("full", "outcomes"):
            raise ModelError(f"record must be 'full' or 'outcomes', not {record!r}")
        self.recorder = Recorder(self, full=record == "full")
        self.recorder.record(0)
        self._datacollector()
        self.running = self.horizon > 0

    # --- set-up helpers -----------------------------------------------------------------------

    def _actor_params(self) -> None:
        ly, p, sc, R = self.layout, self.params, self.spec, self.R
        A = ly.A
        self.precision = np.zeros((R, A))
        self.risk_tolerance = np.zeros((R, A))
        self.switch_cost = np.zeros((R, A))
        self.weights = np.zeros((R, A, len(WEIGHT_TERMS)))
        self.detect = np.zeros((R, A))
        self.misread = np.zeros((R, A))
        self.attribution = np.zeros((R, A))
        self.lag = np.zeros(A, dtype=np.int64)
        self.conservatism = np.zeros((R, A))
        self.belief = np.full((R, A, A), 0.5)
        for i, aid in enumerate(ly.actors):
            a = sc.actors[aid]
            base = f"actors.{aid}"
            self.precision[:, i] = np.maximum(p.get(f"{base}.precision", a.precision), 0.0)
            self.risk_tolerance[:, i] = p.get(f"{base}.risk_tolerance", a.risk_tolerance)
            self.switch_cost[:, i] = np.maximum(p.get(f"{base}.switch_cost", a.switch_cost), 0.0)
            for k, term in enumerate(WEIGHT_TERMS):
                self.weights[:, i, k] = p.get(f"{base}.weights.{term}", getattr(a.weights, term))
            ob = a.observe
            self.detect[:, i] = np.clip(p.get(f"{base}.observe.detect", ob.detect), 0, 1)
            self.misread[:, i] = np.clip(p.get(f"{base}.observe.misread", ob.misread), 0, 1)
            self.attribution[:, i] = np.clip(
                p.get(f"{base}.observe.attribution", ob.attribution), 0, 1
            )
            self.lag[i] = ob.lag
            bel = a.beliefs
            self.conservatism[:, i] = np.clip(
                p.get(f"{base}.beliefs.conservatism", bel.conservatism), 0, 1
            )
            generic = p.get(f"{base}.beliefs.expansionist", bel.expansionist)
            about = bel.about
            for j, other in enumerate(ly.actors):
                if other in about:
                    v = p.get(f"{base}.beliefs.{other}.expansionist", about[other].expansionist)
                else:
                    v = generic
                self.belief[:, i, j] = np.clip(v, jervis.BELIEF_FLOOR, 1 - jervis.BELIEF_FLOOR)

    def _bounds(self, interventions: Mapping[str, Any]) -> None:
        ly = self.layout
        T = ly.horizon
        self.lo = np.full((T + 1, ly.C), -np.inf)
        self.hi = np.full((T + 1, ly.C), np.inf)
        from .layout import rung_level

        for ref, bound in interventions.items():
            if ref not in ly.channel_index:
                raise ModelError(f"interventions: no channel {ref!r}")
            c = ly.channel_index[ref]
            spec = ly.channels[c]
            start = int(bound.from_)
            stop = T if bound.until is None else min(int(bound.until), T)
            if bound.at_least is not None:
                lv = rung_level(spec, bound.at_least, f"interventions.{ref}.at_least")
                self.lo[start : stop + 1, c] = np.maximum(self.lo[start : stop + 1, c], lv)
            if bound.at_most is not None:
                lv = rung_level(spec, bound.at_most, f"interventions.{ref}.at_most")
                self.hi[start : stop + 1, c] = np.minimum(self.hi[start : stop + 1, c], lv)
        self.interventions = dict(interventions)

    def _events_table(self) -> None:
        ly = self.layout
        T = ly.horizon
        self.forced = np.full((T + 1, ly.C), np.nan)
        self.starting: list[list[int]] = [[] for _ in range(T + 1)]
        for ev in ly.events:
            if ev.at > T:
                continue
            self.forced[ev.at : min(ev.until, T) + 1, ev.channel] = ev.level
            self.starting[ev.at].append(ev.index)

    def _datacollector(self) -> None:
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "escalation": "escalation_max",
                "territory": "territory_mean",
                "red_lines_crossed": "red_lines_crossed",
            },
            agent_reporters={"approval": agent_approval},
        )
        self.datacollector.collect(self)

    # --- reporters (DataCollector) ------------------------------------------------------------

    @property
    def escalation_max(self) -> float:
        """Highest dyad escalation index now, averaged over replications."""
        v = self.escalation.value
        return float(v.max(axis=1).mean()) if v.size else 0.0

    @property
    def territory_mean(self) -> float:
        """Territory of the first front now (km² gained by its first side), mean over runs."""
        t = self.world.territory
        return float(t[:, 0].mean()) if t.size else 0.0

    @property
    def red_lines_crossed(self) -> float:
        """Red lines crossed so far, mean over replications."""
        return float(self.red.ever.sum(axis=1).mean()) if self.layout.L else 0.0

    # --- the step -----------------------------------------------------------------------------

    @property
    def steps_done(self) -> int:
        """Steps completed: the step index of the current state."""
        return self.t

    def step(self) -> None:
        """One period: observe, decide, apply, world, commitments, record."""
        ly, R = self.layout, self.R
        if self.t >= self.horizon:
            raise ModelError(f"the model is at its horizon ({self.horizon} steps)")
        s = self.t + 1
        u = self.rng.random(out=self._u)  # (R, C + 4·P + O + L), reused buffers: same draws
        eps = self.rng.standard_normal(out=self._eps)
        P = self.perception.P
        u_choice = u[:, : ly.C]
        u_perc = u[:, ly.C : ly.C + 4 * P]
        u_oblig = u[:, ly.C + 4 * P : ly.C + 4 * P + ly.O]
        u_red = u[:, ly.C + 4 * P + ly.O :]

        # decide (simultaneous: every policy reads the state of step s-1)
        proposed = self.level.copy()
        for policy in self.policies:
            proposed[:, policy.channels] = policy.decide(self, u_choice)

        # apply
        old = self.level
        new = self._limit_moves(proposed, old)
        new = self._apply_exogenous(new, s, log_events=True)
        changed = new != old
        self.last_move = np.where(changed, np.sign(new - old), self.last_move)
        if changed.any():
            runs, chans = np.nonzero(changed)
            self.eventlog.add(
                "rung",
                s,
                runs,
                ly.owner[chans],
                ly.target[chans],
                chans,
                new[runs, chans],
                old[runs, chans],
            )

        # world
        raised = (new > old).astype(float) @ self._one_hot > 0
        beyond = ((new > ly.initial) & self.arming).astype(float) @ self._one_hot > 0
        self.world.step(
            s,
            new,
            provoked_assertive=self.provoked & raised,
            arming_beyond=beyond,
            audience=self.red.unenforced_cost,
            eps=eps,
        )
        self._log_deployments(s, new, self.world.deployed)
        self._payoffs(new)

        # commitments
        self.level = new
        self.t = s
        self.recorder.level[:, s] = new
        self.perception.update(self.recorder.level, s, u_perc)
        self.e_now = self.rung_e.of(new)
        self.pe = self.perception.e()
        h_old = self.hostility
        self.hostility = self.perception.hostility(self.pe)
        perceived_before = self.red.perceived.copy()
        self.red.update(
            s, new, old, *self._perceived_red(), self.world.audience_cost, u_red, self.eventlog
        )
        self.allies.update(s, new, self.pe, self.perception, u_oblig, self.eventlog)
        self.allies.update_pressure(self.world)
        e_before = self.escalation.value
        self.escalation.update(self.e_now)
        self._beliefs(h_old)
        self._spirals(e_before)
        newly_seen = (self.red.perceived & ~perceived_before).astype(float)
        seen_by = np.zeros((R, ly.A))
        if ly.L:
            np.add.at(seen_by.T, self.red.owner, newly_seen.T)
        self.provoked = (self.hostility.max(axis=2) - h_old.max(axis=2) >= PROVOKE_DELTA) | (
            seen_by > 0
        )
        milestones = self.world.new_milestones()
        runs, fr = np.nonzero(milestones)
        if runs.size:
            self.eventlog.add("front_milestone", s, runs, -1, -1, fr, milestones[runs, fr], 0)

        self.recorder.record(s)
        self.datacollector.collect(self)
        if self.t >= self.horizon:
            self.running = False

    def run(self) -> Wargame:
        """Step to the horizon; returns the model."""
        while self.t < self.horizon:
            self.step()
        return self

    def _limit_moves(self, proposed: np.ndarray, old: np.ndarray) -> np.ndarray:
        ly = self.layout
        disc = ~ly.continuous
        out = proposed.copy()
        if disc.any():
            p = np.rint(proposed[:, disc])
            o = old[:, disc]
            ms = ly.max_step[disc]
            p = np.clip(p, o - ms, o + ms)
            out[:, disc] = np.clip(p, 0, ly.n_rungs[disc] - 1)
        if ly.has_continuous:
            cont = ly.continuous
            out[:, cont] = np.clip(proposed[:, cont], ly.low[cont], ly.high[cont])
        return out

    def _apply_exogenous(self, level: np.ndarray, s: int, log_events: bool) -> np.ndarray:
        """Events, hard alliance floors and intervention bounds in force at step s."""
        forced = self.forced[s]
        has = ~np.isnan(forced)
        if has.any():
            level[:, has] = forced[has]
        if log_events:
            for k in self.starting[s]:
                ev = self.layout.events[k]
                self.eventlog.add(
                    "scripted",
                    s,
                    np.arange(self.R),
                    self.layout.owner[ev.channel],
                    self.layout.target[ev.channel],
                    k,
                    ev.level,
                    0,
                )
        if s > 0 and self.layout.O:
            floors, chans = self.allies.floors()
            if floors.any():
                rungs = self.allies.ob_rung
                for o in np.nonzero(floors.any(axis=0))[0]:
                    c = chans[o]
                    level[:, c] = np.where(
                        floors[:, o], np.maximum(level[:, c], rungs[o]), level[:, c]
                    )
        if s > 0 and self.layout.L:
            level = self.red.hold(level, s, self.level)
        level = np.clip(level, self.lo[s], self.hi[s])
        return level

    def _log_deployments(self, s: int, level: np.ndarray, change: np.ndarray) -> None:
        """One event per run and contingent that arrived or left at step s."""
        runs, js = np.nonzero(change)
        if runs.size:
            ly = self.layout
            c = ly.deployment_channel[js]
            self.eventlog.add(
                "deployment",
                s,
                runs,
                ly.owner[c],
                ly.deployment_side[js],
                js,
                level[runs, c],
                change[runs, js],
            )

    def _perceived_red(self) -> tuple[np.ndarray, np.ndarray]:
        """(R, L) whether each owner perceives its red line crossed, and the level it sees."""
        return self.red.perceive(self.perception, self.level)

    def _payoffs(self, level: np.ndarray) -> None:
        ly = self.layout
        for g in ly.games:
            c1, c2 = g.channels
            a = level[:, c1].astype(np.intp)
            b = level[:, c2].astype(np.intp)
            pay = g.payoff[a, b]
            self.payoff[:, ly.owner[c1]] += pay[:, 0]
            self.payoff[:, ly.owner[c2]] += pay[:, 1]

    def _spirals(self, e_before: np.ndarray) -> None:
        """A spiral (model.md §5, Jervis): both directions of a dyad escalate three steps in a
        row while neither side believes the other expansionist (belief < ½)."""
        if not self._pair_d.size:
            return
        ly = self.layout
        up = self.escalation.value > e_before + 1e-12
        d, r = self._pair_d, self._pair_r
        i, j = ly.dyad_src[d], ly.dyad_dst[d]
        calm = (self.belief[:, i, j] < 0.5) & (self.belief[:, j, i] < 0.5)
        both = up[:, d] & up[:, r] & calm
        self.spiral_streak = np.where(both, self.spiral_streak + 1, 0)
        self.spiral |= self.spiral_streak >= SPIRAL_STEPS

    def _beliefs(self, h_old: np.ndarray) -> None:
        ly = self.layout
        if ly.D == 0:
            return
        i, j = ly.dyad_src, ly.dyad_dst
        shown_now = self.escalation.target(self.e_now)
        b = self.belief[:, i, j]
        self.belief[:, i, j] = jervis.update(
            b,
            h_old[:, i, j],
            self.hostility[:, i, j],
            self.shown,
            self.shown_before,
            self.conservatism[:, i],
        )
        self.shown_before = self.shown
        self.shown = shown_now

    def explain(self, ref: str, run: int | None = None):
        """Why channel ``ref`` (``"ROK.arm_ukraine"``) would move: its utility terms by rung,
        for one run or the mean over runs (:func:`sim.model.explain.explain_terms`)."""
        from .explain import explain_terms

        return explain_terms(self, ref, run)

    # --- results ------------------------------------------------------------------------------

    def tables(self, *, record: str = "full", run_offset: int = 0) -> dict[str, Any]:
        """The tidy tables of docs/contracts.md (``record="outcomes"``: only ``outcomes``)."""
        return self.recorder.tables(record=record, run_offset=run_offset)
