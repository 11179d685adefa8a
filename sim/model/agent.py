"""A state as a Mesa agent: it decides its own channels, for all replications at once.

Each :class:`StateAgent` holds the policy that moves its channels and, when the model steps
(``model.agents.do("step")``), proposes a level for each of them from the state of the
previous step. Moves are simultaneous: agents write proposals, and the model applies them
(move limits, events, duties, bounds) only once every agent has decided. Everything else an
agent is — its approval, stocks, payoff, what it perceives — is its slice of the model's arrays
(replications first), read through properties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from .policies import Policy
    from .wargame import Wargame


class StateAgent(mesa.Agent):
    """One actor (a state).

    Attributes:
        actor_id: the scenario id (``"ROK"``).
        index: the actor's position on the model's actor axis.
        name: the actor's display name.
        policy_name: the scenario's policy for this actor.
        policy: the policy instance that moves this actor's channels (one instance serves all
            actors of a policy, vectorised over their channels; None for an actor without
            channels).
        channels: (n,) the model's indices of this actor's channels.
    """

    def __init__(self, model: Wargame, index: int, policy: Policy | None) -> None:
        super().__init__(model)
        ly = model.layout
        self.index = index
        self.actor_id = ly.actors[index]
        spec = model.spec.actors[self.actor_id]
        self.name = spec.name or self.actor_id
        self.policy_name = spec.policy
        self.policy = policy
        self.channels = np.asarray(ly.channels_of[index], dtype=np.intp)
        if policy is not None:
            where = {int(c): k for k, c in enumerate(policy.channels)}
            self._columns = np.array([where[int(c)] for c in self.channels], dtype=np.intp)

    def step(self) -> None:
        """Decide: propose this step's level of each of the actor's channels (R, n).

        The policy reads the state as it stood after the previous step and the step's choice
        uniforms (``model.u_choice``); proposals go to ``model.proposed``.
        """
        if self.policy is None:
            return
        m = self.model
        m.proposed[:, self.channels] = self.policy.decision(m, m.u_choice)[:, self._columns]

    @property
    def levels(self) -> dict[str, np.ndarray]:
        """Current level (rung index, or continuous level) of each channel, arrays (R,)."""
        ly = self.model.layout
        return {ly.channels[c].name: self.model.level[:, c] for c in self.channels}

    @property
    def approval(self) -> np.ndarray:
        """Approval (R,)."""
        return self.model.world.approval[:, self.index]

    @property
    def approval_mean(self) -> float:
        """Approval averaged over replications (a DataCollector reporter)."""
        return float(self.approval.mean())

    @property
    def stocks(self) -> dict[str, np.ndarray]:
        """Stock level of each category the actor holds, arrays (R,)."""
        ly = self.model.layout
        w = self.model.world
        return {
            ly.categories[s.cat]: w.stock[:, self.index, s.cat]
            for s in ly.stocks
            if s.actor == self.index
        }

    @property
    def payoff(self) -> np.ndarray:
        """Cumulative repeated-game payoff (R,)."""
        return self.model.payoff[:, self.index]

    @property
    def hostility(self) -> dict[str, np.ndarray]:
        """Hostility this actor perceives from each other actor, arrays (R,)."""
        ly = self.model.layout
        return {
            a: self.model.hostility[:, self.index, j]
            for j, a in enumerate(ly.actors)
            if j != self.index
        }

    def __repr__(self) -> str:
        return f"StateAgent({self.actor_id!r}, policy={self.policy_name!r})"


def agent_approval(agent: StateAgent) -> float:
    """DataCollector reporter: an agent's approval, mean over replications (picklable)."""
    return agent.approval_mean
