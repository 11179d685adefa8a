"""Commitments: alliances, and the beliefs others hold about them (model.md §6).

**Red lines** live in :mod:`~sim.model.red_lines` (they share :func:`beta_prior`).

**Alliances.** A trigger fires, once, when a member perceives a channel that targets it and that
it feels (an armed attack on it, not help to its enemies; ``attack_on: any``: on anyone) by a
non-member (or anyone with ``by: any``) at hostility ``e ≥ min_e``. Each obligation falls due
``lag`` steps later. ``mode: hard``: at the due step the member honours it with probability ρ
(the sampled ``reliability``) and its channel is then held at least at the rung; ``mode: soft``:
the member's utility gains ρ for rungs at or above it while the alliance is triggered
(:mod:`~sim.model.policies.utility`). An obligation is *honoured* when the channel reaches the
rung within ``GRACE`` steps of falling due, else *broken*; every member's Beta belief in the
alliance's reliability (prior: the ``reliability`` distribution's a, b, or strength 4 around a
plain number) moves a + 1 or b + 1.

**Patron pressure** (model.md §7): each step, ``π = σ(a0 + trend·gains + gap·shortfall)`` with the
adversary's last-step territorial gain on the pressure front in units of its ``per_unit`` and the
recipient's fire shortfall; the patron's request is ``round(π·top rung)``.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.distributions import Beta

from . import politics
from .eventlog import EventLog
from .layout import Layout
from .params import Params

PRIOR_STRENGTH = 4.0
"""Pseudo-observations a + b of a Beta belief whose prior is a plain number."""

GRACE = 2
"""Steps after an obligation falls due within which meeting it counts as honouring it."""


def beta_prior(params: Params, path: str, value) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, a, b) arrays of a Beta belief: mean sampled, strength from the prior's shape."""
    mean = np.clip(params.get(path, value), 1e-6, 1 - 1e-6)
    strength = value.a + value.b if isinstance(value, Beta) else PRIOR_STRENGTH
    return mean, mean * strength, (1.0 - mean) * strength


