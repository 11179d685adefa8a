"""Red lines that bind: crossings, the owner's decision to enforce, credibility (model.md §6).

**Crossing.** A line is crossed (true state) when its condition holds on the true state
(:mod:`~sim.model.red_line_watch`: channels at rungs, flows above amounts, all/any of them);
its owner *perceives* it crossed when the condition holds on what it sees (and the watched
channels are attributed) — a misreading can make it see a crossing that did not happen. The
perception latches while the line is truly crossed, so one crossing is one *episode* however
the owner's sightings flicker.

**Enforcement** (Schelling 1966; Fearon 1994). When an episode opens the owner decides, once,
whether to enforce. If its committed responses already stand at their rungs the line is
enforced at once. Otherwise it enforces with probability::

    logit p = logit(c̄) + ENFORCE_SLOPE·(d·ŵ_rep − ENFORCE_MID) − ENFORCE_RISK·U_risk(responses)

c̄ the line's credibility (the mean of the common-knowledge Beta belief), d its declaredness
(public 1, ambiguous ½, private ⅕), ŵ_rep the owner's reputation weight over the mean of its
weights (the utility policy's normalisation). An owner whose reputation is engaged at the
reference level (d·ŵ_rep = 1: a public line of an owner with an average reputation weight)
enforces as often as others believe it will, so the belief is right on average; a public line
and a reputation-minded owner enforce more (audience costs make public threats credible, Fearon
1994; commitments are interdependent, Schelling 1966), a private line or an owner that cares
little for its reputation less. ``U_risk(responses)`` is what carrying out the threat risks:
for every red line of another actor that the responses would newly cross (its condition with
the response channels at their rungs and its other parts as they stand), its credibility ×
its declaredness × the hostility of its most hostile committed response still to come / 10,
over the owner's risk tolerance — the crosser's ``U_risk`` of the utility policy. A credible
counter-threat deters enforcement as it deters any other crossing (Schelling 1966: a threat
that is costly to carry out is less likely to be carried out).

Enforcing holds every committed response channel at least at its rung for ``window`` steps
(applied like a hard alliance duty, before intervention bounds; a response climbs to its rung
at most ``max_step`` rungs a step); the line is *enforced* when all responses stand at their
rungs within the window (a + 1). Declining (or a bound that keeps a response below its rung
to the end of the window) is *not enforced* (b + 1), and the owner pays an audience cost in
approval at the next step::

    cost = red_line.audience_cost + actor.approval.audience_cost · d

Credibility is a Beta belief held in common by the other actors (enforcement is public): prior
mean = the sampled ``credibility``, strength a + b of its Beta distribution (4 for a plain
number).

One uniform per line and step is drawn whether a decision is due or not (the last columns of
the model's uniform block), so two variants on common random numbers decide from the same
draw.
"""

from __future__ import annotations

import numpy as np

from .commitments import beta_prior
from .eventlog import EventLog
from .layout import Layout
from .params import Params
from .red_line_watch import evaluate

ENFORCE_RISK = 1.0
"""Log-odds of enforcement lost per unit of the risk the responses run (U_risk units)."""
ENFORCE_SLOPE = 2.0
"""Log-odds of enforcement per unit of reputation engaged (d·ŵ_rep) above ENFORCE_MID."""
ENFORCE_MID = 1.0
"""Reputation engaged (d·ŵ_rep) at which an owner enforces with probability c̄."""
TAU_MIN = 0.05
"""Floor on risk tolerance τ (as in the utility policy)."""
DEFAULT_RESPONSE_E = 5.0
"""Hostility feared from a red line that names no committed response (as in U_risk)."""
CRED_CLIP = 1e-3
"""Credibility is clipped to [CRED_CLIP, 1 − CRED_CLIP] before its logit."""


