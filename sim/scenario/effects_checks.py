"""Checks of the keys that give rungs and fronts effects: interdiction, sanctions, several fires.

Called by :class:`sim.scenario.references.Checker` (passed in as ``chk``), so that each problem
is an issue at the path of the node it is about, like every other cross-reference.
"""

from __future__ import annotations

from typing import Any

from .distributions import is_distribution
from .ranges import NON_NEGATIVE, PROBABILITY
from .validation import did_you_mean, listing


def ladder(chk: Any, lid: str, lad: Any) -> None:
    """A rung's ``interdicts`` is a share; its ``economic_cost`` is non-negative."""
    for k, rung in enumerate(lad.rungs or []):
        path = ("ladders", lid, "rungs", k)
        chk.in_range(
            rung.interdicts, (*path, "interdicts"), PROBABILITY, "a share of shipments in [0, 1]"
        )
        if rung.economic_cost is not None:
            for name in ("target", "sender"):
                chk.in_range(
                    getattr(rung.economic_cost, name),
                    (*path, "economic_cost", name),
                    NON_NEGATIVE,
                    "non-negative (economy index lost per year)",
                )


def channel_cuts(chk: Any, aid: str, cid: str, ch: Any, lad: Any) -> None:
    """``cuts`` names supply channels with flows and actors, on a ladder that interdicts."""
    if ch.cuts is None:
        return
    path = ("actors", aid, "channels", cid, "cuts")
    if lad is not None and not any(r.interdicts is not None for r in lad.rungs or []):
        chk.add(
            path,
            f"cuts needs a rung that interdicts: no rung of ladder {ch.ladder!r} has "
            "'interdicts: share'",
            key=True,
        )
    for i, ref in enumerate(ch.cuts.flows):
        found = chk.channel(ref, (*path, "flows", i))
        if found is None:
            continue
        owner, channel, _ = found
        if owner == aid:
            chk.add((*path, "flows", i), f"a channel does not cut its own actor's flows ({ref})")
        elif not channel.flows:
            chk.add((*path, "flows", i), f"{ref} ships nothing (it has no flows) to cut")
    for i, actor in enumerate(ch.cuts.to):
        if chk.known("actors", actor, (*path, "to", i), "actor") and actor == aid:
            chk.add((*path, "to", i), "a channel does not cut shipments to its own actor")


def side_fires(chk: Any, spath: tuple[Any, ...], side_id: str, side: Any) -> None:
    """``fires``: stocks the actor holds, not with ``stock``/``fire_need``, sane numbers."""
    if not side.fires:
        return
    need = side.fire_need
    if side.stock is not None or is_distribution(need) or need != 0:
        what = "stock" if side.stock is not None else "fire_need"
        chk.add(
            (*spath, what),
            "give either stock and fire_need (one stock) or fires (several), not both",
            key=True,
        )
    stocks = chk.s.actors[side_id].stocks if side_id in chk.s.actors else None
    for name, fire in side.fires.items():
        fpath = (*spath, "fires", name)
        if stocks is not None and name not in stocks:
            hint = did_you_mean(name, stocks) or (
                f" (its stocks: {listing(stocks)})" if stocks else " (it has no stocks)"
            )
            chk.add(fpath, f"actor {side_id!r} has no stock {name!r}{hint}", key=True)
        chk.in_range(fire.need, (*fpath, "need"), NON_NEGATIVE, "non-negative (rounds per day)")
        chk.in_range(fire.share, (*fpath, "share"), NON_NEGATIVE, "a non-negative weight")
        for i, supplier in enumerate(fire.suppliers):
            if chk.known("actors", supplier, (*fpath, "suppliers", i), "actor") and (
                supplier == side_id
            ):
                chk.add((*fpath, "suppliers", i), "a side does not supply itself")
        for actor_id, rate in fire.dud_rate.items():
            dpath = (*fpath, "dud_rate", actor_id)
            chk.known("actors", actor_id, dpath, "actor", key=True)
            chk.in_range(rate, dpath, PROBABILITY)
    shares = [f.share for f in side.fires.values()]
    if all(isinstance(x, int | float) for x in shares) and not any(shares):
        chk.add((*spath, "fires"), "the shares of a side's fires are all 0; give one > 0")
