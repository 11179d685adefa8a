"""Escalation: the fan of each dyad's escalation index, and the ladder picture of rung shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.paths import arms_of, paths
from sim.analysis.plots._fans import Panel, fan_figure
from sim.analysis.source import as_source
from sim.analysis.style import LADDER_CMAP, date_axis, draw_fan, panels, styled
from sim.scenario import conditions
from sim.scenario.schema import dyad_key

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.analysis.source import Source

ESCALATION_LABEL = "escalation index (0–10)"


def dyad_paths(
    src: Source,
) -> tuple[np.ndarray, np.ndarray, dict[str, list[tuple[str, np.ndarray]]]]:
    """Each dyad's escalation index, ``max(E_ij, E_ji)``, as steps × runs arrays per arm.

    Returns:
        ``(steps, runs, {dyad key: [(arm, array), ...]})`` with dyads keyed ``A-B`` (ids sorted,
        as in the outcomes table) in key order.
    """
    return src.memo("dyad_paths", lambda: _dyad_paths(src))


def _dyad_paths(
    src: Source,
) -> tuple[np.ndarray, np.ndarray, dict[str, list[tuple[str, np.ndarray]]]]:
    df = src.table("dyads")
    if df is None:
        raise LookupError("the results have no dyads table")
    arms = arms_of(df)
    grid = paths(df, ["arm", "actor", "target"] if arms else ["actor", "target"])
    values = df["escalation"].to_numpy(dtype=float)
    merged: dict[tuple[str, str], np.ndarray] = {}
    for key, a in grid.arrays(values).items():
        arm, (actor, target) = (str(key[0]), key[1:]) if arms else ("", key)
        k = (dyad_key(str(actor), str(target)), arm)
        merged[k] = a if k not in merged else np.fmax(merged[k], a)
    out: dict[str, list[tuple[str, np.ndarray]]] = {}
    arm_order = {a: i for i, a in enumerate(arms)}
    for (dyad, arm), a in sorted(
        merged.items(), key=lambda kv: (kv[0][0], arm_order.get(kv[0][1], 0))
    ):
        out.setdefault(dyad, []).append((arm, a))
    return grid.steps, grid.runs, out


def red_line_dyads(scenario: Any) -> list[str]:
    """Dyads the scenario's red lines are about (owner and watched actor), in document order."""
    out: list[str] = []
    for rl in getattr(scenario, "red_lines", {}).values():
        for _, leaf in conditions.leaves(rl.watch, ()):
            key = dyad_key(rl.owner, conditions.leaf_channel(leaf).split(".", 1)[0])
            if key not in out:
                out.append(key)
    return out


def escalation_fan(results: Any, *, dyads: list[str] | None = None, samples: int = 5) -> Figure:
    """Escalation fan chart per dyad: median, 50 % and 90 % bands, a few faint sample runs.

    The dyad index is the larger of the two directed indices (model.md §4), so one panel shows
    how hot the relation is whoever drives it. By default the dyads of the scenario's red lines
    come first, then the others from the hottest (highest median at any step) to the coolest;
    dyads that never move in any run are named in a note instead of drawn.

    Args:
        results: A ``Results`` or a mapping with a ``dyads`` table.
        dyads: Dyad keys to show (``"ROK-RUS"``, either order), in this order; all by default.
        samples: Faint individual runs per panel (none when arms overlay).
    """
    src = as_source(results)
    steps, runs, by_dyad = dyad_paths(src)
    note = ""
    if dyads is not None:
        wanted = [dyad_key(*d.split("-", 1)) for d in dyads]
        missing = [d for d in wanted if d not in by_dyad]
        if missing:
            raise LookupError(
                f"no dyad {', '.join(missing)}; the results have {', '.join(by_dyad)}"
            )
        by_dyad = {d: by_dyad[d] for d in wanted}
    else:
        first = [d for d in red_line_dyads(src.scenario) if d in by_dyad]
        heat = {
            d: max(np.nanmax(np.nan_to_num(np.nanmedian(a, axis=1), nan=-1)) for _, a in s)
            for d, s in by_dyad.items()
        }
        order = sorted(
            by_dyad,
            key=lambda d: (d not in first, first.index(d) if d in first else 0, -heat[d], d),
        )
        flat = {d: _constant(by_dyad[d]) for d in order}
        moving = [d for d in order if flat[d] is None]
        if moving and len(moving) < len(order):
            still = [f"{d.replace('-', ' – ')} ({flat[d]:g})" for d in order if d not in moving]
            note = "Constant in every run: " + ", ".join(still)
            order = moving
        by_dyad = {d: by_dyad[d] for d in order}
    low = min(0.0, *(float(np.nanmin(a)) for s in by_dyad.values() for _, a in s))
    panel_list = [
        Panel(
            title=d.replace("-", " – "), ylabel=ESCALATION_LABEL, series=s, ylim=(low - 0.3, 10.3)
        )
        for d, s in by_dyad.items()
    ]
    return fan_figure(
        panel_list,
        src.dates(steps),
        runs,
        title=f"Escalation by dyad — {src.title}",
        samples=samples,
        note=note,
    )


