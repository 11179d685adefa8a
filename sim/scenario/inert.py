"""Settings that validate but do nothing: reported as warnings, never refused.

A weight, a block or an actor the model never reads is almost always a mistake of the writer —
an `approval` block forgotten, an obligation left out, an actor whose channels were never
written — and nothing in the results would show it. Each is reported at its ``file:line:col``
as a :class:`~sim.scenario.errors.ScenarioWarning` (a Python warning: the command line prints
it, a notebook shows it) and the scenario loads all the same.

What is inert, and why (the model's terms are in docs/ODD.md §7.2):

- ``weights.domestic`` of an actor whose approval has no ``rally`` and no ``arms_penalty``: the
  domestic term is made of those two, so it is 0 whatever the weight (without an ``approval``
  block both are 0);
- an alliance with no ``obligations``, ``patron``, ``pressure`` or ``side_clauses``: when it is
  triggered nothing falls due, and no member's utility changes — only the event is logged;
- an actor with no channel, whom no channel targets and who is no side of a front: nothing it
  does or suffers enters the model.
"""

from __future__ import annotations

from typing import Any

from .actors import resolve_defaults
from .distributions import is_distribution
from .schema import Scenario
from .validation import Issue


def _zero(value: Any) -> bool:
    return not is_distribution(value) and value == 0


def inert_settings(scenario: Scenario) -> list[Issue]:
    """The inert settings of a valid scenario (defaults unresolved), each at its path."""
    return [*_domestic(scenario), *_alliances(scenario), *_isolated(scenario)]


def _domestic(s: Scenario) -> list[Issue]:
    resolved = resolve_defaults(s)
    out, from_defaults = [], []
    for aid, actor in resolved.actors.items():
        weight, approval = actor.weights.domestic, actor.approval
        if _zero(weight) or not (_zero(approval.rally) and _zero(approval.arms_penalty)):
            continue
        own = s.actors[aid].weights
        if own is not None and "domestic" in own.model_fields_set:
            why = (
                f"{aid} has no approval block"
                if s.actors[aid].approval is None and s.defaults.approval is None
                else f"{aid}'s approval has no rally and no arms_penalty"
            )
            out.append(
                Issue(
                    ("actors", aid, "weights", "domestic"),
                    f"this weight does nothing: {why}, and the domestic term is made of those"
                    " two (add `approval: {rally: …, arms_penalty: …}`)",
                )
            )
        else:
            from_defaults.append(aid)
    if from_defaults:
        out.append(
            Issue(
                ("defaults", "weights", "domestic"),
                f"this weight does nothing for {', '.join(from_defaults)}: their approval gives"
                " no rally and no arms_penalty, of which the domestic term is made",
            )
        )
    return out


def _alliances(s: Scenario) -> list[Issue]:
    return [
        Issue(
            ("alliances", alid),
            "this alliance binds no one: with no obligations, patron, pressure or side_clauses,"
            " its trigger changes no member's choice (only the event is logged)",
            key=True,
        )
        for alid, al in s.alliances.items()
        if not al.obligations
        and al.patron is None
        and al.pressure is None
        and al.side_clauses is None
    ]


def _isolated(s: Scenario) -> list[Issue]:
    targeted = {ch.target for actor in s.actors.values() for ch in actor.channels.values()}
    fighting = {side for front in s.fronts.values() for side in front.sides}
    return [
        Issue(
            ("actors", aid),
            f"{aid} takes no part: it has no channel, no channel targets it and it is no side"
            " of a front",
            key=True,
        )
        for aid, actor in s.actors.items()
        if not actor.channels and aid not in targeted and aid not in fighting
    ]
