"""Checks of the experiment blocks: counterfactual arms and measures, sensitivity targets and
parameters.

Called by :class:`sim.scenario.references.Checker` (passed in as ``chk``), so that each problem
is an issue at the path of the node it is about, like every other cross-reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.outcomes import column, parse

from .actors import resolve_defaults
from .distributions import is_distribution
from .paths import get_path
from .schema import MeasureActor, MeasureDyad, MeasureFront, MeasureRedLine, dyad_key
from .tree import Path

if TYPE_CHECKING:
    from .references import Checker


def counterfactual(chk: Checker, cid: str, cf: Any) -> None:
    path = ("counterfactuals", cid)
    for arm, bounds in cf.arms.items():
        for ref, bound in bounds.items():
            bpath = (*path, "arms", arm, ref)
            found = chk.channel(ref, bpath)
            if found is None:
                continue
            _, channel, ladder = found
            lo = hi = None
            if bound.at_least is not None:
                lo = chk.rung(channel.ladder, ladder, bound.at_least, (*bpath, "at_least"))
            if bound.at_most is not None:
                hi = chk.rung(channel.ladder, ladder, bound.at_most, (*bpath, "at_most"))
            if lo is not None and hi is not None and lo > hi:
                chk.add(
                    (*bpath, "at_most"),
                    f"at_most ({bound.at_most}) is below at_least ({bound.at_least})",
                )
            chk.step(bound.from_, (*bpath, "from"), "from step")
            if bound.until is not None:
                if bound.until < bound.from_:
                    chk.add(
                        (*bpath, "until"),
                        f"until ({bound.until}) is before from ({bound.from_})",
                    )
                chk.step(bound.until, (*bpath, "until"), "until step")
    # A measure's step is checked against the horizon by ``compare`` (which uses it), not
    # here: ``run --horizon 12`` must not be refused for a comparison it does not make.
    for i, m in enumerate(cf.measure):
        mpath = (*path, "measure", i)
        if isinstance(m, MeasureRedLine):
            chk.known("red_lines", m.red_line, (*mpath, "red_line"), "red line")
        elif isinstance(m, MeasureFront):
            chk.known("fronts", m.front, (*mpath, "front"), "front")
        elif isinstance(m, MeasureDyad):
            measured_dyad(chk, m.dyad, (*mpath, "dyad"), dyad_key(*m.dyad.partition("-")[::2]))
        elif isinstance(m, MeasureActor):
            chk.known("actors", m.actor, (*mpath, "actor"), "actor")


def dyad(chk: Checker, text: str, path: Path) -> bool:
    a, _, b = text.partition("-")
    ok = chk.known("actors", a, path, "actor")
    ok = chk.known("actors", b, path, "actor") and ok
    if ok and a == b:
        chk.add(path, "a dyad is two different actors")
        return False
    return ok


def measured_dyad(chk: Checker, name: str, path: Path, fixed: str) -> None:
    """A dyad whose escalation is measured (a measure, a sensitivity target): its ids in order
    (``fixed`` is the name with them in order), joined by a channel."""
    if not dyad(chk, name, path):
        return
    a, _, b = name.partition("-")
    if dyad_key(a, b) != name:
        chk.add(path, f"dyads are named with their ids in order; did you mean {fixed!r}?")
    elif not linked(chk, a, b):
        chk.add(
            path,
            f"no channel joins {a} and {b}, so there is no escalation between them to measure",
        )


def sensitivity(chk: Checker) -> None:
    sens = chk.s.sensitivity
    for i, target in enumerate(sens.targets):
        tpath = ("sensitivity", "targets", i)
        parsed = parse(target)  # a valid target: the schema's TARGET_PATTERN matched it
        kind, name = (parsed.family, parsed.subject) if parsed is not None else ("", "")
        if kind == "red_line":
            chk.known("red_lines", name, tpath, "red line")
        elif kind == "front":
            chk.known("fronts", name, tpath, "front")
        elif kind == "actor":
            chk.known("actors", name, tpath, "actor")
        elif kind == "escalation":
            a, _, b = name.partition("-")
            fixed = column("escalation", dyad_key(a, b), parsed.stat.name)
            measured_dyad(chk, name, tpath, fixed)
    if sens.params and not any(chk.broken.values()):
        resolved = resolve_defaults(chk.s)
        for i, param in enumerate(sens.params):
            ppath = ("sensitivity", "params", i)
            try:
                value = get_path(resolved, param)
            except KeyError as exc:
                chk.add(ppath, str(exc.args[0]))
                continue
            if not (is_distribution(value) or type(value) is float):
                chk.add(ppath, f"{param} is not a number parameter (found {value!r})")


def linked(chk: Checker, a: str, b: str) -> bool:
    for x, y in ((a, b), (b, a)):
        if any(ch.target == y for ch in chk.s.actors[x].channels.values()):
            return True
    return False