def _constant(series: list[tuple[str, np.ndarray]]) -> float | None:
    """The value of a dyad that never moves (every run, step and arm), else ``None``."""
    values = np.concatenate([a[~np.isnan(a)] for _, a in series])
    if values.size and values.min() == values.max():
        return float(values[0])
    return None


def _ladder_rungs(
    src: Source, ref: str, df, positions: Callable[[], np.ndarray]
) -> tuple[bool, list[str] | None]:
    """Whether a channel is continuous, and its rung ids in ladder order (when known).

    Without a scenario, a channel whose rows carry no ``rung_id`` is continuous (the table's
    rows of the channel are looked at only then: ``positions`` gives them).
    """
    if src.scenario is not None:
        try:
            ladder = src.scenario.ladder_of(ref)
        except (KeyError, ValueError):
            ladder = None
        if ladder is not None:
            return ladder.is_continuous, ladder.rung_ids or None
    if "rung_id" not in df:
        return True, None
    ids = df["rung_id"].iloc[positions()[:1000]]
    named = [i for i in ids if isinstance(i, str) and i]
    return (not named), None


def rung_shares(results: Any, *, channels: list[str] | None = None) -> Figure:
    """The ladder picture: share of runs on each rung of each channel over time.

    Each panel is one channel (``ACTOR.channel``, per arm when arms ran): stacked areas from the
    lowest rung at the bottom to the highest at the top, coloured from pale to dark red, so the
    climb of an ensemble up the ladder reads as the dark layers thickening. Channels on the same
    ladder share colours, and its legend stands beside the first of them. A continuous channel
    is drawn as a fan of its level instead. By default every channel is drawn but those that
    never leave one rung, which a note names; with counterfactual arms, only the channels the
    red lines watch or answer with (one panel per channel and arm).

    Args:
        results: A ``Results`` or a mapping with a ``channels`` table.
        channels: Channel refs (``"ROK.arm_ukraine"``) to show, in this order; all by default.
    """
    src = as_source(results)
    df = src.table("channels")
    if df is None:
        raise LookupError("the results have no channels table")
    arms = arms_of(df)
    by = ["actor", "channel", "target"]
    grid = paths(df, [*by, "arm"] if arms else by)
    rung = df["rung"].to_numpy(dtype=float)
    keys = list(grid.keys)
    if channels is not None:
        known = {f"{k[0]}.{k[1]}" for k in keys}
        missing = [c for c in channels if c not in known]
        if missing:
            raise LookupError(
                f"no channel {', '.join(missing)}; the results have {', '.join(sorted(known))}"
            )
        order = {c: i for i, c in enumerate(channels)}
        keys = sorted(
            (k for k in keys if f"{k[0]}.{k[1]}" in order), key=lambda k: order[f"{k[0]}.{k[1]}"]
        )
    x = src.dates(grid.steps)
    arrays = grid.arrays(rung)
    note = ""
    if channels is None and arms and src.scenario is not None:
        # every channel times every arm is too many panels: the channels the red lines are about
        from sim.analysis.stories import key_channels

        keyed = key_channels(src.scenario)
        if keyed:
            keys = [k for k in keys if f"{k[0]}.{k[1]}" in keyed]
            note = "Per arm, the channels the red lines watch or answer with (others: channels=...)"
    elif channels is None:
        still = [k for k in keys if np.nanmin(arrays[k]) == np.nanmax(arrays[k])]
        if still and len(still) < len(keys):
            names = sorted({f"{k[0]}.{k[1]}" for k in still})
            note = "On one rung in every run and step: " + ", ".join(names)
            keys = [k for k in keys if k not in still]
    with styled():
        fig, axes = panels(len(keys), title=f"Rungs over time — {src.title}", columns=2)
        if note:
            import textwrap

            fig.supxlabel(
                textwrap.fill(note, int(fig.get_size_inches()[0] * 14)), fontsize=7, color="0.35"
            )
        legends: set[tuple[str, ...]] = set()
        for ax, key in zip(axes, keys, strict=True):
            actor, channel, target = (str(k) for k in key[:3])
            ref = f"{actor}.{channel}"
            arr = arrays[key]
            continuous, rung_ids = _ladder_rungs(src, ref, df, lambda k=key: grid.positions(k))
            title = f"{actor} → {target}: {channel}" + (f" ({key[3]})" if arms else "")
            ax.set_title(title)
            date_axis(ax, x)
            if continuous:
                draw_fan(ax, x, arr, samples=3, runs=grid.runs)
                ax.set_ylabel("level")
                continue
            top = int(np.nanmax(arr)) if (~np.isnan(arr)).any() else 0
            count = len(rung_ids) if rung_ids else top + 1
            names = rung_ids or rung_names(df, grid.positions(key), count)
            draw_shares(ax, x, arr, names)
            if tuple(names) in legends:  # one legend per ladder, beside its first panel
                continue
            legends.add(tuple(names))
            rung_legend(ax)
    return fig


