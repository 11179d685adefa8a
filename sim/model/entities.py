"""The compiled form of a scenario's entities: one small record per channel, flow link, stock,
alliance, obligation, front, deployment and event, with indices into the model's axes
(:class:`~sim.model.layout.Layout` builds them; :func:`compile_alliances` the alliances and their
duties), and :func:`rung_level`, the one reading of a rung written in a scenario as a level."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ModelError

if TYPE_CHECKING:
    from .layout import Layout


@dataclass
class ChannelSpec:
    """One channel: an actor's ladder toward a target."""

    index: int
    ref: str
    owner: int
    name: str
    target: int
    ladder: str
    continuous: bool
    rung_ids: tuple[str, ...]
    e: list[tuple[str, Any]]
    """``(path, value)`` of each rung's hostility (a number or a distribution; none when
    continuous): :class:`~sim.model.hostility.RungHostility` turns them into the e table."""
    low: float
    high: float
    initial: float
    max_step: float
    indirect: bool
    felt_by_adversaries: bool
    policy: str
    script: tuple[float, ...] | None


@dataclass
class LinkSpec:
    """A flow link: a channel ships one stock category from its owner to its target."""

    channel: int
    src: int
    dst: int
    cat: int
    amounts: list[tuple[str, Any]]
    dud: tuple[str, Any] | None = None


@dataclass
class StockSpec:
    actor: int
    cat: int
    path: str
    spec: Any  # actors.Stock or None for an implicit recipient stock


@dataclass
class ObligationSpec:
    alliance: int
    member: int
    channel: int
    rung: int


@dataclass
class AllianceSpec:
    index: int
    id: str
    members: np.ndarray  # (A,) bool
    trigger: Any  # commitments.Trigger | None
    lag: int
    mode: str
    reliability: tuple[str, Any]
    patron: int
    pressure: Any  # commitments.Pressure | None
    pressure_client: int = -1
    pressure_channel: int = -1
    pressure_front: int = -1
    discount: tuple[str, Any] | None = None
    obligations: list[ObligationSpec] = field(default_factory=list)


@dataclass
class FrontSpec:
    index: int
    id: str
    sides: tuple[int, int]
    side_ids: tuple[str, str]
    stock_cat: tuple[int, int]
    spec: Any  # schema.Front
    substeps: int
    fires: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())
    """Stock categories each side fires (``stock``, or the keys of ``fires``)."""


@dataclass
class DeploymentSpec:
    """A channel whose rung adds forces to one side of a front (``sides.X.deployments``)."""

    index: int
    front: int
    side: int
    channel: int
    forces: list[tuple[str, Any]]
    """(path, value) of the contingent at each rung of the channel's ladder."""


@dataclass
class EventSpec:
    index: int
    at: int
    until: int
    channel: int
    level: float
    note: str


def rung_level(ch: ChannelSpec, value: Any, where: str) -> float:
    """A rung id (discrete ladder) or a number (continuous ladder) as a level."""
    if ch.continuous:
        if isinstance(value, str):
            raise ModelError(f"{where}: {ch.ref} is on a continuous ladder; give a number")
        return float(value)
    if isinstance(value, str):
        if value not in ch.rung_ids:
            raise ModelError(f"{where}: {value!r} is not a rung of ladder {ch.ladder!r}")
        return float(ch.rung_ids.index(value))
    v = float(value)
    if not (v.is_integer() and 0 <= v < len(ch.rung_ids)):
        raise ModelError(f"{where}: {value!r} is not a rung of ladder {ch.ladder!r}")
    return v


def compile_alliances(layout: Layout, sc: Any) -> tuple[list[AllianceSpec], list[ObligationSpec]]:
    """Each alliance of the scenario, with its members, duties and pressure as indices; and
    every obligation of every alliance, in order."""
    alliances: list[AllianceSpec] = []
    obligations: list[ObligationSpec] = []
    for k, (alid, al) in enumerate(sc.alliances.items()):
        where = f"alliances.{alid}"
        members = np.zeros(layout.A, dtype=bool)
        for m in al.members:
            members[layout.actor_index[m]] = True
        spec = AllianceSpec(
            index=k,
            id=alid,
            members=members,
            trigger=al.trigger,
            lag=int(al.lag),
            mode=al.mode,
            reliability=(f"{where}.reliability", al.reliability),
            patron=layout.actor_index[al.patron] if al.patron else -1,
            pressure=al.pressure,
        )
        for mid, chans in al.obligations.items():
            for cname, rung in chans.items():
                ref = f"{mid}.{cname}"
                if ref not in layout.channel_index:
                    raise ModelError(f"{where}.obligations.{mid}.{cname}: no channel {ref}")
                c = layout.channel_index[ref]
                r = int(rung_level(layout.channels[c], rung, f"{where}.obligations.{mid}.{cname}"))
                ob = ObligationSpec(k, layout.actor_index[mid], c, r)
                spec.obligations.append(ob)
                obligations.append(ob)
        if al.pressure is not None:
            c = layout.channel_index[al.pressure.on]
            spec.pressure_channel = c
            spec.pressure_client = layout.channels[c].owner
            recipient = layout.channels[c].target
            if al.pressure.front is not None:
                spec.pressure_front = layout.front_index[al.pressure.front]
            else:
                spec.pressure_front = next(
                    (f.index for f in layout.fronts if recipient in f.sides), -1
                )
            if layout.channels[c].continuous:
                raise ModelError(f"{where}.pressure.on: pressure needs a discrete ladder")
        if al.side_clauses is not None:
            spec.discount = (
                f"{where}.side_clauses.tech_cost_discount",
                al.side_clauses.tech_cost_discount,
            )
        alliances.append(spec)
    return alliances, obligations
