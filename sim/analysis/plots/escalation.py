"""Escalation: the fan of each dyad's escalation index, and the ladder picture of rung shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.paths import arms_of, paths
from sim.analysis.plots._fans import Panel, fan_figure
from sim.analysis.source import as_source
from sim.analysis.style import LADDER_CMAP, date_axis, draw_fan, panels, styled
from sim.scenario.schema import dyad_key

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.analysis.source import Source

ESCALATION_LABEL = "escalation index (0–10)"


def dyad_paths(src: Source) -> tuple[np.ndarray, np.ndarray, dict[str, list[tuple[str, np.ndarray]]]]:
    """Each dyad's escalation index, ``max(E_ij, E_ji)``, as steps × runs arrays per arm.

    Returns:
        ``(steps, runs, {dyad key: [(arm, array), ...]})`` with dyads keyed ``A-B`` (ids sorted,
        as in the outcomes table) in key order.
    """
    df = src.table("dyads")
    if df is None:
        raise LookupError("the results have no dyads table")
    arms = arms_of(df)
    grid = paths(df, ["arm", "actor", "target"] if arms else ["actor", "target"])
    values = df["escalation"].to_numpy(dtype=float)
    merged: dict[tuple[str, str], np.ndarray] = {}
    for key in grid.groups:
        arm, (actor, target) = (str(key[0]), key[1:]) if arms else ("", key)
        k = (dyad_key(str(actor), str(target)), arm)
        a = grid.array(values, key)
        merged[k] = a if k not in merged else np.fmax(merged[k], a)
    out: dict[str, list[tuple[str, np.ndarray]]] = {}
    arm_order = {a: i for i, a in enumerate(arms)}
    for (dyad, arm), a in sorted(merged.items(), key=lambda kv: (kv[0][0], arm_order.get(kv[0][1], 0))):
        out.setdefault(dyad, []).append((arm, a))
    return grid.steps, grid.runs, out


def escalation_fan(
    results: Any, *, dyads: list[str] | None = None, samples: int = 5
) -> Figure:
    """Escalation fan chart per dyad: median, 50 % and 90 % bands, a few faint sample runs.

    The dyad index is the larger of the two directed indices (model.md §4), so one panel shows
    how hot the relation is whoever drives it. Panels are ordered from the hottest dyad (highest
    median at any step) to the coolest.

    Args:
        results: A ``Results`` or a mapping with a ``dyads`` table.
        dyads: Dyad keys to show (``"ROK-RUS"``, either order); all by default.
        samples: Faint individual runs per panel (none when arms overlay).
    """
    src = as_source(results)
    steps, runs, by_dyad = dyad_paths(src)
    if dyads is not None:
        wanted = [dyad_key(*d.split("-", 1)) for d in dyads]
        missing = [d for d in wanted if d not in by_dyad]
        if missing:
            raise LookupError(f"no dyad {', '.join(missing)}; the results have {', '.join(by_dyad)}")
        by_dyad = {d: by_dyad[d] for d in wanted}
    else:
        heat = {d: max(np.nanmax(np.nan_to_num(np.nanmedian(a, axis=1), nan=-1)) for _, a in s)
                for d, s in by_dyad.items()}
        by_dyad = dict(sorted(by_dyad.items(), key=lambda kv: (-heat[kv[0]], kv[0])))
    panel_list = [
        Panel(title=d.replace("-", " – "), ylabel=ESCALATION_LABEL, series=s)
        for d, s in by_dyad.items()
    ]
    return fan_figure(
        panel_list,
        src.dates(steps),
        runs,
        title=f"Escalation by dyad — {src.title}",
        samples=samples,
    )


def _ladder_rungs(src: Source, ref: str, df) -> tuple[bool, list[str] | None]:
    """Whether a channel is continuous, and its rung ids in ladder order (when known)."""
    if src.scenario is not None:
        try:
            ladder = src.scenario.ladder_of(ref)
        except (KeyError, ValueError):
            ladder = None
        if ladder is not None:
            return ladder.is_continuous, ladder.rung_ids or None
    ids = df["rung_id"].astype(str).replace({"nan": ""}) if "rung_id" in df else None
    if ids is None or (ids == "").all():
        return True, None
    return False, None


def rung_shares(results: Any, *, channels: list[str] | None = None) -> Figure:
    """The ladder picture: share of runs on each rung of each channel over time.

    Each panel is one channel (``ACTOR.channel``, per arm when arms ran): stacked areas from the
    lowest rung at the bottom to the highest at the top, coloured from pale to dark red, so the
    climb of an ensemble up the ladder reads as the dark layers thickening. A continuous
    channel is drawn as a fan of its level instead.

    Args:
        results: A ``Results`` or a mapping with a ``channels`` table.
        channels: Channel refs (``"ROK.arm_ukraine"``) to show; all by default.
    """
    import matplotlib as mpl

    src = as_source(results)
    df = src.table("channels")
    if df is None:
        raise LookupError("the results have no channels table")
    arms = arms_of(df)
    by = ["actor", "channel", "target"]
    grid = paths(df, [*by, "arm"] if arms else by)
    rung = df["rung"].to_numpy(dtype=float)
    id_of: dict[tuple, dict[int, str]] = {}
    if "rung_id" in df:
        first = df.drop_duplicates(["actor", "channel", "rung"])
        for a, c, r, i in first[["actor", "channel", "rung", "rung_id"]].itertuples(index=False):
            if isinstance(i, str) and i:
                id_of.setdefault((str(a), str(c)), {})[int(r)] = i
    keys = list(grid.groups)
    if channels is not None:
        known = {f"{k[0]}.{k[1]}" for k in keys}
        missing = [c for c in channels if c not in known]
        if missing:
            raise LookupError(f"no channel {', '.join(missing)}; the results have {', '.join(sorted(known))}")
        keys = [k for k in keys if f"{k[0]}.{k[1]}" in channels]
    x = src.dates(grid.steps)
    cmap = mpl.colormaps[LADDER_CMAP]
    with styled():
        fig, axes = panels(len(keys), title=f"Rungs over time — {src.title}", columns=2)
        for ax, key in zip(axes, keys, strict=True):
            actor, channel, target = (str(k) for k in key[:3])
            ref = f"{actor}.{channel}"
            arr = grid.array(rung, key)
            continuous, rung_ids = _ladder_rungs(src, ref, df.iloc[grid.groups[key][:1000]])
            title = f"{actor} → {target}: {channel}" + (f" ({key[3]})" if arms else "")
            ax.set_title(title)
            date_axis(ax, x)
            if continuous:
                draw_fan(ax, x, arr, samples=3, runs=grid.runs)
                ax.set_ylabel("level")
                continue
            present = ~np.isnan(arr)
            n = present.sum(axis=1)
            top = int(np.nanmax(arr)) if present.any() else 0
            count = len(rung_ids) if rung_ids else top + 1
            names = rung_ids or [id_of.get((actor, channel), {}).get(k, str(k)) for k in range(count)]
            shares = np.stack([(arr == k).sum(axis=1) for k in range(count)]) / np.maximum(n, 1)
            colors = [cmap(0.08 + 0.87 * k / max(count - 1, 1)) for k in range(count)]
            ax.stackplot(x, shares, labels=names, colors=colors, lw=0.3, edgecolor="white")
            ax.set_ylim(0, 1)
            ax.set_ylabel("share of runs")
            from matplotlib.ticker import PercentFormatter

            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.set_xlim(x[0], x[-1])
            handles, labels = ax.get_legend_handles_labels()
            ax.legend(handles[::-1], labels[::-1], loc="center left", bbox_to_anchor=(1.0, 0.5),
                      fontsize=7, title="rung", title_fontsize=7)
    return fig
