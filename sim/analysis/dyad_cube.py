"""The dyad cube: each dyad's escalation index (``max(E_ij, E_ji)``) for every run and step.

Pairing the two directions of a dyad is a group-by over (run, step, dyad) — 30 million groups
at 100,000 runs, a minute for DuckDB's hash aggregate. The rows come instead from one streamed
scan of five columns (:meth:`sim.analysis.query.Query.batches`), and the cube (runs × groups ×
steps, 240 MB at 100,000 runs) is all that is held.

Two ways to put a batch in the cube, the same numbers either way:

- **Whole runs laid out alike** (what the model writes: a chunk's rows run by run, each run's
  in one order of step and direction). A batch of ``k`` such runs is a ``k × P`` block whose
  columns land in the same cells of every run, so the pairing is one gather per direction of a
  block, and the check that the layout holds compares the raw dictionary codes, never looking
  a row up.
- **Anything else** (a run cut between batches, rows missing, arms mixed): each row scattered
  into its cell, each direction once, with ``fmax`` so that the two meet.
"""

from __future__ import annotations

import numpy as np

from sim.analysis.axes import arms, steps


class _NewPair(Exception):
    """A batch holds a (actor, target) pair the first run did not: ask for all pairs."""


def dyad_cube(src) -> tuple[np.ndarray, np.ndarray, dict[tuple[str, str], int], np.ndarray]:
    """The dyad index of every run: ``(steps, runs, {(arm, dyad): i}, cube)``, the cube runs ×
    groups × steps (NaN where a run has no value; :func:`dyad_paths_of` gives one group).

    The dyads are read off the first run's rows (row-group statistics on ``run`` make that a
    read of one row group); a later run with another pair — not something the model writes —
    makes the scan start again with every pair.
    """

    def compute():
        q = src.query
        first = "WHERE run = (SELECT min(run) FROM dyads)"
        try:
            return _cube(src, _pairs(q, first))
        except _NewPair:
            return _cube(src, _pairs(q, ""))

    return src.memo("dyad_cube", compute)


def _pairs(q, where: str) -> list[tuple[str, str]]:
    df = q.frame(
        "SELECT DISTINCT CAST(actor AS VARCHAR) AS a, CAST(target AS VARCHAR) AS t "
        f"FROM dyads {where}"
    )
    return [(str(a), str(t)) for a, t in df.itertuples(index=False)]


def _cube(src, pairs: list[tuple[str, str]]):
    q = src.query
    arm_list = arms(src, "dyads") or [""]
    steps_ = steps(src, "dyads")
    runs = q.frame("SELECT DISTINCT run FROM dyads ORDER BY run")["run"].to_numpy()
    actors = sorted({a for p in pairs for a in p})
    dyads = sorted({"-".join(sorted(p)) for p in pairs})
    keys = {(arm, d): i for i, (arm, d) in enumerate((a, d) for a in arm_list for d in dyads)}
    index = {a: i for i, a in enumerate(actors)}
    lut = np.full((len(actors) + 1, len(actors) + 1), -1, dtype=np.int32)  # -1: unknown
    for a, t in pairs:
        lut[index[a], index[t]] = dyads.index("-".join(sorted((a, t))))
    cube = np.full((len(runs), len(keys), len(steps_)), np.nan)
    ranges = _is_range(steps_) and _is_range(runs)
    columns = ["actor", "target", "step", "run", "escalation"]
    columns += ["arm"] if arm_list != [""] else []
    arm_index = {a: i for i, a in enumerate(arm_list)}
    axes = _Axes(cube, runs, steps_, ranges, lut, index, arm_index, len(dyads))
    last = None
    for b in q.batches("dyads", columns):
        col = dict(zip(b.schema.names, b.columns, strict=True))
        run = col["run"].to_numpy(zero_copy_only=False)
        if not run.size:
            continue
        # a run cut by the batch before goes the general way, which adds to its cells
        p = _layout(run, [col[c] for c in columns if c not in ("run", "escalation")])
        if p and run[0] != last:
            axes.whole_runs(b.slice(0, p), run, p, col["escalation"])
        else:
            axes.rows(col, run)
        last = run[-1]
    return steps_, runs, keys, cube


