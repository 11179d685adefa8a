"""Checks of the commitments: alliances (members, obligations, pressure), red lines (what they
watch and answer with) and games (their payoffs cover every pair of rungs).

Called by :class:`sim.scenario.references.Checker` (passed in as ``chk``), so that each problem
is an issue at the path of the node it is about, like every other cross-reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import conditions
from .commitments import FlowAbove, payoff_key
from .ranges import HOSTILITY, NON_NEGATIVE, PROBABILITY
from .tree import Path
from .validation import did_you_mean, listing

if TYPE_CHECKING:
    from .references import Checker


def alliance(chk: Checker, aid: str, al: Any) -> None:
    path = ("alliances", aid)
    seen: set[str] = set()
    for i, member in enumerate(al.members):
        if member in seen:
            chk.add((*path, "members", i), f"{member!r} is listed twice")
        seen.add(member)
        chk.known("actors", member, (*path, "members", i), "actor")
    for member, duties in al.obligations.items():
        opath = (*path, "obligations", member)
        if member not in al.members:
            chk.add(opath, f"{member!r} is not a member of this alliance", key=True)
            continue
        if member not in chk.s.actors:
            continue
        for cid, rung in duties.items():
            ref = chk.channel(f"{member}.{cid}", (*opath, cid))
            if ref is not None:
                _, channel, ladder = ref
                chk.rung(channel.ladder, ladder, rung, (*opath, cid))
    if al.patron is not None and al.patron not in al.members:
        chk.add((*path, "patron"), f"the patron {al.patron!r} is not a member")
    if al.pressure is not None:
        ppath = (*path, "pressure")
        ref = chk.channel(al.pressure.on, (*ppath, "on"))
        client = al.pressure.on.partition(".")[0]
        if ref is not None:
            if client not in al.members:
                chk.add(
                    (*ppath, "on"),
                    f"pressure is on a member's channel; {client!r} is not a member",
                )
            elif client == al.patron:
                chk.add((*ppath, "on"), "pressure is on a client's channel, not the patron's")
        if al.patron is None:
            chk.add(ppath, "pressure needs a patron: add patron: ACTOR")
        if al.pressure.front is not None:
            chk.known("fronts", al.pressure.front, (*ppath, "front"), "front")
    chk.in_range(al.reliability, (*path, "reliability"), PROBABILITY)
    if al.trigger is not None:
        chk.in_range(al.trigger.min_e, (*path, "trigger", "min_e"), HOSTILITY)
    if al.side_clauses is not None:
        chk.in_range(
            al.side_clauses.tech_cost_discount,
            (*path, "side_clauses", "tech_cost_discount"),
            PROBABILITY,
        )
    if chk.horizon is not None and al.lag > chk.horizon:
        chk.add((*path, "lag"), f"lag {al.lag} is longer than the horizon ({chk.horizon})")


def red_line(chk: Checker, rid: str, rl: Any) -> None:
    path = ("red_lines", rid)
    chk.known("actors", rl.owner, (*path, "owner"), "actor")
    for lpath, leaf in conditions.leaves(rl.watch, (*path, "watch")):
        watched(chk, rl.owner, leaf, lpath)
    many = rl.responses is not None
    if many and rl.response is not None:
        chk.add((*path, "responses"), "give either response or responses, not both", True)
    for k, resp in enumerate(rl.committed):
        rpath = (*path, "responses", k) if many else (*path, "response")
        found = chk.channel(resp.channel, (*rpath, "channel"))
        if found is not None:
            owner_of, channel, ladder = found
            if owner_of != rl.owner:
                chk.add(
                    (*rpath, "channel"),
                    f"the response is one of the owner's ({rl.owner}) channels",
                )
            chk.rung(channel.ladder, ladder, resp.at_least, (*rpath, "at_least"))
    chk.in_range(rl.credibility, (*path, "credibility"), PROBABILITY)
    chk.in_range(rl.audience_cost, (*path, "audience_cost"), NON_NEGATIVE)
    chk.step(rl.window, (*path, "window"), "window")


def watched(chk: Checker, owner: str, leaf: Any, path: Path) -> None:
    """One leaf of a red line's condition: another actor's channel, rung or flow."""
    flow = isinstance(leaf, FlowAbove)
    ref = conditions.leaf_channel(leaf)
    found = chk.channel(ref, (*path, "flow" if flow else "channel"))
    if found is None:
        return
    owner_of, channel, ladder = found
    if owner_of == owner:
        chk.add(
            (*path, "flow" if flow else "channel"),
            "a red line watches another actor's channel, not its owner's",
        )
    if not flow:
        chk.rung(channel.ladder, ladder, leaf.at_least, (*path, "at_least"))
        return
    if leaf.stock not in channel.flows:
        ships = listing(channel.flows) if channel.flows else "nothing"
        hint = did_you_mean(leaf.stock, channel.flows) or f" (it ships {ships})"
        chk.add((*path, "stock"), f"{ref} ships no {leaf.stock!r}{hint}")
    chk.in_range(leaf.above, (*path, "above"), NON_NEGATIVE)


def game(chk: Checker, gid: str, game: Any) -> None:
    path = ("games", gid)
    ladders = []
    for i, ref in enumerate(game.channels):
        found = chk.channel(ref, (*path, "channels", i))
        if found is not None:
            _, channel, ladder = found
            if ladder is not None and ladder.is_continuous:
                chk.add(
                    (*path, "channels", i),
                    f"a game needs rungs; ladder {channel.ladder!r} is continuous",
                )
                ladder = None
            ladders.append(ladder)
    if len(game.channels) == 2 and game.channels[0] == game.channels[1]:
        chk.add((*path, "channels"), "a game is played between two different channels")
    if len(ladders) != 2 or None in ladders:
        return
    pairs = [payoff_key(a, b) for a in ladders[0].rung_ids for b in ladders[1].rung_ids]
    missing = [p for p in pairs if p not in game.payoffs]
    unknown = [k for k in game.payoffs if k not in pairs]
    for key in unknown:
        if len(missing) == 1 and len(unknown) == 1:
            hint = f"; did you mean {missing[0]!r}?"  # the one pair left out
        else:
            hint = did_you_mean(key, pairs) or f" (pairs: {listing(pairs)})"
        chk.add(
            (*path, "payoffs", key),
            f"{key!r} is not a pair of rungs (row rung then column rung){hint}",
            key=True,
        )
    if missing:
        chk.add((*path, "payoffs"), f"missing payoffs for {listing(missing)}")
