"""Located problems in scenario files, and the exception that carries them.

Every problem a user can make in a scenario is reported as one line
``FILE:LINE:COL: dotted.path: message`` (lines and columns 1-based), so that editors and
terminals can jump to it. One :class:`ScenarioError` carries all problems found in a run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ROOT_PATH = "<document>"
"""How the path of the whole document is written."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a scenario, at one place.

    Attributes:
        file: The file as the user named it (or ``<override>`` for ``--set`` values).
        line: 1-based line.
        col: 1-based column.
        path: The dotted path of the node in the document (``actors.ROK.weights``).
        message: What is wrong: what was expected and what was found.
    """

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.path or ROOT_PATH}: {self.message}"


class ScenarioError(Exception):
    """A scenario that cannot be loaded, with every problem found in it.

    Attributes:
        problems: The problems, sorted by file, line and column, without duplicates.
        lines: The problems formatted as ``FILE:LINE:COL: dotted.path: message``.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(set(problems))
        if not self.problems:
            raise ValueError("a ScenarioError needs at least one problem")
        self.lines: list[str] = [str(p) for p in self.problems]
        super().__init__("\n".join(self.lines))

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[list[Problem]]]:
        # Exceptions pickle their args by default; ours is built from problems.
        return (ScenarioError, (self.problems,))


class ScenarioWarning(UserWarning):
    """A setting that validates but does nothing (:mod:`sim.scenario.inert`): never blocks.

    Its text is ``FILE:LINE:COL: warning: dotted.path: message``; ``problem`` holds the parts.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        p = problem
        super().__init__(f"{p.file}:{p.line}:{p.col}: warning: {p.path or ROOT_PATH}: {p.message}")

    def __reduce__(self) -> tuple[type[ScenarioWarning], tuple[Problem]]:
        return (ScenarioWarning, (self.problem,))
