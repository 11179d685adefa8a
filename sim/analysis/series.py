"""The aggregates the figures draw, asked of a result through its query layer.

Fans (quantiles per step and a few sample runs) and rung shares per entity and arm, computed
by :class:`sim.analysis.query.Query` where the tables lie and kept on the
:class:`~sim.analysis.source.Source` so that figures, the report and the stories that share
one (the dyads' escalation) ask for it once.
"""

from __future__ import annotations

import numpy as np

from sim.analysis.axes import arms, steps
from sim.analysis.dyad_cube import dyad_cube, dyad_paths_of
from sim.analysis.fan import Fan, Shares
from sim.analysis.query import _ident

TOGETHER = {"stocks": ("outflow", "inflow", "level"), "fronts": ("territory", "balance")}
"""Columns whose fans several figures draw: asked for in one scan of their table."""

__all__ = ["arms", "dyad_cube", "dyad_paths_of", "steps"]  # kept here for the figures

Series = list[tuple[str, Fan]]
"""``(arm, fan)`` pairs of one entity, in arm order (arm ``""`` without arms)."""


def key_order(src, table: str, keys: list[str]):
    """A sort key for group keys (tuples of ``keys`` values): each column's category order
    (the scenario's, as stored), then by name — the order the figures have always used."""

    def ranks(column: str) -> dict[str, int]:
        if column == "arm":
            return {a: i for i, a in enumerate(arms(src, table))}
        cats = src.memo(f"cats:{table}:{column}", lambda: src.query.categories(table, column))
        return {c: i for i, c in enumerate(cats or [])}

    tables = [ranks(c) for c in keys]

    def sort_key(key: tuple) -> tuple:
        return tuple((r.get(str(v), len(r)), str(v)) for r, v in zip(tables, key, strict=True))

    return sort_key


def _by_entity(
    found: dict[tuple, Fan], order: list[str], with_arms: bool, sort_key=None
) -> dict[tuple, Series]:
    out: dict[tuple, Series] = {}
    for key in sorted(found, key=sort_key) if sort_key is not None else found:
        fan = found[key]
        entity, arm = (key[:-1], key[-1]) if with_arms else (key, "")
        out.setdefault(entity, []).append((arm, fan))
    rank = {a: i for i, a in enumerate(order)}
    for series in out.values():
        series.sort(key=lambda s: rank.get(s[0], len(rank)))
    return out


def entity_fans(
    src, table: str, by: list[str], column: str, where: str = "", samples: int = 5
) -> tuple[np.ndarray, dict[tuple, Series]]:
    """Per entity (a key of ``by``), the fan of ``column`` in each arm.

    Args:
        src: A :class:`~sim.analysis.source.Source`.
        table: A time table (``stocks``...).
        by: Columns that name an entity (``["actor", "stock"]``).
        column: The value (``level``).
        where: A SQL condition on the table's rows (``requirement > 0``).
        samples: Sample runs per fan.

    Returns:
        ``(steps, {entity: [(arm, fan), ...]})``, entities in the scenario's order.
    """

    together = [c for c in TOGETHER.get(table, ()) if c in src.columns(table)]
    columns = together if column in together else [column]

    def compute():
        arm_list = arms(src, table)
        keys = [*by, "arm"] if arm_list else list(by)
        cols = ", ".join(_ident(c) for c in [*keys, *columns])
        cond = f"WHERE {where}" if where else ""
        rel = f"SELECT {cols}, step, run FROM {_ident(table)} {cond}"
        found = src.query.fans_of(rel, keys, steps(src, table), columns, samples)
        order = key_order(src, table, keys)
        return {
            c: (steps(src, table), _by_entity(found[c], arm_list, bool(arm_list), order))
            for c in columns
        }

    return src.memo(f"fans:{table}:{by}:{columns}:{where}:{samples}", compute)[column]


def dyad_fans(src, samples: int = 5) -> tuple[np.ndarray, dict[str, Series]]:
    """Each dyad's escalation index (``max(E_ij, E_ji)``) as fans per arm, dyads keyed ``A-B``
    (ids sorted, as in the outcomes table) in key order."""

    def compute():
        steps_, runs, keys, cube = dyad_cube(src)
        out: dict[str, Series] = {}
        for (arm, dyad), i in sorted(keys.items(), key=lambda kv: kv[0][1]):
            paths = dyad_paths_of(cube, i)
            if not np.isnan(paths).all():  # a dyad this arm never records
                out.setdefault(dyad, []).append((arm, Fan.of(paths, runs, samples)))
        return steps_, out

    if not src.has("dyads"):
        raise LookupError("the results have no dyads table")
    return src.memo(f"dyad_fans:{samples}", compute)


def rung_shares_of(src, where: str = "") -> tuple[np.ndarray, dict[tuple, Shares]]:
    """Runs per rung and step of every channel: keys ``(actor, channel, target[, arm])``."""

    def compute():
        keys = ["actor", "channel", "target"] + (["arm"] if arms(src, "channels") else [])
        cols = ", ".join(_ident(c) for c in keys)
        cond = f"WHERE {where}" if where else ""
        rel = f"SELECT {cols}, step, rung AS v FROM channels {cond}"
        found = src.query.shares(rel, keys, steps(src, "channels"))
        order = key_order(src, "channels", keys)
        return steps(src, "channels"), {k: found[k] for k in sorted(found, key=order)}

    return src.memo(f"shares:{where}", compute)


def channel_fans(src, where: str = "", samples: int = 3) -> dict[tuple, Fan]:
    """The fan of the rung level of every channel (continuous ladders), keyed as
    :func:`rung_shares_of`."""

    def compute():
        keys = ["actor", "channel", "target"] + (["arm"] if arms(src, "channels") else [])
        cols = ", ".join(_ident(c) for c in keys)
        cond = f"WHERE {where}" if where else ""
        rel = f"SELECT {cols}, step, run, rung AS v FROM channels {cond}"
        return src.query.fans(rel, keys, steps(src, "channels"), samples)

    return src.memo(f"channel_fans:{where}:{samples}", compute)


def equals(column: str, value: str) -> str:
    """The SQL condition ``column = value`` on a text or category column."""
    return f"CAST({_ident(column)} AS VARCHAR) = '{value.replace(chr(39), chr(39) * 2)}'"