def enforce_probability(cred: np.ndarray, d: np.ndarray, rep: np.ndarray) -> np.ndarray:
    """P(enforce) from credibility c̄, declaredness d and normalised reputation weight ŵ_rep."""
    c = np.clip(cred, CRED_CLIP, 1.0 - CRED_CLIP)
    x = np.log(c / (1.0 - c)) + ENFORCE_SLOPE * (d * rep - ENFORCE_MID)
    return 0.5 + 0.5 * np.tanh(0.5 * x)


class RedLines:
    """State of every red line, (R, L) arrays.

    Args:
        layout: the scenario's layout.
        params: sampled parameters (credibility, audience cost, flow amounts).
        world: the model's world (what flow links shipped, and the amounts by rung).
        reputation: (R, A) each actor's reputation weight over the mean of its weights.
        levels0: (R, C) initial levels.
        perception: the model's perception (what each owner sees).
        rung_e: the model's rung hostilities (the cost of enforcing; None: no cost).
        risk_tolerance: (R, A) τ of each actor (the cost of enforcing).
    """

    def __init__(
        self,
        layout: Layout,
        params: Params,
        world,
        reputation: np.ndarray,
        levels0: np.ndarray,
        perception,
        *,
        rung_e=None,
        risk_tolerance: np.ndarray | None = None,
    ) -> None:
        ly = self.layout = layout
        self.world = world
        R, L = levels0.shape[0], ly.L
        self.cred_a = np.zeros((R, L))
        self.cred_b = np.zeros((R, L))
        self.audience_cost = np.zeros((R, L))
        for rl in ly.red_lines:
            _, a, b = beta_prior(params, *rl.credibility)
            self.cred_a[:, rl.index], self.cred_b[:, rl.index] = a, b
            self.audience_cost[:, rl.index] = params.get(*rl.audience_cost)
        leaves = ly.red_leaves
        self.leaf_channel = np.array([f.channel for f in leaves], dtype=np.intp)
        self.leaf_threshold = np.array([f.threshold for f in leaves], dtype=float)
        self.leaf_flow = np.array([f.kind == "flow" for f in leaves], dtype=bool)
        self.leaf_link = np.array([max(f.link, 0) for f in leaves], dtype=np.intp)
        self.leaf_above = np.full((R, len(leaves)), np.inf)
        """(R, leaves) amount each flow leaf's shipments must exceed (inf: a rung leaf)."""
        for f in leaves:
            if f.above is not None:
                self.leaf_above[:, f.index] = params.get(*f.above)
        self.owner = np.array([rl.owner for rl in ly.red_lines], dtype=np.intp)
        self.watch = np.array([rl.watch for rl in ly.red_lines], dtype=np.intp)
        """(L,) each line's first watched channel (whose level the event log reports)."""
        self.weight = np.array([rl.weight for rl in ly.red_lines])
        self.response = np.array([rl.response for rl in ly.red_lines], dtype=np.intp)
        self.window = np.array([rl.window for rl in ly.red_lines], dtype=np.int64)
        self.has_response = np.array([bool(rl.responses) for rl in ly.red_lines], dtype=bool)
        self.reputation = reputation[:, self.owner] if L else np.zeros((R, 0))
        """(R, L) the owner's normalised reputation weight ŵ_rep."""
        self.rung_e = rung_e
        self.tau = None if risk_tolerance is None else np.maximum(risk_tolerance, TAU_MIN)
        self.counter = self._counter_lines(R) if rung_e is not None else []
        single = [rl.condition.leaf for rl in ly.red_lines if rl.condition.op == "leaf"]
        self._single = np.array(single, dtype=np.intp) if len(single) == L else None
        self.leaf_state = self._leaf_truth(levels0)
        """(R, leaves) each leaf's truth on the current state (the crosser's view in U_risk)."""
        self.crossed = self._lines(self.leaf_state)
        self.ever = self.crossed.copy()
        self.first_step = np.where(self.crossed, 0.0, np.nan)
        self.perceived = self.perceive(perception, levels0)[0]
        self.pending = np.zeros((R, L), dtype=bool)
        """(R, L) an owner decided to enforce and its responses are not yet all met."""
        self.deadline = np.zeros((R, L), dtype=np.int64)
        self.hold_until = np.full((R, L), -1, dtype=np.int64)
        """(R, L) last step at which an enforcement holds the responses (−1: none)."""
        self.decisions = np.zeros((R, L), dtype=np.int64)
        """(R, L) enforcement decisions drawn (episodes whose responses were not yet met)."""
        self.enforced = np.zeros((R, L), dtype=np.int64)
        """(R, L) episodes enforced (responses met within the window)."""
        self.unenforced = np.zeros((R, L), dtype=np.int64)
        """(R, L) episodes not enforced (declined, or a response kept below its rung)."""
        self.unenforced_cost = np.zeros((R, ly.A))
        """(R, A) audience cost owed by each actor, paid in the next step's approval."""

    def _counter_lines(self, R: int) -> list[tuple[int, int, dict[int, np.ndarray]]]:
        """``(line, other line, {leaf: truth with the responses at their rungs})`` for every
        line whose responses another owner's line watches."""
        ly, out = self.layout, []
        for rl in ly.red_lines:
            resp = dict(rl.responses)
            for other in ly.red_lines:
                if other.owner == rl.owner:
                    continue
                at = {}
                for k in other.condition.leaves():
                    c = int(self.leaf_channel[k])
                    if c not in resp:
                        continue
                    if self.leaf_flow[k]:
                        amount = self.world.amounts[:, self.leaf_link[k], resp[c]]
                        at[k] = amount > self.leaf_above[:, k]
                    else:
                        at[k] = np.full(R, resp[c] >= self.leaf_threshold[k])
                if at:
                    out.append((rl.index, other.index, at))
        return out

    def enforcement_risk(self, levels: np.ndarray) -> np.ndarray:
        """(R, L) U_risk of carrying out each line's responses now (module docstring)."""
        R = levels.shape[0]
        risk = np.zeros((R, self.layout.L))
        if not self.counter:
            return risk
        e_now = self.rung_e.of(levels)
        cred = self.credibility
        for line, other, at in self.counter:
            spec = self.layout.red_lines[other]
            values = {k: at.get(k, self.leaf_state[:, k]) for k in spec.condition.leaves()}
            newly = evaluate(spec.condition, values) & ~self.crossed[:, other]
            if not newly.any():
                continue
            stake = np.zeros(R) if spec.responses else np.full(R, DEFAULT_RESPONSE_E)
            for c, rung in spec.responses:
                e_resp = self.rung_e.of(np.full((R, 1), float(rung)), np.array([c]))[:, 0]
                stake = np.maximum(stake, e_resp - e_now[:, c])
            tau = self.tau[:, self.owner[line]]
            risk[:, line] += newly * cred[:, other] * self.weight[other] * stake / 10.0 / tau
        return risk

    # --- conditions ---------------------------------------------------------------------------

    def _leaf_truth(self, levels: np.ndarray) -> np.ndarray:
        rung = levels[:, self.leaf_channel] >= self.leaf_threshold
        if not self.leaf_flow.any():
            return rung
        shipped = self.world.shipped[:, self.leaf_link]
        return np.where(self.leaf_flow, shipped > self.leaf_above, rung)

    def _lines(self, leaf_values: np.ndarray) -> np.ndarray:
        """(R, L) truth of every line's condition from its leaves' (R, leaves) truth."""
        if self._single is not None:  # every line one leaf: a column each
            return leaf_values[:, self._single]
        out = np.zeros((leaf_values.shape[0], self.layout.L), dtype=bool)
        cols = leaf_values.T
        for rl in self.layout.red_lines:
            out[:, rl.index] = evaluate(rl.condition, cols)
        return out

    def true_state(self, levels: np.ndarray) -> np.ndarray:
        """(R, L) whether each line is crossed by ``levels`` and this step's shipments."""
        return self._lines(self._leaf_truth(levels))

    def perceive(self, perception, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(R, L) whether each owner perceives its line crossed, and the level it sees on the
        line's first watched channel."""
        ly = self.layout
        R = levels.shape[0]
        crossed = np.zeros((R, ly.L), dtype=bool)
        seen = np.zeros((R, ly.L))
        for rl in ly.red_lines:
            values = {}
            first = rl.condition.leaves()[0]
            for k in rl.condition.leaves():
                c = int(self.leaf_channel[k])
                p = perception.index.get((rl.owner, c))
                if p is None:  # the owner watches its own channel: it knows
                    lv, attributed = levels[:, c], True
                else:
                    lv, attributed = perception.level[:, p], perception.attributed[:, p]
                if self.leaf_flow[k]:
                    rung = np.clip(lv, 0, self.world.amounts.shape[2] - 1).astype(np.intp)
                    amount = self.world.amounts[np.arange(R), self.leaf_link[k], rung]
                    values[k] = (amount > self.leaf_above[:, k]) & attributed
                else:
                    values[k] = (lv >= self.leaf_threshold[k]) & attributed
                if k == first:
                    seen[:, rl.index] = lv
            crossed[:, rl.index] = evaluate(rl.condition, values)
        return crossed, seen

    def would_cross(self, line: int, c: int, at_rung: np.ndarray) -> np.ndarray:
        """Whether line ``line`` would be crossed with channel c at each candidate rung.

        ``at_rung`` maps a leaf on c to its truth at each candidate — (K, 1) for a rung
        leaf, (K, R) for a flow leaf — given by :meth:`leaf_at`; the line's other leaves keep
        their truth on the current state. Returns a (K, 1) or (K, R) mask.
        """
        rl = self.layout.red_lines[line]
        values = {
            k: (at_rung[k] if self.leaf_channel[k] == c else self.leaf_state[:, k])
            for k in rl.condition.leaves()
        }
        return evaluate(rl.condition, values)

    def leaf_at(self, line: int, c: int, K: int) -> dict[int, np.ndarray]:
        """Truth of line ``line``'s leaves on channel c at each of its K rungs."""
        out = {}
        cand = np.arange(K, dtype=float)[:, None]
        for k in self.layout.red_lines[line].condition.leaves():
            if self.leaf_channel[k] != c:
                continue
            if self.leaf_flow[k]:
                amounts = self.world.amounts[:, self.leaf_link[k], :K].T  # (K, R)
                out[k] = amounts > self.leaf_above[:, k]
            else:
                out[k] = cand >= self.leaf_threshold[k]
        return out

    # --- enforcement --------------------------------------------------------------------------

    @property
    def credibility(self) -> np.ndarray:
        """(R, L) perceived credibility: mean of the Beta belief."""
        return self.cred_a / (self.cred_a + self.cred_b)

    def enforce_probability(self, levels: np.ndarray | None = None) -> np.ndarray:
        """(R, L) probability that each owner enforces a crossing now (module docstring);
        without ``levels``, leaving out the risk the responses run."""
        p = enforce_probability(self.credibility, self.weight, self.reputation)
        if levels is None or not self.counter:
            return p
        risk = self.enforcement_risk(levels)
        c = np.clip(p, CRED_CLIP * CRED_CLIP, 1.0 - CRED_CLIP * CRED_CLIP)
        x = np.log(c / (1.0 - c)) - ENFORCE_RISK * risk
        return 0.5 + 0.5 * np.tanh(0.5 * x)

    def responses_met(self, levels: np.ndarray) -> np.ndarray:
        """(R, L) whether every committed response stands at least at its rung."""
        met = np.ones((levels.shape[0], self.layout.L), dtype=bool)
        for rl in self.layout.red_lines:
            for c, rung in rl.responses:
                met[:, rl.index] &= levels[:, c] >= rung
        return met

    def hold(self, level: np.ndarray, s: int, old: np.ndarray) -> np.ndarray:
        """``level`` with the responses of enforcements in force at step s held at their rungs.

        A response climbs to its rung no faster than its channel's ``max_step`` from ``old``
        (the levels of step s − 1): a state cannot go from indirect ammunition to offensive
        weapons in a month because it said it would.
        """
        active = self.hold_until >= s
        if not active.any():
            return level
        max_step = self.layout.max_step
        for line in np.nonzero(active.any(axis=0))[0]:
            on = active[:, line]
            for c, rung in self.layout.red_lines[line].responses:
                floor = np.minimum(rung, old[:, c] + max_step[c])
                level[:, c] = np.where(on, np.maximum(level[:, c], floor), level[:, c])
        return level

    def update(
        self,
        step: int,
        levels: np.ndarray,
        previous: np.ndarray,
        perceived: np.ndarray,
        seen: np.ndarray,
        actor_audience_cost: np.ndarray,
        u: np.ndarray,
        log: EventLog,
    ) -> None:
        """Crossings true and perceived, the enforcement decision, credibility, audience costs.

        Args:
            step: the step just completed.
            levels, previous: (R, C) levels after and before the step.
            perceived: (R, L) whether each owner now perceives its line crossed.
            seen: (R, L) the level each owner perceives on the first watched channel.
            actor_audience_cost: (R, A) each actor's own audience cost.
            u: (R, L) this step's uniforms for the enforcement decisions.
            log: the event log.
        """
        ly = self.layout
        if ly.L == 0:
            return
        self.leaf_state = self._leaf_truth(levels)
        crossed = self._lines(self.leaf_state)
        new = crossed & ~self.crossed
        first = new & ~self.ever
        self.first_step = np.where(first, float(step), self.first_step)
        self.ever |= crossed
        self.crossed = crossed
        runs, lines = np.nonzero(new)
        if runs.size:
            w = self.watch[lines]
            log.add(
                "red_line_crossed",
                step,
                runs,
                ly.owner[w],
                self.owner[lines],
                lines,
                levels[runs, w],
                previous[runs, w],
            )

        # The owner's sense that the line is crossed latches: a flicker of its perception
        # (a missed sighting, a misreading) does not re-open the episode while the line is
        # truly crossed; it ends when neither the truth nor the perception is past it.
        new_p = perceived & ~self.perceived
        self.perceived = perceived | (self.perceived & crossed)
        self._log_owner("red_line_perceived", step, new_p, seen, log)
        opened = new_p & ~self.pending & self.has_response
        met = self.responses_met(levels)
        decide = opened & ~met
        go = decide & (u < self.enforce_probability(levels)) if decide.any() else decide
        declined = decide & ~go
        self.decisions += decide
        self.deadline = np.where(go, step + self.window, self.deadline)
        self.hold_until = np.where(go, step + self.window, self.hold_until)
        self.pending |= go

        enforced = (self.pending | opened) & met
        failed = declined | (self.pending & ~met & (step >= self.deadline))
        self.cred_a += enforced
        self.cred_b += failed
        self.enforced += enforced
        self.unenforced += failed
        self.pending &= ~(enforced | failed)
        resp_level = levels[:, np.maximum(self.response, 0)]
        self._log_owner("red_line_enforced", step, enforced, resp_level, log)
        self._log_owner("red_line_not_enforced", step, failed, resp_level, log)
        runs, lines = np.nonzero(failed)
        cost = np.zeros_like(self.unenforced_cost)
        if runs.size:
            owners = self.owner[lines]
            c = (
                self.audience_cost[runs, lines]
                + actor_audience_cost[runs, owners] * self.weight[lines]
            )
            np.add.at(cost, (runs, owners), c)
        self.unenforced_cost = cost

    def _log_owner(
        self, kind: str, step: int, mask: np.ndarray, value: np.ndarray, log: EventLog
    ) -> None:
        """Log ``kind`` for each (run, line) of ``mask``: the owner about the watched actor,
        with ``value`` (R, L) at that run and line."""
        runs, lines = np.nonzero(mask)
        if runs.size:
            owner, watched = self.owner[lines], self.layout.owner[self.watch[lines]]
            log.add(kind, step, runs, owner, watched, lines, value[runs, lines], 0)
