"""The terms of the utility policy's expected utility, one function each (model.md §5).

Every function takes the :class:`Context` of one channel c of actor i in the current state and
returns its term for every rung and replication, (K, R) rungs first (or something that
broadcasts to it), or None when the term does not apply to c. :data:`TERMS` lists them in the
order they are summed and reported (``Wargame.explain``); their sum is EU(a). Weighted terms
read the actor's weights over their mean (``Context.w[Term.X]``), so scaling all of an actor's
weights changes nothing and λ is measured on one utility scale for every actor. Risk, switch
and reversal costs and game payoffs are in the same units, outside the weighting.

- ``switch``: ``−c_sw·(1 − δ)·|a − a_now|`` — the cost of moving (δ: the side-clause discount
  of an alliance of which i and c's target are members, on the ``tech`` ladder).
- ``reversal``: ``−REVERSAL·c_sw·(1 − δ)·|a − a_now|`` for moves against i's last move on c —
  hysteresis: backing down costs audience and bureaucratic capital (Fearon 1994).
- ``security``: ``−w_sec·Σ_j θ_ij·ĥ_j(a)/10`` — the hostility i expects from those who feel c
  (Jervis's spiral/deterrence mixture, :mod:`~sim.model.jervis`; θ = 1 for adversaries,
  ``THREAT_OTHER`` for others).
- ``reaction``: the quadratic reaction term of :mod:`~sim.model.policies.reaction` (Richardson;
  the hostility received moves which rung is best).
- ``depletion``: ``−Ψ·w_sec·concern(ρ(a))·flow(a)/flow_top`` — Seoul's dilemma: shipping costs
  more the closer the supplier's projected stock is to its own requirement.
- ``risk``: ``−(Σ_lines cred·d·max_resp(e_resp − e_seen)/10·[line holds at a] + WAR_LOSS·
  Σ_j θ_ij·σ((max(ĥ_j(a), e_j(a)) − 9.5)/0.5))/τ`` — others' red lines c would cross, weighed
  at their credibility (a threat already carried out is spent; of several responses the most
  hostile still to come), and the chance the dyad passes the war threshold. A line "holds at a"
  when its condition does with c's parts at rung a (a rung reached, the flow rung a ships above
  its amount) and its other parts as they now stand (:mod:`~sim.model.red_line_watch`).
- ``economy``: ``w_eco·(ECO_REV·flow(a)/flow_top − ECO_UNIT·(c_S(a) + Σ_j E[c_T]))`` — export
  revenue against the economy cost the move draws on i (:mod:`~sim.model.economy`): its own
  sanctions' sender cost, and for each actor j who feels c and holds costly rungs aimed at i,
  the expected target cost at j's predicted hostility.
- ``war``: ``w_war·s·η·(ln f(a) − ln f(a_now))`` — the recipient side's change of battlefield
  effectiveness from the usable rounds rung a ships (s = −1 for an adversary's side).
- ``alliance``: ``w_all·(−ρ̂·σ(A0 + A1·(request − a)) − ENTRAP·Σ_j (ĥ_j(a) − h̄_j)/10 +
  Σ_duties ρ·[a ≥ rung])`` — Snyder's alliance security dilemma: abandonment falls as a client
  meets its patron's request, entrapment grows with its adversaries' predicted hostility, and
  a due soft obligation pays its reliability.
- ``domestic``: ``w_dom·DOM_SCALE·(rally·[provoked]·[a > a_now] − arms_penalty·opposed·[a >
  initial])`` — the predicted change of approval (the arming penalty once per actor).
- ``reputation``: ``w_rep·Σ κ·d·[a ≥ response rung]`` over i's own red lines perceived
  crossed and awaiting enforcement (Schelling 1966).
- ``game``: ``payoff(a, b̂)/max|payoff|`` when c is in a repeated game.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .. import jervis
from ..economy import expected_cost
from ..politics import sigmoid
from ..terms import Term
from . import reaction

LOOKAHEAD = 6
"""Steps ahead over which a supplier projects its stock (depletion term)."""
PSI = 1.0
"""Ψ: cost (× the security weight) of shipping at the top flow rung at full depletion concern."""
DEPLETION_MARGIN = 0.5
"""Readiness above 1 + margin causes no concern; at readiness 1 the concern is 1 (rises below)."""
DEPLETION_MAX = 2.0
"""Cap on the depletion concern (readiness 1 − margin and below)."""
REVERSAL = 1.0
"""Extra switch cost, in switch costs per rung, of moving against one's last move (hysteresis)."""
ABANDON_A0 = -2.0
"""A0: abandonment log-odds when the client exactly meets the patron's request."""
ABANDON_A1 = 1.5
"""A1: abandonment log-odds added per rung the client falls short of the request."""
ENTRAP = 1.0
"""Weight of the adversaries' predicted hostility increase in U_all (entrapment)."""
WAR_E, WAR_S, WAR_LOSS = 9.5, 0.5, 1.0
"""War threshold on the escalation scale, its softness, and the loss a war costs."""
SANCTION_S = 0.5
"""Softness of the predicted hostility at which another's costly rung is reached."""
ECO_REV = 0.5
"""Revenue of shipping at the top flow rung."""
ECO_UNIT = 25.0
"""Utility per unit of economy index lost per year (the standard sanctions rung, 0.02 a year
for its target, then costs its target 0.5 when certain)."""
DOM_SCALE = 20.0
"""Utility per unit of approval (5 points of approval ≈ one unit of utility)."""
REP_KAPPA = 0.5
"""κ: reputation at stake in enforcing a public red line (d = 1)."""
DEFAULT_RESPONSE_E = 5.0
"""Hostility feared from a red line that names no committed response."""
TAU_MIN = 0.05
"""Floor on risk tolerance τ (U_risk is divided by it)."""
THREAT_OTHER = 0.3
"""θ: weight in U_sec of the hostility of an actor that is not i's adversary (adversaries: 1)."""