def draw_shares(ax, x: np.ndarray, arr: np.ndarray, names: list[str]) -> None:
    """Stacked areas: the share of runs on each rung (``arr`` is steps × runs of rung indices)."""
    from matplotlib.ticker import PercentFormatter

    count = len(names)
    n = (~np.isnan(arr)).sum(axis=1)
    shares = np.stack([(arr == k).sum(axis=1) for k in range(count)]) / np.maximum(n, 1)
    ax.stackplot(x, shares, labels=names, colors=rung_colors(count), lw=0.4, edgecolor="white")
    ax.set_ylim(0, 1)
    ax.set_yticks([0.0, 0.5, 1.0])
    ax.set_ylabel("share of runs")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(x[0], x[-1])


def rung_colors(count: int) -> list[Any]:
    """One colour per rung, lowest first: grey for the first (no action), then blue to dark
    red (calm to hostile) across a wide range of hues, so that neighbouring rungs of a ten-rung
    ladder differ at a glance (a one-hue ramp made them near-identical shades)."""
    import matplotlib as mpl

    cmap = mpl.colormaps[LADDER_CMAP]
    rest = [cmap(0.12 + 0.83 * k / max(count - 2, 1)) for k in range(count - 1)]
    return [(0.88, 0.88, 0.88, 1.0), *rest][:count]


def rung_legend(ax) -> None:
    """The rungs, highest on top as in the stack, beside the axes."""
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles[::-1],
        labels[::-1],
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=7,
        title="rung",
        title_fontsize=7,
    )


def rung_names(df, positions: np.ndarray, count: int) -> list[str]:
    """Rung ids from the table (no scenario at hand): the id recorded with each rung index."""
    names = [str(k) for k in range(count)]
    if "rung_id" in df:
        sub = df.iloc[positions][["rung", "rung_id"]].drop_duplicates("rung")
        for r, i in sub.itertuples(index=False):
            if isinstance(i, str) and i and 0 <= int(r) < count:
                names[int(r)] = i
    return names
