"""The Mesa model: states as agents that arm, retaliate and answer each other, R runs at once.

:class:`Wargame` is a ``mesa.Model`` that holds R replications of one scenario. Every state
variable is a numpy array with the replication axis first; one :class:`StateAgent` per actor
sits in ``model.agents`` and exposes its slice of that state. A step (one scenario period) runs
five phases for all agents and replications at once:

1. **observe** — agents read the perceptions formed at the end of the previous step
   (:mod:`~sim.model.perception`);
2. **decide** — ``self.agents.do("step")``: every :class:`~sim.model.agent.StateAgent` asks its
   policy for a level for each of its channels from last step's state (simultaneous moves,
   :mod:`~sim.model.policies`);
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

from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np

from .agent import StateAgent, agent_approval
from .commitments import Alliances
from .errors import ModelError
from .escalation import Escalation
from .eventlog import EventLog
from .exogenous import Exogenous
from .explanation import explain_terms
from .games import accrue_payoffs
from .hostility import RungHostility
from .layout import Layout
from .loading import resolve_scenario, to_generator
from .minds import Minds
from .params import Params
from .perception import Perception
from .policies import POLICIES, Policy
from .recorder import Recorder
from .red_lines import RedLines
from .spirals import Spirals
from .world import World

__all__ = ["StateAgent", "Wargame", "resolve_scenario", "to_generator"]

PROVOKE_DELTA = 0.5
"""Rise of the highest hostility an actor perceives (escalation units) that counts as a
provocation (the rally term of approval)."""


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

        self.params = params = Params(self.spec, R, self.rng, param_values)
        self.rung_e = RungHostility(ly, params)
        """Hostility e of every rung, per replication when some rung's e is uncertain."""
        self.minds = minds = Minds(ly, self.spec, params)
        self.world = World(ly, params)
        self.policies = self._policies(params)

        # initial levels: initial rungs, then events and bounds in force at step 0
        self.exogenous = Exogenous(ly, interventions or {})
        self.eventlog = EventLog()
        level = np.broadcast_to(ly.initial, (R, ly.C)).astype(float)
        self.level = self.apply_exogenous(level.copy(), 0)
        self._log_deployments(0, self.level, self.world.begin(self.level))

        extra = [p for pol in self.policies for p in pol.pairs()]
        self.perception = Perception(
            ly,
            extra,
            minds.detect,
            minds.misread,
            minds.attribution,
            minds.lag,
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
        self.red = RedLines(
            ly,
            params,
            self.world,
            minds.reputation(),
            self.level,
            self.perception,
            rung_e=self.rung_e,
            risk_tolerance=minds.risk_tolerance,
        )
        self.allies = Alliances(ly, params, self.perception)
        self.escalation = Escalation(ly, minds.attribution, self.e_now)
        self.shown = self.escalation.target(self.e_now)
        self.shown_before = self.shown.copy()
        self.provoked = np.zeros((R, ly.A), dtype=bool)
        self.last_move = np.zeros((R, ly.C))
        """(R, C) direction of each channel's last change of rung (+1 up, −1 down, 0 none yet)."""
        self.payoff = np.zeros((R, ly.A))
        self.spirals = Spirals(ly, R)
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
        self.proposed = self.level.copy()
        """(R, C) the levels the agents propose this step (before move limits and the rest)."""

        by_channel = {int(c): pol for pol in self.policies for c in pol.channels}
        for i in range(ly.A):
            own = ly.channels_of[i]
            StateAgent(self, i, by_channel[int(own[0])] if len(own) else None)
        if record not in ("full", "outcomes"):
            raise ModelError(f"record must be 'full' or 'outcomes', not {record!r}")
        self.recorder = Recorder(self, full=record == "full")
        self.recorder.record(0)
        self._datacollector()
        self.running = self.horizon > 0

    # --- set-up helpers -----------------------------------------------------------------------

    def _policies(self, params: Params) -> list[Policy]:
        """One instance per policy name, vectorised over the channels of all its actors."""
        ly = self.layout
        by_policy: dict[str, list[int]] = {}
        for c in ly.channels:
            by_policy.setdefault(c.policy, []).append(c.index)
        for name in by_policy:
            if name not in POLICIES:
                raise ModelError(
                    f"policy {name!r} is not registered (known: {', '.join(POLICIES)})"
                )
        return [POLICIES[name](ly, chans, params) for name, chans in by_policy.items()]

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

    @property
    def u_choice(self) -> np.ndarray:
        """(R, C) this step's choice uniforms, one per channel (what agents decide with)."""
        return self._u[:, : self.layout.C]

    # --- the step -----------------------------------------------------------------------------

    def step(self) -> None:
        """One period: observe, decide, apply, world, commitments, record.

        Mesa counts the step before running it: ``self.steps`` is the step computed here and,
        between steps, the step of the current state (0 = initial).
        """
        ly, R = self.layout, self.R
        s = self.steps
        if s > self.horizon:
            raise ModelError(f"the model is at its horizon ({self.horizon} steps)")
        u = self.rng.random(out=self._u)  # (R, C + 4·P + O + L), reused buffers: same draws
        eps = self.rng.standard_normal(out=self._eps)
        P = self.perception.P
        u_perc = u[:, ly.C : ly.C + 4 * P]
        u_oblig = u[:, ly.C + 4 * P : ly.C + 4 * P + ly.O]
        u_red = u[:, ly.C + 4 * P + ly.O :]

        # decide (simultaneous: every agent reads the state of step s-1)
        self.proposed = self.level.copy()
        self.agents.do("step")

        # apply
        old = self.level
        new = self._limit_moves(self.proposed, old)
        new = self.apply_exogenous(new, s)
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
        accrue_payoffs(ly, new, self.payoff)

        # commitments
        self.level = new
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
        shown_now = self.escalation.target(self.e_now)
        self.minds.update_beliefs(ly, h_old, self.hostility, self.shown, self.shown_before)
        self.shown_before, self.shown = self.shown, shown_now
        self.spirals.update(self.escalation.value, e_before, self.minds.belief)
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
        if s >= self.horizon:
            self.running = False

    def run(self) -> Wargame:
        """Step to the horizon; returns the model."""
        while self.steps < self.horizon:
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

    def apply_exogenous(self, level: np.ndarray, s: int) -> np.ndarray:
        """Events, hard alliance floors and intervention bounds in force at step s (the events
        that start then are logged)."""
        ex = self.exogenous
        forced = ex.forced[s]
        has = ~np.isnan(forced)
        if has.any():
            level[:, has] = forced[has]
        for k in ex.starting[s]:
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
        level = np.clip(level, ex.lo[s], ex.hi[s])
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

    def explain(self, ref: str, run: int | None = None):
        """Why channel ``ref`` (``"ROK.arm_ukraine"``) would move: its utility terms by rung,
        for one run or the mean over runs (:func:`sim.model.explanation.explain_terms`)."""
        return explain_terms(self, ref, run)

    # --- results ------------------------------------------------------------------------------

    def tables(self, *, record: str = "full", run_offset: int = 0) -> dict[str, Any]:
        """The tidy tables of docs/contracts.md (``record="outcomes"``: only ``outcomes``)."""
        return self.recorder.tables(record=record, run_offset=run_offset)
