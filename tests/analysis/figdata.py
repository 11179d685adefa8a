"""Every number a figure draws, as plain data: what the out-of-core test compares.

:func:`figure_data` reads back each panel's lines, filled bands, bars and image cells, so that
two ways of computing a figure can be compared number by number, whatever the figure.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle


def _floats(a) -> list:
    a = np.ma.filled(np.ma.asarray(a, dtype=float), np.nan)
    return [None if not np.isfinite(v) else float(v) for v in np.ravel(a)]


def figure_data(fig) -> dict:
    """``{panel key: {artist key: [numbers]}}`` of everything data-driven ``fig`` draws."""
    out: dict = {}
    for i, ax in enumerate(fig.axes):
        panel: dict = {}
        for k, ln in enumerate(ax.get_lines()):
            label = ln.get_label()
            if label.startswith("_child"):
                label = f"_line{k}"
            panel[f"line:{label}:y"] = _floats(ln.get_ydata())
        for k, c in enumerate(ax.collections):
            label = c.get_label() or f"_coll{k}"
            if isinstance(c, PolyCollection):
                verts = np.concatenate([p.vertices for p in c.get_paths()] or [np.empty((0, 2))])
                panel[f"poly:{label}:{k}"] = _floats(verts[:, 1])
            elif isinstance(c, PathCollection):
                panel[f"points:{label}:{k}"] = _floats(np.asarray(c.get_offsets()))
        bars = [p for p in ax.patches if isinstance(p, Rectangle)]
        if bars:
            panel["bars"] = _floats(
                [[p.get_x(), p.get_y(), p.get_width(), p.get_height()] for p in bars]
            )
        for k, im in enumerate(ax.images):
            if isinstance(im, AxesImage):
                panel[f"image:{k}"] = _floats(im.get_array())
        texts = sorted(t.get_text() for t in ax.texts if t.get_text())
        if texts:
            panel["texts"] = texts
        out[f"{i}:{ax.get_title()}"] = panel
    return out