class Alliances:
    """Triggers, obligations, reliability beliefs and patron pressure, (R, ·) arrays."""

    def __init__(self, layout: Layout, params: Params, perception) -> None:
        ly = self.layout = layout
        R = params.replications
        n = ly.n_alliances
        self.reliability = np.zeros((R, n))
        self.rel_a = np.zeros((R, n))
        self.rel_b = np.zeros((R, n))
        self.discount = np.zeros((R, n))
        self.a0 = np.zeros((R, n))
        self.trend = np.zeros((R, n))
        self.gap = np.zeros((R, n))
        for al in ly.alliances:
            mean, a, b = beta_prior(params, *al.reliability)
            self.reliability[:, al.index] = mean
            self.rel_a[:, al.index], self.rel_b[:, al.index] = a, b
            if al.discount is not None:
                self.discount[:, al.index] = np.clip(params.get(*al.discount), 0.0, 1.0)
            if al.pressure is not None:
                base = f"alliances.{al.id}.pressure"
                for name in ("a0", "trend", "gap"):
                    getattr(self, name)[:, al.index] = params.get(
                        f"{base}.{name}", getattr(al.pressure, name)
                    )
        self.min_e = np.full((R, n), np.inf)
        """(R, alliances) perceived hostility that fires each trigger (inf: no trigger)."""
        for al in ly.alliances:
            if al.trigger is not None:
                path = f"alliances.{al.id}.trigger.min_e"
                self.min_e[:, al.index] = params.get(path, al.trigger.min_e)
        self.triggered = np.zeros((R, n), dtype=bool)
        self.trigger_step = np.full((R, n), -1, dtype=np.int64)
        # trigger pairs: (perception pair index, alliance) that can fire each trigger
        self.trigger_pairs: list[np.ndarray] = []
        for al in ly.alliances:
            idx = []
            if al.trigger is not None:
                for p, (j, c) in enumerate(perception.pairs):
                    # an armed attack is aimed at its victim: the channel's target feels it
                    if not (ly.felt[c, j] and ly.target[c] == j):
                        continue
                    if al.trigger.attack_on == "member" and not al.members[j]:
                        continue
                    if al.trigger.by == "non_member" and al.members[ly.owner[c]]:
                        continue
                    idx.append(p)
            self.trigger_pairs.append(np.array(idx, dtype=np.intp))
        self.ob_alliance = np.array([o.alliance for o in ly.obligations], dtype=np.intp)
        self.ob_member = np.array([o.member for o in ly.obligations], dtype=np.intp)
        self.ob_channel = np.array([o.channel for o in ly.obligations], dtype=np.intp)
        self.ob_rung = np.array([o.rung for o in ly.obligations], dtype=float)
        self.ob_lag = np.array(
            [ly.alliances[o.alliance].lag for o in ly.obligations], dtype=np.int64
        )
        self.ob_hard = np.array(
            [ly.alliances[o.alliance].mode == "hard" for o in ly.obligations], dtype=bool
        )
        self.due = np.zeros((R, ly.O), dtype=bool)
        self.status = np.zeros((R, ly.O), dtype=np.int8)  # 0 not due, 1 due, 2 honoured, 3 broken
        self.forced = np.zeros((R, ly.O), dtype=bool)
        self.pressure = np.full((R, n), np.nan)
        self.request = np.zeros((R, n), dtype=np.int64)
        self.update_pressure(world=None)

    @property
    def reliability_belief(self) -> np.ndarray:
        """(R, n) members' belief in each alliance's reliability: mean of the Beta belief."""
        return self.rel_a / (self.rel_a + self.rel_b)

    def update(
        self,
        step: int,
        levels: np.ndarray,
        pe: np.ndarray,
        perception,
        u: np.ndarray,
        log: EventLog,
    ) -> None:
        """Triggers on perceived attacks, obligations falling due, honoured or broken.

        Args:
            step: the step just completed.
            levels: (R, C) levels after the step.
            pe: (R, P) perceived hostility of every perception pair.
            perception: the model's :class:`~sim.model.perception.Perception`.
            u: (R, O) uniforms for the hard-mode honour draws.
            log: the event log.
        """
        ly = self.layout
        for al in ly.alliances:
            pairs = self.trigger_pairs[al.index]
            if al.trigger is None or pairs.size == 0:
                continue
            hit = pe[:, pairs] >= self.min_e[:, al.index, None]
            fire = hit.any(axis=1) & ~self.triggered[:, al.index]
            if fire.any():
                runs = np.nonzero(fire)[0]
                first = pairs[np.argmax(hit[runs], axis=1)]
                chans = perception.ch[first]
                log.add(
                    "alliance_triggered",
                    step,
                    runs,
                    ly.owner[chans],
                    perception.obs[first],
                    al.index,
                    perception.level[runs, first],
                    chans,
                )
                self.triggered[:, al.index] |= fire
                self.trigger_step[:, al.index] = np.where(
                    fire, step, self.trigger_step[:, al.index]
                )
        if ly.O == 0:
            return
        trig = self.triggered[:, self.ob_alliance]
        due_now = trig & (step >= self.trigger_step[:, self.ob_alliance] + self.ob_lag)
        newly = due_now & ~self.due
        self.due |= due_now
        self.forced |= newly & self.ob_hard & (u < self.reliability[:, self.ob_alliance])
        self.status = np.where(newly, 1, self.status).astype(np.int8)
        met = levels[:, self.ob_channel] >= self.ob_rung
        honoured = (self.status == 1) & met
        late = step >= self.trigger_step[:, self.ob_alliance] + self.ob_lag + GRACE
        broken = (self.status == 1) & ~met & late
        self.status = np.where(honoured, 2, np.where(broken, 3, self.status)).astype(np.int8)
        for mask, kind, col in (
            (honoured, "obligation_honoured", "rel_a"),
            (broken, "obligation_broken", "rel_b"),
        ):
            runs, obs = np.nonzero(mask)
            if runs.size:
                np.add.at(getattr(self, col), (runs, self.ob_alliance[obs]), 1.0)
                chans = self.ob_channel[obs]
                log.add(
                    kind,
                    step,
                    runs,
                    self.ob_member[obs],
                    ly.target[chans],
                    obs,
                    levels[runs, chans],
                    self.ob_rung[obs],
                )

    def floors(self) -> tuple[np.ndarray, np.ndarray]:
        """(R, O) hard-mode floors in force, and the channel of each obligation."""
        return self.forced, self.ob_channel

    def soft_active(self) -> np.ndarray:
        """(R, O) obligations whose soft-mode utility bonus applies (due, alliance triggered)."""
        return self.due & ~self.ob_hard

    def update_pressure(self, world) -> None:
        """Patron pressure π and the request, from the last step of the pressure front."""
        ly = self.layout
        for al in ly.alliances:
            if al.pressure is None:
                continue
            i = al.index
            gains = np.zeros(self.pressure.shape[0])
            short = np.zeros_like(gains)
            f = al.pressure_front
            if world is not None and f >= 0:
                front = ly.fronts[f]
                recipient = ly.target[al.pressure_channel]
                side = front.sides.index(recipient) if recipient in front.sides else 1
                per_unit = np.maximum(world.front_params[f].per_unit, 1e-12)
                change = world.territory_change[:, f]
                gains = (change if side == 1 else -change) / per_unit
                short = world.shortfall[:, f, side]
            pi = politics.patron_pressure(
                self.a0[:, i], self.trend[:, i], self.gap[:, i], gains, short
            )
            self.pressure[:, i] = pi
            top = int(ly.n_rungs[al.pressure_channel]) - 1
            self.request[:, i] = politics.request_rung(pi, top)
