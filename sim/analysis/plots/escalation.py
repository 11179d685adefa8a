"""Escalation: the fan of each dyad's escalation index, and the ladder picture of rung shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.fan import Shares
from sim.analysis.paths import red_line_dyads
from sim.analysis.plots._fans import Panel, fan_figure
from sim.analysis.series import Series, arms, channel_fans, dyad_fans, equals, rung_shares_of
from sim.analysis.source import as_source
from sim.analysis.style import LADDER_CMAP, date_axis, draw_fan, panels, styled
from sim.scenario.schema import dyad_key

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.analysis.source import Source

ESCALATION_LABEL = "escalation index (0–10)"


def dyad_paths(src: Source, samples: int = 5) -> tuple[np.ndarray, dict[str, Series]]:
    """Each dyad's escalation index, ``max(E_ij, E_ji)``, as a fan per arm.

    Returns:
        ``(steps, {dyad key: [(arm, fan), ...]})`` with dyads keyed ``A-B`` (ids sorted, as in
        the outcomes table) in key order.
    """
    return dyad_fans(src, samples)


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
    steps, by_dyad = dyad_paths(src, samples)
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
            d: max(np.nanmax(np.nan_to_num(f.median, nan=-1)) for _, f in s)
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
    low = min(0.0, *(f.lo for s in by_dyad.values() for _, f in s if not np.isnan(f.lo)))
    panel_list = [
        Panel(
            title=d.replace("-", " – "), ylabel=ESCALATION_LABEL, series=s, ylim=(low - 0.3, 10.3)
        )
        for d, s in by_dyad.items()
    ]
    return fan_figure(
        panel_list,
        src.dates(steps),
        title=f"Escalation by dyad — {src.title}",
        samples=samples,
        note=note,
    )


def _constant(series: Series) -> float | None:
    """The value of a dyad that never moves (every run, step and arm), else ``None``."""
    lo = min((f.lo for _, f in series if not np.isnan(f.lo)), default=np.nan)
    hi = max((f.hi for _, f in series if not np.isnan(f.hi)), default=np.nan)
    if not np.isnan(lo) and lo == hi:
        return float(lo)
    return None


def _ladder_rungs(src: Source, ref: str, where: str) -> tuple[bool, list[str] | None]:
    """Whether a channel is continuous, and its rung ids in ladder order (when known).

    Without a scenario, a channel whose rows (``where``; its first thousand) carry no
    ``rung_id`` is continuous.
    """
    if src.scenario is not None:
        try:
            ladder = src.scenario.ladder_of(ref)
        except (KeyError, ValueError):
            ladder = None
        if ladder is not None:
            return ladder.is_continuous, ladder.rung_ids or None
    if "rung_id" not in src.columns("channels"):
        return True, None
    named = src.query.scalar(
        "SELECT count(*) FROM (SELECT CAST(rung_id AS VARCHAR) AS i FROM channels "
        f"WHERE {where} LIMIT 1000) WHERE i IS NOT NULL AND i <> ''"
    )
    return (not named), None


def _where(key: tuple) -> str:
    """The SQL condition that selects one channel (and arm) of the channels table."""
    names = ["actor", "channel", "target", "arm"]
    return " AND ".join(equals(c, str(v)) for c, v in zip(names, key, strict=False))


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
    if not src.has("channels"):
        raise LookupError("the results have no channels table")
    with_arms = bool(arms(src, "channels"))
    steps, shares = rung_shares_of(src)
    keys = list(shares)  # in the scenario's order
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
    x = src.dates(steps)
    note = ""
    if channels is None and with_arms and src.scenario is not None:
        # every channel times every arm is too many panels: the channels the red lines are about
        from sim.analysis.stories import key_channels

        keyed = key_channels(src.scenario)
        if keyed:
            keys = [k for k in keys if f"{k[0]}.{k[1]}" in keyed]
            note = "Per arm, the channels the red lines watch or answer with (others: channels=...)"
    elif channels is None:
        still = [k for k in keys if shares[k].lo == shares[k].hi]
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
            title = f"{actor} → {target}: {channel}" + (f" ({key[3]})" if with_arms else "")
            ax.set_title(title)
            date_axis(ax, x)
            continuous, rung_ids = _ladder_rungs(src, ref, _where(key))
            if continuous:
                draw_fan(ax, x, channel_fans(src)[key])
                ax.set_ylabel("level")
                continue
            count = len(rung_ids) if rung_ids else int(shares[key].hi) + 1
            names = rung_ids or rung_names(src, _where(key), count)
            draw_shares(ax, x, shares[key], names)
            if tuple(names) in legends:  # one legend per ladder, beside its first panel
                continue
            legends.add(tuple(names))
            rung_legend(ax)
    return fig


def draw_shares(ax, x: np.ndarray, counts: Shares | np.ndarray, names: list[str]) -> None:
    """Stacked areas: the share of runs on each rung (runs per rung and step, or a steps ×
    runs array of rung indices)."""
    from matplotlib.ticker import PercentFormatter

    count = len(names)
    if not isinstance(counts, Shares):
        counts = Shares.of(counts)
    shares = counts.shares(count)
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


def rung_names(src: Source, where: str, count: int) -> list[str]:
    """Rung ids from the table (no scenario at hand): the id recorded with each rung index."""
    names = [str(k) for k in range(count)]
    if "rung_id" in src.columns("channels"):
        found = src.query.frame(
            "SELECT CAST(rung AS BIGINT) AS r, min(CAST(rung_id AS VARCHAR)) AS i FROM channels "
            f"WHERE {where} AND rung_id IS NOT NULL AND CAST(rung_id AS VARCHAR) <> '' "
            "GROUP BY ALL"
        )
        for r, i in found.itertuples(index=False):
            if 0 <= int(r) < count:
                names[int(r)] = str(i)
    return names
