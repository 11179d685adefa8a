"""``utility``: quantal-response expected utility over the rungs of each channel (model.md §5).

For each channel c of actor i, every rung a is scored holding i's other channels at their
current rungs (per-channel choice: the joint space of the flagship's actors is up to 10⁴ rung
combinations, and per-channel scoring keeps the step linear in channels)::

    EU(a) = Σ_terms U_term(a)        (switch, reversal, security, reaction, depletion, risk,
                                      economy, war, alliance, domestic, reputation, game)
    P(a)  ∝ exp(λ·EU(a))     over the rungs within ``max_step`` of a_now

The terms, one function each, are in :mod:`~sim.model.policies.utility_terms`; this module
holds the policy: what each channel's terms need to know of the scenario (computed once), the
per-step quantities they share, and the choice. Arrays are (K, R), rungs first (see
:mod:`~sim.model.choice`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scenario.policy_specs import PolicySpec

from ..choice import quantal_choice
from ..economy import costly_channels
from . import reaction
from .base import Policy
from .registry import register
from .utility_terms import TAU_MIN, TERMS, THREAT_OTHER, Context


@dataclass
class _Chan:
    """Static data the utility of one channel needs."""

    c: int
    owner: int
    K: int
    max_step: float
    initial: float
    feelers: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[int, int, int, int, float]] = field(default_factory=list)
    react: reaction.Sources | None = None
    rest: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    """(e₀, s₀ threat, s₀ help): the reaction's rest point, from the initial state."""
    pressure: list[int] = field(default_factory=list)
    client: bool = False
    duties: list[tuple[int, int, int]] = field(default_factory=list)
    own_lines: list[tuple[int, float, int]] = field(default_factory=list)
    sanctions: dict[int, list[int]] = field(default_factory=dict)
    """j → channels of j aimed at the owner with rungs that cost their target (economy)."""
    own_cost: bool = False
    several_fires: set[int] = field(default_factory=set)
    """Links feeding a front side that fires several stock categories."""
    their_lines: list[tuple[int, float, list[tuple[int, int]]]] = field(default_factory=list)
    games: list[tuple[np.ndarray, int, int]] = field(default_factory=list)
    discount: list[int] = field(default_factory=list)
    arming: bool = False
    other_arming: list[int] = field(default_factory=list)