@dataclass
class Prediction:
    """What i expects from those who feel c after each rung, summed over them (K, R)."""

    security: np.ndarray
    war_risk: np.ndarray
    sanction: np.ndarray | None
    entrap: np.ndarray | None


@dataclass
class Context:
    """One channel of one actor in the current state: what every term reads.

    Attributes:
        model: the model; policy: the Utility policy (per-run caches); ch: the channel's static
        data; shared: per-step quantities of every channel (``Utility._shared``).
    """

    model: Any
    policy: Any
    ch: Any
    shared: dict

    def __post_init__(self) -> None:
        m, ch = self.model, self.ch
        self.R, self.K, self.i, self.c = m.R, ch.K, ch.owner, ch.c
        self.a_now = m.level[:, self.c]
        self.cand = np.arange(self.K, dtype=float)[:, None]
        self.dist = np.abs(self.cand - self.a_now)
        self.w = self.shared["w"][self.i]  # (6, R) weights over their mean
        self.tau = self.shared["tau"][:, self.i]
        self.e_rungs = m.rung_e.rungs(self.c).T  # (K, 1), or (K, R) if a rung's e varies

    @cached_property
    def switch_cost(self) -> np.ndarray:
        """(R,) cost per rung moved, less the side-clause discount."""
        disc = np.zeros(self.R)
        for al in self.ch.discount:
            disc = np.maximum(disc, self.model.allies.discount[:, al])
        return self.model.minds.switch_cost[:, self.i] * (1.0 - disc)

    @cached_property
    def prediction(self) -> Prediction | None:
        """The Jervis prediction of every actor who feels c, summed (None if nobody does)."""
        m, ch, R, i, c = self.model, self.ch, self.R, self.i, self.c
        sec = war = sanction = entrap = None
        use_eco = bool(np.any(self.w[Term.ECONOMY]))
        e_now = m.e_now
        for j, others, share, others_share, others_indirect, theta, indirect, war_e in ch.feelers:
            att = m.minds.attribution[:, j]
            if others.size:
                e_o = e_now[:, others] * others_share
                if any(others_indirect):
                    e_o = e_o * np.stack(
                        [att if x else np.ones(R) for x in others_indirect], axis=1
                    )
                other = e_o.max(axis=1) if others.size > 1 else e_o[:, 0]
                if war_e:
                    other = np.maximum(other, war_e)
            else:
                other = np.full(R, war_e)
            wc = share * att if indirect else share
            e_new = np.maximum(other, wc * self.e_rungs)
            e_cur = np.maximum(other, wc * e_now[:, c])
            hbar = m.hostility[:, i, j]
            hh = jervis.predict(hbar, e_new, e_cur, m.minds.belief[:, i, j])
            sec = theta * hh if sec is None else sec + theta * hh
            # the dyad passes the war threshold when either side's hostility does; a war with
            # an actor that is not one's adversary is weighed at θ
            x = sigmoid((np.maximum(hh, e_new) - WAR_E) / WAR_S) * theta
            war = x if war is None else war + x
            if use_eco and j in ch.sanctions:
                x = expected_cost(m, ch.sanctions[j], hh, SANCTION_S)
                sanction = x if sanction is None else sanction + x
            if ch.client:
                entrap = hh - hbar if entrap is None else entrap + (hh - hbar)
        if sec is None:
            return None
        return Prediction(sec, war, sanction, entrap)

    def amounts(self, k: int) -> np.ndarray:
        """(K, R) rounds flow link k ships at each rung of c."""
        return self.policy.amounts(self.model, k)[: self.K]