def _layout(run: np.ndarray, columns: list) -> int:
    """``P`` when the batch is whole runs of ``P`` rows each laid out alike, else 0."""
    n = run.size
    p = int(np.argmax(run != run[0])) or n  # rows of the first run
    if n % p:
        return 0
    k = n // p
    first = run[::p]
    if (np.diff(first) <= 0).any() or not (run.reshape(k, p) == first[:, None]).all():
        return 0
    for column in columns:
        raw = _raw(column)
        if raw is None or not (raw.reshape(k, p) == raw[:p]).all():
            return 0
    return p


def _raw(column) -> np.ndarray | None:
    """A column's values as comparable integers without a lookup (a dictionary's codes)."""
    import pyarrow as pa

    if pa.types.is_dictionary(column.type):
        if column.null_count:
            return None
        return column.indices.to_numpy(zero_copy_only=False)
    if pa.types.is_integer(column.type) and not column.null_count:
        return column.to_numpy(zero_copy_only=False)
    return None


class _Axes:
    """Where each row of a batch goes in the cube."""

    def __init__(self, cube, runs, steps_, ranges, lut, index, arm_index, n_dyads):
        self.cube, self.runs, self.steps, self.ranges = cube, runs, steps_, ranges
        self.lut, self.index, self.arm_index, self.n_dyads = lut, index, arm_index, n_dyads
        self.width = cube.shape[1] * cube.shape[2]

    def cells(self, col: dict) -> tuple[np.ndarray, np.ndarray]:
        """Each row's cell within its run, and whether it is the forward direction."""
        ai, ti = _codes(col["actor"], self.index), _codes(col["target"], self.index)
        group = self.lut[ai, ti]
        if (group < 0).any():
            raise _NewPair
        if "arm" in col:
            group = group + _codes(col["arm"], self.arm_index) * self.n_dyads
        step = col["step"].to_numpy(zero_copy_only=False)
        at = step - self.steps[0] if self.ranges else np.searchsorted(self.steps, step)
        return group * self.cube.shape[2] + at, ai < ti

    def row_of(self, run: np.ndarray) -> np.ndarray:
        return run - self.runs[0] if self.ranges else np.searchsorted(self.runs, run)

    def whole_runs(self, head, run: np.ndarray, p: int, values) -> None:
        """A batch of whole runs of ``p`` rows laid out as ``head`` (its first run)."""
        cells, forward = self.cells(dict(zip(head.schema.names, head.columns, strict=True)))
        slots = np.full((2, self.width), p)  # column p of the padded block: no row, NaN
        for slot, way in zip(slots, (forward, ~forward), strict=True):
            slot[cells[way]] = np.flatnonzero(way)
        k = run.size // p
        block = np.empty((k, p + 1))
        block[:, :p] = values.to_numpy(zero_copy_only=False).reshape(k, p)
        block[:, p] = np.nan
        used = np.flatnonzero((slots < p).any(axis=0))  # cells of this layout (of one arm)
        flat = self.cube.reshape(len(self.runs), self.width)
        flat[np.ix_(self.row_of(run[::p]), used)] = np.fmax(
            block[:, slots[0, used]], block[:, slots[1, used]]
        )

    def rows(self, col: dict, run: np.ndarray) -> None:
        """Any batch: each row into its cell, each direction once, ``fmax`` joining them."""
        cells, forward = self.cells(col)
        cell = self.row_of(run) * self.width + cells
        v = col["escalation"].to_numpy(zero_copy_only=False).astype(float)
        flat = self.cube.reshape(-1)
        for way in (forward, ~forward):  # each direction fills a cell once: no repeats
            flat[cell[way]] = np.fmax(flat[cell[way]], v[way])


def dyad_paths_of(cube: np.ndarray, i: int) -> np.ndarray:
    """Group ``i`` of a dyad cube as a steps × runs array (a view)."""
    return cube[:, i, :].T


def _codes(column, index: dict[str, int]) -> np.ndarray:
    """Our index of each value of an Arrow column, through its dictionary (a few ids); values
    we do not know map to ``len(index)``."""
    import pyarrow as pa

    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    unknown = len(index)
    lut = np.array(
        [index.get(str(v), unknown) for v in column.dictionary.to_pylist()], dtype=np.int32
    )
    return lut[column.indices.to_numpy(zero_copy_only=False)]


def _is_range(values: np.ndarray) -> bool:
    """Whether sorted integers are every integer from the first to the last."""
    return values.size > 0 and int(values[-1]) - int(values[0]) + 1 == values.size