@register
class Utility(Policy):
    """Quantal-response expected utility with a Jervis opponent model.

    Literature names: logit quantal response equilibrium behaviour (McKelvey & Palfrey 1995);
    expected-utility theory of war and deterrence (Bueno de Mesquita 1981; Fearon 1994);
    spiral vs deterrence models (Jervis 1976); alliance security dilemma (Snyder 1984);
    commitment and reputation (Schelling 1966).
    """

    spec = PolicySpec(
        name="utility",
        summary="Quantal-response expected utility over its rungs, with a Jervis opponent model",
        stochastic=True,
        memory_depth=float("inf"),
    )

    def __init__(self, layout, channels, params):
        super().__init__(layout, channels, params)
        self.info = [self._static(int(c)) for c in channels]
        self._amounts_t: np.ndarray | None = None
        self._weights_t: np.ndarray | None = None

    def _static(self, c: int) -> _Chan:
        ly = self.layout
        spec = ly.channels[c]
        i = spec.owner
        K = len(spec.rung_ids)
        ch = _Chan(c, i, K, spec.max_step, spec.initial)
        for j in np.nonzero(ly.felt[c])[0]:
            others = [k for k in ly.channels_of[i] if k != c and ly.felt[k, j]]
            theta = 1.0 if ly.adversary[i, j] else THREAT_OTHER
            ch.feelers.append(
                (
                    int(j),
                    np.array(others, dtype=np.intp),
                    float(ly.felt_weight[c, j]),
                    ly.felt_weight[others, j],
                    [bool(ly.indirect[k]) for k in others],
                    theta,
                    bool(ly.indirect[c]),
                    float(ly.war_e[i, j]),
                )
            )
        if not spec.continuous:
            ch.react = reaction.sources(ly, c)
        for k, link in enumerate(ly.links):
            if link.channel != c:
                continue
            front, side, fire = -1, -1, 0
            for f in ly.fronts:
                for sd in (0, 1):
                    if f.sides[sd] == link.dst and link.cat in f.fires[sd]:
                        front, side, fire = f.index, sd, f.fires[sd].index(link.cat)
                        if len(f.fires[sd]) > 1:
                            ch.several_fires.add(k)
            sign = -1.0 if ly.adversary[i, link.dst] else 1.0
            ch.links.append((k, link.cat, front, side, sign, fire))
        costly = costly_channels(ly)
        for j, *_ in ch.feelers:
            ds = [d for d in ly.channels_of[j] if ly.channels[d].target == i and d in costly]
            if ds:
                ch.sanctions[j] = ds
        ch.own_cost = c in costly
        for al in ly.alliances:
            if al.pressure_channel == c:
                ch.pressure.append(al.index)
            if al.members[i] and al.patron >= 0 and al.patron != i:
                ch.client = True
            if (
                al.members[i]
                and al.members[spec.target]
                and spec.ladder == "tech"
                and al.discount is not None
            ):
                ch.discount.append(al.index)
        for o, ob in enumerate(ly.obligations):
            if ob.channel == c:
                ch.duties.append((o, ob.alliance, ob.rung))
        for rl in ly.red_lines:
            if rl.owner == i:
                ch.own_lines += [(rl.index, rl.weight, r) for rc, r in rl.responses if rc == c]
            watched = {ly.red_leaves[k].channel for k in rl.condition.leaves()}
            if c in watched and rl.owner != i:
                ch.their_lines.append((rl.index, rl.weight, rl.responses))
        for g in ly.games:
            if c in g.channels:
                pos = g.channels.index(c)
                opp = g.channels[1 - pos]
                table = g.payoff[:, :, pos] if pos == 0 else g.payoff[:, :, pos].T
                scale = max(np.abs(g.payoff).max(), 1e-12)
                ch.games.append((table / scale, opp, i))
        ch.arming = spec.felt_by_adversaries and not ly.adversary[i, spec.target]
        ch.other_arming = [
            k
            for k in ly.channels_of[i]
            if k != c
            and ly.channels[k].felt_by_adversaries
            and not ly.adversary[i, ly.channels[k].target]
        ]
        return ch

    def pairs(self):
        games = [(ch.owner, opp) for ch in self.info for (_, opp, _) in ch.games]
        threats = [(ch.owner, rc) for ch in self.info for r in ch.their_lines for rc, _ in r[2]]
        reacts = [
            p for ch in self.info if ch.react for p in reaction.pairs(self.layout, ch.c, ch.react)
        ]
        return games + threats + reacts

    def decide(self, model, u):
        out = np.empty((model.R, len(self.channels)))
        shared = self._shared(model)
        for k, ch in enumerate(self.info):
            eu, allowed = self.utilities(model, ch, shared)
            out[:, k] = quantal_choice(eu, model.minds.precision[:, ch.owner], u[:, ch.c], allowed)
        return out

    def explain(self, model, ref: str) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
        """The weighted utility terms of channel ``ref`` in the current state.

        Returns:
            ``(terms, allowed)``: name → (K, R) array of the term for every rung and
            replication (their sum is the EU the next rung is drawn from), and the (K, R)
            mask of rungs within ``max_step`` (None: all). ``Wargame.explain`` tabulates them.
        """
        c = self.layout.channel_index[ref]
        k = list(self.channels).index(c)
        return self.utilities(model, self.info[k], self._shared(model), explain=True)

    def seen_e(self, model, i: int, c: int) -> np.ndarray:
        """(R,) hostility of channel c's level as actor i sees it (true level if i owns c)."""
        p = model.perception.index.get((i, c))
        if p is None:
            return model.e_now[:, c]
        return model.rung_e.of(model.perception.level[:, p : p + 1], np.array([c]))[:, 0]

    def amounts(self, model, k: int) -> np.ndarray:
        """(k_max, R) rounds link k ships at each rung (fixed for a run; cached)."""
        if self._amounts_t is None:
            self._amounts_t = np.ascontiguousarray(np.moveaxis(model.world.amounts, 0, -1))
        return self._amounts_t[k]

    def _shared(self, model) -> dict:
        """Per-step quantities every channel's utility reads, as contiguous (·, R) rows."""
        if self._weights_t is None:  # weights are fixed for a run
            w = model.minds.weights
            mean = w.mean(axis=2)
            mean = np.where(mean > 0, mean, 1.0)
            self._weights_t = np.ascontiguousarray(np.moveaxis(w / mean[:, :, None], 0, -1))
        return {
            "w": self._weights_t,  # (A, 6, R): weights over their mean
            "requested": model.world.requested(model.level),
            "tau": np.maximum(model.minds.risk_tolerance, TAU_MIN),
            "cred": model.red.credibility,
            "pending": model.red.pending,
            "rel_belief": model.allies.reliability_belief,
            "reliability": model.allies.reliability,
            "request": model.allies.request,
            "soft": model.allies.soft_active(),
            "beyond": (model.level > self.layout.initial),
        }

    def utilities(self, model, ch: _Chan, shared: dict, explain: bool = False):
        """EU of every rung of one channel, (K, R) rungs first, and the rungs within reach.

        Rungs come first so that reductions over rungs run along contiguous rows (numpy
        reduces a short trailing axis slowly); per-replication vectors (R,) broadcast as is.
        With ``explain``, the terms (name → (K, R)) instead of their sum.

        Returns:
            ``(eu, allowed)``: (K, R) utilities and the (K, R) mask of rungs within
            ``max_step`` of the current one (None when every rung is allowed).
        """
        x = Context(model, self, ch, shared)
        allowed = x.dist <= ch.max_step if np.isfinite(ch.max_step) else None
        eu = np.zeros((ch.K, model.R))
        terms: dict[str, np.ndarray] = {}
        for name, term in TERMS:
            value = term(x)
            if value is None:
                continue
            eu += value
            if explain:
                terms[name] = np.broadcast_to(value, eu.shape)
        if explain:
            return terms, allowed
        return eu, allowed