Term_ = Callable[[Context], Any]


def _plus(out: np.ndarray | None, t: np.ndarray) -> np.ndarray:
    """A term's running sum over its parts (None before the first part)."""
    return t if out is None else out + t


def switch(x: Context) -> np.ndarray:
    return x.dist * -x.switch_cost


def reversal(x: Context) -> np.ndarray | None:
    last = x.model.last_move[:, x.c]
    if not last.any():
        return None
    against = (np.sign(x.cand - x.a_now) * last) < 0
    return against * (x.dist * -(REVERSAL * x.switch_cost))


def security(x: Context) -> np.ndarray | None:
    pred = x.prediction
    return None if pred is None else pred.security * (-x.w[Term.SECURITY] / 10.0)


def reaction_term(x: Context) -> np.ndarray | None:
    ch, m = x.ch, x.model
    if ch.react is None or ch.react.kind == "none":
        return None
    s_t, b_t, s_h, b_h = reaction.stimulus(m, x.i, ch.react, m.hostility, m.pe)
    if ch.rest is None:  # the status quo: initial rungs before events and bounds
        init = np.full((x.R, 1), ch.initial)
        s0_t, _, s0_h, _ = reaction.stimulus(m, x.i, ch.react, m.rest_hostility, m.rest_pe)
        ch.rest = (m.rung_e.of(init, np.array([x.c]))[:, 0], s0_t, s0_h)
    e0, s0_t, s0_h = ch.rest
    out = None
    if s_t is not None:
        out = reaction.term(x.e_rungs, e0, s_t, s0_t, b_t, x.w[Term.SECURITY])
    if s_h is not None:
        t = reaction.term(x.e_rungs, e0, s_h, s0_h, b_h, x.w[Term.WAR])
        out = _plus(out, t)
    return out


def depletion(x: Context) -> np.ndarray | None:
    world, ly, i = x.model.world, x.model.layout, x.i
    out = None
    for k, cat, _f, _side, _sign, _m in x.ch.links:
        req = world.requirement[:, i, cat]
        if not (req > 0).any():
            continue
        amounts = x.amounts(k)
        cur = amounts[x.a_now.astype(np.intp), np.arange(x.R)]
        mine = (ly.link_src == i) & (ly.link_cat == cat)
        other_out = x.shared["requested"][:, mine].sum(axis=1) - cur
        prod = world.production[:, i, cat]
        s_pred = (world.stock[:, i, cat] + LOOKAHEAD * (prod - other_out)) - LOOKAHEAD * amounts
        with np.errstate(over="ignore", invalid="ignore"):  # tiny requirement: no concern
            ready = s_pred / np.where(req > 0, req, 1.0)
        concern = np.clip((1.0 + DEPLETION_MARGIN - ready) / DEPLETION_MARGIN, 0, DEPLETION_MAX)
        top = amounts.max(axis=0)
        share = amounts / np.where(top > 0, top, 1.0)
        t = concern * share * (-PSI * x.w[Term.SECURITY] * (req > 0))
        out = _plus(out, t)
    return out


def risk(x: Context) -> np.ndarray | None:
    m, R = x.model, x.R
    out = None
    pred = x.prediction
    if pred is not None:
        out = pred.war_risk * (-WAR_LOSS / x.tau)
    for line, d, responses in x.ch.their_lines:
        # a threat already carried out is spent: only the hostility still to come counts;
        # of several committed responses, the most hostile still to come
        at_stake = np.zeros(R) if responses else DEFAULT_RESPONSE_E
        for resp, resp_rung in responses:
            e_resp = m.rung_e.of(np.full((R, 1), resp_rung), np.array([resp]))[:, 0]
            at_stake = np.maximum(at_stake, e_resp - x.policy.seen_e(m, x.i, resp))
        cost = x.shared["cred"][:, line] * d * at_stake / 10.0 / x.tau
        # the line's parts on c at each rung, its other parts as they stand
        crosses = m.red.would_cross(line, x.c, m.red.leaf_at(line, x.c, x.K))
        t = crosses * -cost
        out = _plus(out, t)
    return out


