"""What can go wrong in an experiment, split by who must act on it.

- :class:`ExperimentError` — bad input from the user (``--runs 0``, an existing folder, an
  unknown counterfactual, an unreachable scheduler). Raised before anything is written; the
  command line prints its lines and exits with status 2.
- :class:`ChunkFailed` — a chunk raised or its worker died. What finished is kept and
  ``--resume`` continues; the command line reports the chunk and exits with status 1.
"""

from __future__ import annotations


class ExperimentError(ValueError):
    """Bad input to an experiment: one line per problem, nothing written."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


class ChunkFailed(RuntimeError):
    """A chunk failed (an exception in the model, or a worker that died).

    Attributes:
        chunks: Descriptions of the chunks that were running (``chunk 3 (runs 3000–3999)``).
        detail: The error the worker reported (a remote traceback when there is one).
        keys: The keys of those chunks in the results folder.
    """

    def __init__(self, chunks: list[str], detail: str, keys: list[str] | None = None) -> None:
        self.chunks = chunks
        self.detail = detail
        self.keys = keys or []
        super().__init__(f"{', '.join(chunks)} failed: {detail}")
