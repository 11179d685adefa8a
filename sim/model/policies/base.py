"""What every policy is: a rule from what an actor perceives to a level per channel.

A policy instance serves all channels whose owner uses it (one instance per policy in a model),
so its work is vectorised over replications and looped over channels only. ``decide`` reads
the model's state as it stood after the previous step (decisions are simultaneous) and returns
the proposed level of each of its channels; the model then applies ``max_step``, events,
alliance duties and interventions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from sim.scenario.policy_specs import PolicySpec

from ..errors import ModelError

if TYPE_CHECKING:
    from ..hostility import RungHostility
    from ..layout import Layout
    from ..params import Params
    from ..wargame import Wargame


class Policy:
    """Base class. Subclasses set ``spec`` (their :class:`PolicySpec`) and implement
    :meth:`decide`; ``name`` and ``classifier`` are read from the spec.

    What a policy needs of its actor and channels is checked by the scenario layer from the
    spec (:func:`sim.scenario.policy_specs.check`) before any model is built, so a policy's
    constructor may take those needs as given.
    """

    spec: ClassVar[PolicySpec]
    name: ClassVar[str] = ""
    classifier: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "spec" in cls.__dict__:
            cls.name = cls.spec.name
            cls.classifier = cls.spec.classifier

    def __init__(self, layout: Layout, channels: list[int], params: Params) -> None:
        self.layout = layout
        self.channels = np.asarray(channels, dtype=np.intp)
        self._decided: tuple[int, np.ndarray] | None = None

    def decision(self, model: Wargame, u: np.ndarray) -> np.ndarray:
        """:meth:`decide` once per step, however many agents ask: the proposed levels (R, n).

        The agents using this policy each read their own columns of it (``StateAgent.step``);
        the work stays vectorised over the policy's channels and a stateful policy (grim
        trigger) updates its state once a step.
        """
        if self._decided is None or self._decided[0] != model.steps:
            self._decided = (model.steps, self.decide(model, u))
        return self._decided[1]

    def pairs(self) -> list[tuple[int, int]]:
        """(observer, channel) pairs this policy needs perceived beyond the standard ones."""
        return []

    def decide(self, model: Wargame, u: np.ndarray) -> np.ndarray:
        """Proposed levels (R, n) of this policy's channels.

        Args:
            model: the model, with the state after the previous step: ``model.steps`` is the
                step being decided (Mesa counts a step before running it), so the state read
                is that of step ``model.steps - 1``.
            u: (R, C) this step's choice uniforms, one per channel (column = channel index).
        """
        raise NotImplementedError


def counterpart(layout: Layout, c: int) -> int:
    """The opponent channel a reactive policy on channel c answers.

    In order: the other channel of a game that contains c; the target's channel aimed back at
    c's owner on the same ladder; on any ladder; else the target's channel the owner feels most.

    Raises:
        ModelError: if the target has no channel the owner could answer.
    """
    ly = layout
    for g in ly.games:
        if c in g.channels:
            return g.channels[1] if g.channels[0] == c else g.channels[0]
    me, other = ly.owner[c], ly.target[c]
    theirs = ly.channels_of[other]
    back = [k for k in theirs if ly.target[k] == me]
    same = [k for k in back if ly.channels[k].ladder == ly.channels[c].ladder]
    if same:
        return same[0]
    if back:
        return back[0]
    felt = [k for k in theirs if ly.felt[k, me]]
    if felt:
        return felt[0]
    raise ModelError(
        f"{ly.channels[c].ref}: a reactive policy needs an opponent channel to answer, but "
        f"{ly.actors[other]} has no channel aimed at {ly.actors[me]}"
    )


def match_rung(
    layout: Layout, rung_e: RungHostility, mine: int, theirs: int, level: np.ndarray
) -> np.ndarray:
    """Map a level (R,) seen on channel ``theirs`` onto channel ``mine``'s ladder.

    Same ladder: the same rung (clipped). Otherwise the rung of mine whose e (in the run's own
    draw of the rung hostilities) is nearest the e of the level seen (ties to the lower rung).
    """
    ly = layout
    k_mine = int(ly.n_rungs[mine])
    if ly.channels[mine].ladder == ly.channels[theirs].ladder:
        return np.clip(np.rint(level), 0, k_mine - 1)
    e_seen = rung_e.of(level[:, None], np.array([theirs]))[:, 0]
    e_mine = rung_e.rungs(mine)
    return np.argmin(np.abs(e_seen[:, None] - e_mine), axis=1).astype(float)