def economy(x: Context) -> np.ndarray | None:
    w_eco = x.w[Term.ECONOMY]
    if not np.any(w_eco):
        return None
    out = None
    for k, *_ in x.ch.links:
        amounts = x.amounts(k)
        top = amounts.max(axis=0)
        t = amounts * (ECO_REV * w_eco / np.where(top > 0, top, 1.0))
        out = _plus(out, t)
    pred = x.prediction
    if pred is not None and pred.sanction is not None:
        t = pred.sanction * (-ECO_UNIT * w_eco)
        out = _plus(out, t)
    world = x.model.world
    own = world.economy.sender_by_rung.get(x.c) if x.ch.own_cost else None
    if own is not None:  # (K, R) own sanctions' cost per year
        t = own * (-ECO_UNIT * w_eco)
        out = _plus(out, t)
    return out


def war(x: Context) -> np.ndarray | None:
    w_war = x.w[Term.WAR]
    if not np.any(w_war):
        return None
    world, ly, R = x.model.world, x.model.layout, x.R
    out = None
    for k, _cat, f, side, sign, m in x.ch.links:
        if f < 0:
            continue
        amounts = x.amounts(k)
        cur = amounts[x.a_now.astype(np.intp), np.arange(R)]
        # the category shipped: its own need and shortfall
        need = world.need_cat[:, f, side, m] * ly.days
        has_need = need > 0
        f_now = np.clip(1.0 - world.shortfall_cat[:, f, side, m], 1e-3, 1.0)
        scale = (1.0 - world.dud[:, k]) / np.where(has_need, need, 1.0)
        with np.errstate(over="ignore"):  # a tiny need: any shipment covers it
            frac = np.clip(f_now + (amounts - cur) * scale, 1e-3, 1.0)
        eta = np.broadcast_to(np.asarray(world.front_params[f].fire_elasticity, float), (R,))
        if k in x.ch.several_fires:  # q = Σ_c s_c·q_c: this category's part changes
            q_now = np.maximum(world.q[:, f, side], 1e-3)
            dq = world.share_cat[:, f, side, m] * (frac**eta - f_now**eta)
            q_new = np.maximum(q_now + dq, 1e-3)
            t = (np.log(q_new) - np.log(q_now)) * (sign * w_war * has_need)
        else:
            t = (np.log(frac) - np.log(f_now)) * (sign * w_war * eta * has_need)
        out = _plus(out, t)
    return out


def alliance(x: Context) -> np.ndarray | None:
    ch, sh, w_all = x.ch, x.shared, x.w[Term.ALLIANCE]
    out = None

    def add(t):
        nonlocal out
        out = _plus(out, t)

    for al in ch.pressure:
        abandon = sigmoid(ABANDON_A0 + ABANDON_A1 * (sh["request"][:, al] - x.cand))
        add(abandon * (-w_all * sh["rel_belief"][:, al]))
    pred = x.prediction
    if pred is not None and pred.entrap is not None:
        add(pred.entrap * (-ENTRAP * w_all / 10.0))
    for o, al, rung in ch.duties:
        add((x.cand >= rung) * (sh["soft"][:, o] * sh["reliability"][:, al] * w_all))
    return out


def domestic(x: Context) -> np.ndarray | None:
    w_dom = x.w[Term.DOMESTIC]
    if not np.any(w_dom):
        return None
    ap, i, ch = x.model.world.approval_params, x.i, x.ch
    rally = ap.rally[:, i] * x.model.provoked[:, i] * w_dom * DOM_SCALE
    out = (x.cand > x.a_now) * rally
    if ch.arming:
        beyond = x.shared["beyond"]
        free = ~beyond[:, ch.other_arming].any(axis=1) if ch.other_arming else True
        pen = ap.arms_penalty[:, i] * ap.opposed_share[:, i] * free * w_dom * DOM_SCALE
        out = out + (x.cand > ch.initial) * -pen
    return out


def reputation(x: Context) -> np.ndarray | None:
    out = None
    for line, d, rung in x.ch.own_lines:
        pending = x.shared["pending"][:, line]
        t = (x.cand >= rung) * (REP_KAPPA * d * pending * x.w[Term.REPUTATION])
        out = _plus(out, t)
    return out


def game(x: Context) -> np.ndarray | None:
    out = None
    perc = x.model.perception
    for table, opp, owner in x.ch.games:
        p = perc.index[(owner, opp)]
        b = np.clip(perc.level[:, p], 0, table.shape[1] - 1).astype(np.intp)
        out = table[:, b] if out is None else out + table[:, b]
    return out


TERMS: tuple[tuple[str, Term_], ...] = (
    ("switch", switch),
    ("reversal", reversal),
    ("security", security),
    ("reaction", reaction_term),
    ("depletion", depletion),
    ("risk", risk),
    ("economy", economy),
    ("war", war),
    ("alliance", alliance),
    ("domestic", domestic),
    ("reputation", reputation),
    ("game", game),
)
"""Every term, in the order summed and reported (``terms.TERM_NAMES`` is this order)."""
