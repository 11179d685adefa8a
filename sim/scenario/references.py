"""Cross-references and ranges, checked once every block has been parsed.

Pydantic checks each block alone; what one block says about another (a channel's ladder, a
red line's watched channel, a rung named in an event) and what needs the scenario as a whole
(the horizon, an actor's resolved policy) is checked here. Every problem is an
:class:`~sim.scenario.validation.Issue` at the path of the node it is about, with a
did-you-mean where a name is close to a known one.

The checker also runs on a partly valid scenario (the blocks that validated, when others did
not), so that one run reports everything: entries that failed validation are passed in
``broken`` and references to them are neither reported nor followed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from . import commitment_checks, effects_checks, experiment_checks, policy_specs
from .actors import ActorFields, Approval, Beliefs, Channel, Observe, Stock
from .distributions import is_distribution
from .history import check_history
from .ranges import HOSTILITY, NON_NEGATIVE, PROBABILITY
from .schema import (
    Ladder,
    Scenario,
)
from .tree import Path
from .validation import Issue, did_you_mean, listing

# Which numbers of a block must lie in which range (checked for plain numbers and for the
# support of distributions alike).
_RANGES: dict[type, dict[str, tuple[float, float]]] = {
    Observe: {"detect": PROBABILITY, "misread": PROBABILITY, "attribution": PROBABILITY},
    Approval: {
        "initial": PROBABILITY,
        "baseline": PROBABILITY,
        "reversion": PROBABILITY,
        "opposed_share": PROBABILITY,
        "rally": NON_NEGATIVE,
        "arms_penalty": NON_NEGATIVE,
        "audience_cost": NON_NEGATIVE,
        "noise": NON_NEGATIVE,
    },
    Beliefs: {"expansionist": PROBABILITY, "conservatism": PROBABILITY},
    Stock: {
        "initial": NON_NEGATIVE,
        "production": NON_NEGATIVE,
        "requirement": NON_NEGATIVE,
        "consumption": NON_NEGATIVE,
    },
}
_ACTOR_RANGES = {"precision": NON_NEGATIVE, "switch_cost": NON_NEGATIVE}

_WHAT = {
    PROBABILITY: "a probability or share in [0, 1]",
    NON_NEGATIVE: "non-negative",
    HOSTILITY: "a hostility in [-10, 10] (the escalation scale)",
}


class Checker:
    """Collects the issues of one scenario."""

    def __init__(self, scenario: Scenario, broken: Mapping[str, set[Any]] | None = None):
        self.s = scenario
        self.broken = {k: set(v) for k, v in (broken or {}).items()}
        self.issues: list[Issue] = []
        time = scenario.time
        self.horizon: int | None = time.horizon if time is not None else None

    # --- reporting ---------------------------------------------------------------------------

    def add(self, path: Iterable[Any], message: str, key: bool = False) -> None:
        self.issues.append(Issue(tuple(path), message, key=key))

    # --- names -------------------------------------------------------------------------------

    def known(self, kind: str, name: Any, path: Path, what: str, key: bool = False) -> bool:
        """Whether ``name`` is an entry of ``kind`` (reported when it is not).

        A name that exists but failed validation is neither reported nor followed.
        """
        table = getattr(self.s, kind) or {}
        if name in table:
            return True
        broken = self.broken.get(kind, set())
        if name not in broken and "*" not in broken:
            options = list(table) + sorted(broken, key=str)
            hint = did_you_mean(name, options) or (
                f" ({kind.replace('_', ' ')}: {listing(options)})" if options else ""
            )
            self.add(path, f"unknown {what} {name!r}{hint}", key)
        return False

    def channel(
        self, ref: str, path: Path, key: bool = False
    ) -> tuple[str, Channel, Ladder | None] | None:
        """The channel named ``ACTOR.channel`` (and its ladder), or ``None`` (reported).

        ``key``: the reference is a mapping key (reported at the key, not at its value).
        """
        actor_id, _, name = ref.partition(".")
        if not self.known("actors", actor_id, path, "actor", key):
            return None
        channels = self.s.actors[actor_id].channels
        if ref in self.broken.get("channels", ()):
            return None  # a channel that failed validation: already reported
        if name not in channels:
            hint = did_you_mean(name, channels) or (
                f" (its channels: {listing(channels)})" if channels else " (it has no channels)"
            )
            self.add(path, f"actor {actor_id!r} has no channel {name!r}{hint}", key)
            return None
        channel = channels[name]
        return actor_id, channel, self.s.ladders.get(channel.ladder)

    def rung(self, ladder_id: str, ladder: Ladder | None, rung: Any, path: Path) -> float | None:
        """The position of ``rung`` on a ladder (its index, or its level when continuous)."""
        if ladder is None:
            return None
        if ladder.is_continuous:
            assert ladder.continuous is not None
            low, high = ladder.continuous.low, ladder.continuous.high
            if isinstance(rung, str):
                self.add(
                    path,
                    f"ladder {ladder_id!r} is continuous: expected a level in [{low:g}, {high:g}]"
                    f", found the rung name {rung!r}",
                )
                return None
            if not low <= rung <= high:
                self.add(
                    path, f"level {rung:g} is outside ladder {ladder_id!r}'s [{low:g}, {high:g}]"
                )
                return None
            return float(rung)
        ids = ladder.rung_ids
        if not isinstance(rung, str):
            self.add(
                path,
                f"ladder {ladder_id!r} has rungs: expected one of {listing(ids)}, "
                f"found the number {rung:g}",
            )
            return None
        if rung not in ids:
            hint = did_you_mean(rung, ids) or f" (rungs: {listing(ids)})"
            self.add(path, f"unknown rung {rung!r} of ladder {ladder_id!r}{hint}")
            return None
        return float(ids.index(rung))

    def step(self, value: int | None, path: Path, what: str = "step") -> None:
        if value is not None and self.horizon is not None and value > self.horizon:
            self.add(path, f"{what} {value} is after the horizon ({self.horizon} steps)")

    # --- numbers -----------------------------------------------------------------------------

    def in_range(self, value: Any, path: Path, bounds: tuple[float, float], what: str = "") -> None:
        if value is None:
            return
        low, high = bounds
        what = what or _WHAT.get(bounds, f"in [{low:g}, {high:g}]")
        if is_distribution(value):
            a, b = value.support
            if a < low or b > high:
                span = f"[{a:g}, {b:g}]"
                advice = ""
                if value.dist == "normal":
                    advice = "; truncate it with low and high"
                elif value.dist == "lognormal" and high < math.inf:
                    advice = "; use beta or uniform for a probability"
                self.add(
                    path,
                    f"must be {what}, but this {value.dist} distribution takes values in "
                    f"{span}{advice}",
                )
        elif isinstance(value, int | float) and not low <= value <= high:
            self.add(path, f"must be {what}, found {value:g}")

    def block_ranges(self, block: Any, path: Path) -> None:
        ranges = _RANGES.get(type(block))
        if block is None or ranges is None:
            return
        for name, bounds in ranges.items():
            self.in_range(getattr(block, name), (*path, name), bounds)

    # --- blocks ------------------------------------------------------------------------------

    def run(self) -> list[Issue]:
        s = self.s
        if s.time is not None and s.time.dt is not None and s.time.substeps is not None:
            self.add(("time", "substeps"), "give dt or substeps, not both (dt = 1 / substeps)")
        for lid, ladder in (s.ladders or {}).items():
            for k, rung in enumerate(ladder.rungs or []):
                self.in_range(rung.e, ("ladders", lid, "rungs", k, "e"), HOSTILITY)
            effects_checks.ladder(self, lid, ladder)
        if s.defaults is not None:
            self.actor_fields(s.defaults, ("defaults",), None)
        for aid, actor in (s.actors or {}).items():
            self.actor(aid, actor)
        for aid, alliance in (s.alliances or {}).items():
            commitment_checks.alliance(self, aid, alliance)
        for rid, red_line in (s.red_lines or {}).items():
            commitment_checks.red_line(self, rid, red_line)
        for gid, game in (s.games or {}).items():
            commitment_checks.game(self, gid, game)
        for fid, front in (s.fronts or {}).items():
            self.front(fid, front)
        for i, event in enumerate(s.events or []):
            if event is not None:
                self.event(i, event)
        for cid, cf in (s.counterfactuals or {}).items():
            experiment_checks.counterfactual(self, cid, cf)
        if s.sensitivity is not None:
            experiment_checks.sensitivity(self)
        check_history(self)
        policy_specs.check(self)
        return self.issues

    def actor_fields(self, block: ActorFields, path: Path, owner: str | None) -> None:
        for name, bounds in _ACTOR_RANGES.items():
            self.in_range(getattr(block, name), (*path, name), bounds)
        tau = block.risk_tolerance
        if tau is not None:
            low = tau.support[0] if is_distribution(tau) else tau
            if low <= 0:
                self.add((*path, "risk_tolerance"), "must be > 0 (risk costs are divided by it)")
        self.block_ranges(block.observe, (*path, "observe"))
        self.block_ranges(block.approval, (*path, "approval"))
        if block.beliefs is not None:
            self.block_ranges(block.beliefs, (*path, "beliefs"))
            for other, prior in block.beliefs.about.items():
                bpath = (*path, "beliefs", other)
                if self.known("actors", other, bpath, "actor", True):
                    if other == owner:
                        self.add(bpath, f"{owner!r} holds no belief about itself", key=True)
                self.in_range(prior.expansionist, (*bpath, "expansionist"), PROBABILITY)

    def actor(self, aid: str, actor: Any) -> None:
        path = ("actors", aid)
        self.actor_fields(actor, path, aid)
        for sid, stock in actor.stocks.items():
            self.block_ranges(stock, (*path, "stocks", sid))
        for cid, channel in actor.channels.items():
            self.channel_block(aid, actor, cid, channel)

    def channel_block(self, aid: str, actor: Any, cid: str, ch: Channel) -> None:
        path = ("actors", aid, "channels", cid)
        ladder = None
        if self.known("ladders", ch.ladder, (*path, "ladder"), "ladder"):
            ladder = self.s.ladders[ch.ladder]
        if self.known("actors", ch.target, (*path, "target"), "actor") and ch.target == aid:
            self.add((*path, "target"), f"a channel's target is another actor, not {aid!r} itself")
        if ch.initial is not None:
            self.rung(ch.ladder, ladder, ch.initial, (*path, "initial"))
        if ch.flows:
            if ladder is not None and ladder.is_continuous:
                self.add(
                    (*path, "flows"),
                    f"flows give one value per rung, and ladder {ch.ladder!r} is continuous",
                )
            for stock, values in ch.flows.items():
                fpath = (*path, "flows", stock)
                if stock not in actor.stocks and f"{aid}.{stock}" not in self.broken.get(
                    "stocks", ()
                ):
                    hint = did_you_mean(stock, actor.stocks) or (
                        f" (its stocks: {listing(actor.stocks)})"
                        if actor.stocks
                        else " (it has no stocks)"
                    )
                    self.add(fpath, f"actor {aid!r} has no stock {stock!r}{hint}", key=True)
                if ladder is not None and not ladder.is_continuous:
                    n = len(ladder.rung_ids)
                    if len(values) != n:
                        self.add(
                            fpath,
                            f"flows give one value per rung of ladder {ch.ladder!r}: expected "
                            f"{n} ({', '.join(ladder.rung_ids)}), found {len(values)}",
                        )
                for i, v in enumerate(values):
                    self.in_range(v, (*fpath, i), NON_NEGATIVE, "non-negative (a flow per step)")
        effects_checks.channel_cuts(self, aid, cid, ch, ladder)
        if ch.script is not None:
            for i, rung in enumerate(ch.script):
                self.rung(ch.ladder, ladder, rung, (*path, "script", i))
            if self.horizon is not None and len(ch.script) > self.horizon:
                self.add(
                    (*path, "script"),
                    f"a script gives one rung per step; found {len(ch.script)} for a horizon of "
                    f"{self.horizon}",
                )

    def front(self, fid: str, front: Any) -> None:
        path = ("fronts", fid)
        for side_id, side in front.sides.items():
            spath = (*path, "sides", side_id)
            exists = self.known("actors", side_id, spath, "actor", key=True)
            if side.stock is not None and exists:
                stocks = self.s.actors[side_id].stocks
                if side.stock not in stocks and f"{side_id}.{side.stock}" not in self.broken.get(
                    "stocks", ()
                ):
                    hint = did_you_mean(side.stock, stocks) or (
                        f" (its stocks: {listing(stocks)})" if stocks else " (it has no stocks)"
                    )
                    self.add(
                        (*spath, "stock"), f"actor {side_id!r} has no stock {side.stock!r}{hint}"
                    )
            for i, supplier in enumerate(side.suppliers):
                if self.known("actors", supplier, (*spath, "suppliers", i), "actor") and (
                    supplier == side_id
                ):
                    self.add((*spath, "suppliers", i), "a side does not supply itself")
            for name in ("forces", "lethality", "reinforcement", "fire_need"):
                self.in_range(getattr(side, name), (*spath, name), NON_NEGATIVE)
            for ref, values in side.deployments.items():
                self.deployment(ref, values, (*spath, "deployments", ref))
            effects_checks.side_fires(self, spath, side_id, side)
        for actor_id, rate in front.dud_rate.items():
            dpath = (*path, "dud_rate", actor_id)
            self.known("actors", actor_id, dpath, "actor", key=True)
            self.in_range(rate, dpath, PROBABILITY)
        self.in_range(front.fire_elasticity, (*path, "fire_elasticity"), NON_NEGATIVE)
        self.in_range(front.territory.per_unit, (*path, "territory", "per_unit"), NON_NEGATIVE)
        self.in_range(front.territory.threshold, (*path, "territory", "threshold"), NON_NEGATIVE)

    def deployment(self, ref: str, values: list[Any], path: Path) -> None:
        """A front side's ``deployments`` entry: forces per rung of a discrete channel."""
        found = self.channel(ref, path, key=True)
        if found is not None:
            _, channel, ladder = found
            if ladder is not None and ladder.is_continuous:
                self.add(
                    path,
                    f"deployments give forces per rung, and ladder {channel.ladder!r} of {ref} "
                    "is continuous",
                )
            elif ladder is not None and len(values) != len(ladder.rung_ids):
                n = len(ladder.rung_ids)
                self.add(
                    path,
                    f"deployments give one value per rung of ladder {channel.ladder!r}: expected "
                    f"{n} ({', '.join(ladder.rung_ids)}), found {len(values)}",
                )
        for i, v in enumerate(values):
            self.in_range(v, (*path, i), NON_NEGATIVE, "non-negative (forces at this rung)")

    def event(self, i: int, event: Any) -> None:
        path = ("events", i)
        self.step(event.at, (*path, "at"), "event at step")
        if event.until is not None:
            if event.until < event.at:
                self.add((*path, "until"), f"until ({event.until}) is before at ({event.at})")
            self.step(event.until, (*path, "until"), "until step")
        found = self.channel(event.set, (*path, "set"))
        if found is not None:
            _, channel, ladder = found
            self.rung(channel.ladder, ladder, event.to, (*path, "to"))


def check(scenario: Scenario, broken: Mapping[str, set[Any]] | None = None) -> list[Issue]:
    """Every cross-reference and range problem of ``scenario`` (parsed, defaults unresolved)."""
    return Checker(scenario, broken).run()
