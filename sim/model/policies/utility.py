"""``utility``: quantal-response expected utility over the rungs of each channel (model.md §5).

For each channel c of actor i, every rung a is scored holding i's other channels at their
current rungs (per-channel choice: the joint space of the flagship's actors is up to 10⁴ rung
combinations, and per-channel scoring keeps the step linear in channels)::

    EU(a) = Σ_k (w_k / w̄)·U_k(a)  +  U_game(a)  −  U_risk(a)/τ  −  c_sw·(1 − δ)·|a − a_now|
    P(a)  ∝ exp(λ·EU(a))     over the rungs within ``max_step`` of a_now

Normalisation per actor: each term U_k is of order one across a ladder, and the weights are
divided by their mean w̄ over the six terms, so scaling all of an actor's weights changes
nothing and λ is measured against one utility scale for every actor. Risk, switch cost and game
payoffs are in the same units, outside the weighting. The terms:

- ``U_sec = −Σ_j θ_ij·ĥ_ji(a)/10 − Ψ·max(0, 1 − S_pred(a)/S_req)²`` over the actors j that feel
  c (θ = 1 for i's adversaries, ``THREAT_OTHER`` for others); ĥ is the Jervis mixture of
  :mod:`~sim.model.jervis` (spiral vs deterrence, weighted by i's belief that j is
  expansionist) of the hostility i would show j after the move (the max over i's channels felt
  by j, indirect ones weighted by j's attribution probability); ``S_pred`` is the stock c draws
  on after ``LOOKAHEAD`` steps of production and of the shipments rung a asks for (Seoul's
  depletion dilemma).
- ``U_all = −ρ̂·σ(A0 + A1·(request − a)) − ENTRAP·Σ_j (ĥ_j(a) − h̄_j)/10 + Σ_duties ρ·[a ≥ rung]``:
  Snyder's alliance security dilemma — abandonment risk falls as i meets its patron's request
  (weighted by i's belief ρ̂ in the alliance's reliability), entrapment grows with the predicted
  hostility of those who feel c (for clients of an alliance with a patron), and a due soft-mode
  obligation pays its reliability ρ for rungs that meet it.
- ``U_war = s·η·(ln f(a) − ln f(a_now))``: the recipient side's change of battlefield balance
  from the rounds rung a ships (f = share of the need of that stock category it met last step
  plus the extra usable rounds, clipped to [0.001, 1]; s = −1 if i is the recipient's
  adversary). For a side firing several categories (q = Σ_c s_c·q_c),
  ``s·(ln(q + s_c·(f(a)^η − f(a_now)^η)) − ln q)`` with q its last fire effectiveness.
- ``U_eco = ECO_REV·flow(a)/max flow − ECO_UNIT·(c_S(a) + Σ_j max_d Σ_k Δc_T,dk·σ((ĥ_j(a) −
  e_dk)/0.5))``: export revenue minus the economy cost the move draws on i, in economy index
  per year (:mod:`~sim.model.economy`): its own sanctions (the sender cost c_S of rung a on c)
  and the sanctions predicted from those who feel c — for each channel d of j aimed at i whose
  rungs carry a target cost c_T, the expected cost at j's predicted hostility, each rung's
  increment Δc_T,dk = c_T,dk − c_T,d(k−1) counted with the chance that ĥ_j passes its e_dk.
- ``U_dom = DOM_SCALE·(rally·[provoked]·[a > a_now] − arms_penalty·opposed·[a > initial])``:
  the predicted change of approval (§7), the arming penalty only on arming channels and only if
  no other arming channel of i is already beyond its initial rung.
- ``U_rep = Σ κ·d·[a ≥ response rung]`` over i's own red lines perceived crossed and awaiting
  enforcement whose committed response is on c (Schelling; d = 1 public, ½ ambiguous, ⅕
  private).
- ``U_risk = Σ cred·d·max(0, e_resp − e_seen)/10·[a ≥ threshold] + WAR_LOSS·Σ_j σ((max(ĥ_j(a),
  e_j(a)) − 9.5)/0.5)``: for the red lines of others that watch c, perceived credibility ×
  declaredness × the hostility of the committed response still to come (a threat already
  carried out — the response channel seen at e_seen — is spent); plus the chance that the
  dyad (either side) passes the war threshold.
- ``U_game = payoff(a, b̂)/max|payoff|`` when c is in a game, b̂ the opponent's last rung seen.
- δ: the side-clause discount of an alliance of which i and c's target are members, on the
  ``tech`` ladder.

Arrays are (K, R), rungs first (see :mod:`~sim.model.choice`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from .. import jervis
from ..choice import quantal_choice
from ..economy import costly_channels, expected_cost
from .base import Policy
from .registry import register

LOOKAHEAD = 6
"""Steps ahead over which a supplier projects its stock (depletion term)."""
PSI = 4.0
"""Ψ: weight of the squared readiness shortfall in U_sec."""
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
class _Chan:
    """Static data the utility of one channel needs."""

    c: int
    owner: int
    K: int
    max_step: float
    initial: float
    feelers: list[tuple[int, np.ndarray, bool, list[bool], float]] = field(default_factory=list)
    links: list[tuple[int, int, int, int, float]] = field(default_factory=list)
    pressure: list[int] = field(default_factory=list)
    client: bool = False
    duties: list[tuple[int, int, int]] = field(default_factory=list)
    own_lines: list[tuple[int, float, int]] = field(default_factory=list)
    their_lines: list[tuple[int, float, float, float, int]] = field(default_factory=list)
    games: list[tuple[np.ndarray, int, int]] = field(default_factory=list)
    discount: list[int] = field(default_factory=list)
    arming: bool = False
    other_arming: list[int] = field(default_factory=list)
    sanctions: dict[int, list[int]] = field(default_factory=dict)
    """j → channels of j aimed at the owner with rungs that cost their target (economy)."""
    own_cost: bool = False
    several_fires: set[int] = field(default_factory=set)
    """Links feeding a front side that fires several stock categories."""


@register
class Utility(Policy):
    """Quantal-response expected utility with a Jervis opponent model.

    Literature names: logit quantal response equilibrium behaviour (McKelvey & Palfrey 1995);
    expected-utility theory of war and deterrence (Bueno de Mesquita 1981; Fearon 1994);
    spiral vs deterrence models (Jervis 1976); alliance security dilemma (Snyder 1984);
    commitment and reputation (Schelling 1966).
    """

    name = "utility"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": True,
        "memory_depth": float("inf"),
        "continuous": False,
    }

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
                    bool(ly.indirect[c]),
                    [bool(ly.indirect[k]) for k in others],
                    theta,
                )
            )
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
            if rl.owner == i and rl.response == c:
                ch.own_lines.append((rl.index, rl.weight, rl.response_rung))
            if rl.watch == c and rl.owner != i:
                ch.their_lines.append(
                    (rl.index, rl.weight, float(rl.threshold), float(rl.response_rung), rl.response)
                )
        for g in ly.games:
            if c in g.channels:
                pos = g.channels.index(c)
                opp = g.channels[1 - pos]
                table = g.payoff[:, :, pos] if pos == 0 else g.payoff[:, :, pos].T
                scale = max(np.abs(g.payoff).max(), 1e-12)
                ch.games.append((table / scale, opp, i))
        costly = costly_channels(ly)
        for j, _, _, _, _ in ch.feelers:
            ds = [d for d in ly.channels_of[j] if ly.channels[d].target == i and d in costly]
            if ds:
                ch.sanctions[j] = ds
        ch.own_cost = c in costly
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
        threats = [(ch.owner, r[4]) for ch in self.info for r in ch.their_lines if r[4] >= 0]
        return games + threats

    def decide(self, model, u):
        out = np.empty((model.R, len(self.channels)))
        shared = self._shared(model)
        for k, ch in enumerate(self.info):
            eu, allowed = self.utilities(model, ch, shared)
            out[:, k] = quantal_choice(eu, model.precision[:, ch.owner], u[:, ch.c], allowed)
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

    def _seen_e(self, model, i: int, c: int) -> np.ndarray:
        """(R,) hostility of channel c's level as actor i sees it (true level if i owns c)."""
        p = model.perception.index.get((i, c))
        if p is None:
            return model.e_now[:, c]
        return model.rung_e.of(model.perception.level[:, p : p + 1], np.array([c]))[:, 0]

    def _amounts(self, model, k: int) -> np.ndarray:
        """(k_max, R) rounds link k ships at each rung (fixed for a run; cached)."""
        if self._amounts_t is None:
            self._amounts_t = np.ascontiguousarray(np.moveaxis(model.world.amounts, 0, -1))
        return self._amounts_t[k]

    def _shared(self, model) -> dict:
        """Per-step quantities every channel's utility reads, as contiguous (·, R) rows."""
        if self._weights_t is None:  # weights are fixed for a run
            w = model.weights
            mean = w.mean(axis=2)
            mean = np.where(mean > 0, mean, 1.0)
            self._weights_t = np.ascontiguousarray(np.moveaxis(w / mean[:, :, None], 0, -1))
        return {
            "w": self._weights_t,  # (A, 6, R): weights over their mean
            "requested": model.world.requested(model.level),
            "tau": np.maximum(model.risk_tolerance, TAU_MIN),
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
        With ``explain``, the weighted terms (name → (K, R)) instead of their sum.

        Returns:
            ``(eu, allowed)``: (K, R) utilities and the (K, R) mask of rungs within
            ``max_step`` of the current one (None when every rung is allowed).
        """
        ly = self.layout
        R, K, i, c = model.R, ch.K, ch.owner, ch.c
        a_now = model.level[:, c]
        cand = np.arange(K, dtype=float)[:, None]
        dist = np.abs(cand - a_now)
        allowed = dist <= ch.max_step if np.isfinite(ch.max_step) else None
        w = shared["w"][i]  # (6, R) weights over their mean
        terms: dict[str, np.ndarray] = {}

        disc = np.zeros(R)
        for al in ch.discount:
            disc = np.maximum(disc, model.allies.discount[:, al])
        eu = dist * -(model.switch_cost[:, i] * (1.0 - disc))
        if explain:
            terms["switch"] = eu.copy()

        def add(name: str, value: np.ndarray) -> None:
            nonlocal eu
            eu += value
            if explain:
                terms[name] = terms.get(name, 0.0) + np.broadcast_to(value, (K, R))

        tau = shared["tau"][:, i]
        w_eco = w[3]
        use_eco = bool(np.any(w_eco))
        sec = war_risk = sanction = entrap = None
        e_now = model.e_now
        e_rungs = model.rung_e.rungs(c).T  # (K, 1), or (K, R) when a rung's e is uncertain
        for j, others, indirect, others_indirect, theta in ch.feelers:
            att = model.attribution[:, j]
            if others.size:
                e_o = e_now[:, others]
                if any(others_indirect):
                    e_o = e_o * np.stack(
                        [att if x else np.ones(R) for x in others_indirect], axis=1
                    )
                other = e_o.max(axis=1) if others.size > 1 else e_o[:, 0]
            else:
                other = np.zeros(R)
            wc = att if indirect else 1.0
            e_new = np.maximum(other, wc * e_rungs)
            e_cur = np.maximum(other, wc * e_now[:, c])
            hbar = model.hostility[:, i, j]
            hh = jervis.predict(hbar, e_new, e_cur, model.belief[:, i, j])
            sec = theta * hh if sec is None else sec + theta * hh
            # the dyad escalates past the war threshold when either side's hostility does
            x = _sigmoid((np.maximum(hh, e_new) - WAR_E) / WAR_S)
            war_risk = x if war_risk is None else war_risk + x
            if use_eco and j in ch.sanctions:
                x = expected_cost(model, ch.sanctions[j], hh, SANCTION_S)
                sanction = x if sanction is None else sanction + x
            if ch.client:
                entrap = hh - hbar if entrap is None else entrap + (hh - hbar)
        if sec is not None:
            add("security", sec * (-w[0] / 10.0))
            add("risk", war_risk * (-WAR_LOSS / tau))

        world = model.world
        for k, cat, f, side, sign, m in ch.links:
            amounts = self._amounts(model, k)[:K]
            cur = amounts[a_now.astype(np.intp), np.arange(R)]
            req = world.requirement[:, i, cat]
            if (req > 0).any():
                prod = world.production[:, i, cat]
                mine = (ly.link_src == i) & (ly.link_cat == cat)
                other_out = shared["requested"][:, mine].sum(axis=1) - cur
                s_pred = (
                    world.stock[:, i, cat] + LOOKAHEAD * (prod - other_out)
                ) - LOOKAHEAD * amounts
                with np.errstate(over="ignore"):  # a tiny requirement: no shortfall
                    short = np.maximum(0.0, 1.0 - s_pred / np.where(req > 0, req, 1.0))
                add("security", (short * short) * (-PSI * w[0] * (req > 0)))
            if use_eco:
                top = amounts.max(axis=0)
                add("economy", amounts * (ECO_REV * w_eco / np.where(top > 0, top, 1.0)))
            if f >= 0 and np.any(w[2]):
                # the category shipped: its own need and shortfall, weighted by its share
                need = world.need_cat[:, f, side, m] * ly.days
                has_need = need > 0
                f_now = np.clip(1.0 - world.shortfall_cat[:, f, side, m], 1e-3, 1.0)
                scale = (1.0 - world.dud[:, k]) / np.where(has_need, need, 1.0)
                with np.errstate(over="ignore"):  # a tiny need: any shipment covers it
                    frac = np.clip(f_now + (amounts - cur) * scale, 1e-3, 1.0)
                eta = np.broadcast_to(
                    np.asarray(world.front_params[f].fire_elasticity, float), (R,)
                )
                if k in ch.several_fires:  # q = Σ_c s_c·q_c: this category's part changes
                    q_now = np.maximum(world.q[:, f, side], 1e-3)
                    dq = world.share_cat[:, f, side, m] * (frac**eta - f_now**eta)
                    q_new = np.maximum(q_now + dq, 1e-3)
                    add("war", (np.log(q_new) - np.log(q_now)) * (sign * w[2] * has_need))
                else:
                    add("war", (np.log(frac) - np.log(f_now)) * (sign * w[2] * eta * has_need))
        if sanction is not None:
            add("economy", sanction * (-ECO_UNIT * w_eco))
        own = world.economy.sender_by_rung.get(c) if use_eco and ch.own_cost else None
        if own is not None:  # (K, R) own sanctions' cost per year
            add("economy", own * (-ECO_UNIT * w_eco))

        for al in ch.pressure:
            abandon = _sigmoid(ABANDON_A0 + ABANDON_A1 * (shared["request"][:, al] - cand))
            add("alliance", abandon * (-w[1] * shared["rel_belief"][:, al]))
        if entrap is not None:
            add("alliance", entrap * (-ENTRAP * w[1] / 10.0))
        for o, al, rung in ch.duties:
            bonus = shared["soft"][:, o] * shared["reliability"][:, al] * w[1]
            add("alliance", (cand >= rung) * bonus)

        ap = world.approval_params
        if np.any(w[4]):
            rally = ap.rally[:, i] * model.provoked[:, i] * w[4] * DOM_SCALE
            add("domestic", (cand > a_now) * rally)
            if ch.arming:
                beyond = shared["beyond"]
                free = ~beyond[:, ch.other_arming].any(axis=1) if ch.other_arming else True
                pen = ap.arms_penalty[:, i] * ap.opposed_share[:, i] * free * w[4] * DOM_SCALE
                add("domestic", (cand > ch.initial) * -pen)

        for line, d, rung in ch.own_lines:
            add("reputation", (cand >= rung) * (REP_KAPPA * d * shared["pending"][:, line] * w[5]))
        for line, d, thr, resp_rung, resp in ch.their_lines:
            # a threat already carried out is spent: only the hostility still to come counts
            if resp >= 0:
                e_resp = model.rung_e.of(np.full((R, 1), resp_rung), np.array([resp]))[:, 0]
                spent = self._seen_e(model, i, resp)
            else:
                e_resp, spent = DEFAULT_RESPONSE_E, 0.0
            at_stake = np.maximum(e_resp - spent, 0.0)
            cost = shared["cred"][:, line] * d * at_stake / 10.0 / tau
            add("risk", (cand >= thr) * -cost)

        for table, opp, owner in ch.games:
            p = model.perception.index[(owner, opp)]
            b = np.clip(model.perception.level[:, p], 0, table.shape[1] - 1).astype(np.intp)
            add("game", table[:, b])

        if explain:
            return terms, allowed
        return eu, allowed


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function (as :func:`sim.model.politics.sigmoid`, tanh form: no overflow)."""
    return 0.5 + 0.5 * np.tanh(0.5 * x)
