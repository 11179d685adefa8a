"""The manifest of a new results folder: what ran, with what, and every planned chunk.

See ``architecture.md`` for its fields; ``identity`` holds what a ``--resume`` must match and
``written_by`` is the ownership mark that ``--force`` checks (:mod:`sim.experiments.guard`).
"""

from __future__ import annotations

import hashlib
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .ensemble import Chunk, Ensemble


def _sha256(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def source_text(scenario: Any, source: Path | None) -> bytes | None:
    """The bytes of the scenario file as written (``None`` when it came from elsewhere)."""
    path = source or getattr(scenario, "source", None) or getattr(scenario, "path", None)
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def manifest_for(
    ens: Ensemble, fmt: str, chunks: Sequence[Chunk], command: Sequence[str] | None
) -> dict[str, Any]:
    """The manifest of a new results folder (see ``architecture.md``)."""
    from sim.scenario import dump_resolved

    from .guard import OWNER
    from .store import now, versions

    resolved = dump_resolved(ens.scenario)
    text = source_text(ens.scenario, ens.source)
    arms = list(ens.arms) if ens.arms else None
    identity = {
        "kind": ens.kind,
        "scenario_sha256": _sha256(resolved),
        "seed": ens.seed,
        "runs": ens.runs,
        "chunk_size": ens.chunk_size,
        "record": ens.record,
        "format": fmt,
        "arms": arms,
        **ens.identity,
    }
    return {
        "wargame_results": 1,
        "written_by": OWNER,
        "kind": ens.kind,
        "scenario_id": ens.scenario.id,
        "scenario": {
            "id": ens.scenario.id,
            "title": ens.scenario.title,
            "file": str(ens.source) if ens.source else None,
            "sha256_text": _sha256(text) if text is not None else None,
            "sha256_resolved": identity["scenario_sha256"],
            "horizon": ens.scenario.time.horizon,
        },
        "seed": ens.seed,
        "runs": ens.runs,
        "chunk_size": ens.chunk_size,
        "n_chunks": math.ceil(ens.runs / ens.chunk_size),
        "record": ens.record,
        "format": fmt,
        "arms": arms,
        **ens.info,
        "versions": versions(),
        "command": list(command) if command is not None else list(sys.argv),
        "started": now(),
        "finished": None,
        "status": "new",
        "identity": identity,
        "chunks": [
            {
                "key": c.key,
                "arm": c.arm,
                "index": c.index,
                "runs": [c.start, c.stop],
                "status": "pending",
            }
            for c in chunks
        ],
        "_scenario_yaml": resolved,
    }


def override_lines(overrides: Any) -> list[str]:
    """The overrides an ensemble ran with, as ``PATH=VALUE`` lines: recorded in the manifest,
    echoed at the top of the summary and in the report."""
    if not overrides:
        return []
    if isinstance(overrides, Mapping):
        return [f"{k}={v}" for k, v in overrides.items()]
    return [str(o) for o in overrides]
