"""Scenario discovery: which combinations of the sampled assumptions make an outcome likely.

An ensemble records, for every run, the value each uncertain parameter took (the
``param.<path>`` columns of its outcomes table). Scenario discovery (Bryant & Lempert 2010)
looks for a *box* — a range on a few of those parameters — inside which the outcome of
interest is frequent (**density**: the share of the box's runs where it holds) and which holds
most of the runs where it happens (**coverage**). PRIM (Friedman & Fisher 1999) finds it by
peeling: it repeatedly trims the 5 % slice of one parameter that raises the density most,
which traces a **peeling trajectory** from the whole space (coverage 1, low density) to a
small pure box (high density, low coverage). We use the EMA Workbench's PRIM and its
extra-trees feature scoring (Kwakkel 2017) rather than code of our own.

The box chosen on the trajectory is the one with the best balance of coverage and density
(their harmonic mean), among boxes at least as dense as ``min_density`` when one is given.

The outcome is an expression on the outcomes table (:func:`outcome_mask`)::

    EXPR := [not] COLUMN              a boolean column: red_line.rok_missile_tech.crossed
          | COLUMN OP NUMBER          front.ukraine.territory > 5000   (OP: > >= < <= == !=)

A missing value (a red line's crossing step when it was never crossed) makes a comparison
false.
"""

from __future__ import annotations

import difflib
import operator
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.outcomes import param_column
from sim.storage import location

PARAM = param_column("")  # the prefix of the sampled parameters' columns
OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
_EXPR = re.compile(
    r"^\s*(?P<neg>not\s+)?(?P<col>[^\s<>=!]+)\s*"
    r"(?:(?P<op>>=|<=|==|!=|>|<)\s*(?P<num>\S+))?\s*$"
)
FILES = {
    "trajectory": "discovery.parquet",
    "box": "discovery_box.parquet",
    "scores": "discovery_scores.parquet",
}
"""What ``wargame discover`` writes into a results folder (``figures/discovery.png`` too)."""


class DiscoveryError(ValueError):
    """Bad input for a discovery: one line per problem (the command line exits 2)."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def outcome_mask(outcomes: pd.DataFrame, expr: str) -> np.ndarray:
    """Per run, whether the outcome ``expr`` holds (grammar in the module docstring).

    Raises:
        DiscoveryError: for an expression that does not parse, an unknown column (with a
            did-you-mean), a number column without a comparison, or a bad number.
    """
    m = _EXPR.match(expr)
    if m is None:
        raise DiscoveryError(
            f"--outcome {expr!r}: expected COLUMN, 'not COLUMN' or COLUMN OP NUMBER"
            " (OP one of > >= < <= == !=), e.g. 'front.ukraine.territory > 5000'"
        )
    col, op, num = m["col"], m["op"], m["num"]
    usable = [c for c in outcomes.columns if c not in ("run", "arm") and not c.startswith(PARAM)]
    if col not in usable:
        near = difflib.get_close_matches(col, usable, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        shown = ", ".join(usable[:12]) + (" ..." if len(usable) > 12 else "")
        raise DiscoveryError(f"--outcome {expr!r}: no outcome {col!r}{hint}", f"outcomes: {shown}")
    values = outcomes[col]
    if op is None:
        if not pd.api.types.is_bool_dtype(values):
            raise DiscoveryError(
                f"--outcome {expr!r}: {col} is a number, not true or false; compare it,"
                f" e.g. '{col} > {_typical(values)}'"
            )
        mask = values.to_numpy(dtype=bool)
    else:
        if m["neg"]:
            raise DiscoveryError(f"--outcome {expr!r}: 'not' goes with a boolean column only")
        try:
            number = float(num.replace("_", "").replace(",", ""))
        except ValueError:
            raise DiscoveryError(f"--outcome {expr!r}: {num!r} is not a number") from None
        mask = OPS[op](values.to_numpy(dtype=float), number)
        mask = np.asarray(mask, dtype=bool) & values.notna().to_numpy()
    return ~mask if m["neg"] else mask


def _typical(values: pd.Series) -> str:
    v = float(np.nanmedian(values.to_numpy(dtype=float))) if values.notna().any() else 0.0
    return f"{v:.3g}"


def parameters(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The sampled parameters of each run (``param.`` columns without the prefix), those that
    vary only: a constant one cannot bound a box.

    Raises:
        DiscoveryError: when the ensemble sampled none that varies.
    """
    cols = [c for c in outcomes.columns if c.startswith(PARAM)]
    x = outcomes[cols].astype(float)
    x.columns = [c[len(PARAM) :] for c in cols]
    x = x.loc[:, x.nunique() > 1].reset_index(drop=True)
    if x.shape[1] == 0:
        raise DiscoveryError(
            "these results sampled no uncertain parameter: nothing to discover (give parameters"
            " as distributions, {dist: ...}, in the scenario or with --set, and run again)"
        )
    return x


@dataclass
class Discovery:
    """A PRIM box and a feature-scoring ranking for one outcome.

    Attributes:
        expression: The outcome expression.
        runs: Runs analysed.
        positives: Runs where the outcome holds.
        trajectory: One row per box of the peeling trajectory: ``box, coverage, density,
            mass, res_dim, n, chosen``.
        box: The chosen box, one row per restricted parameter: ``parameter, low, high,
            data_low, data_high, qp_low, qp_high`` (PRIM's quasi-p values of each limit).
        scores: ``parameter, score, rank``: extra-trees feature importances, highest first.
    """

    expression: str
    runs: int
    positives: int
    trajectory: pd.DataFrame
    box: pd.DataFrame
    scores: pd.DataFrame

    @property
    def chosen(self) -> pd.Series:
        """The chosen box's row of the trajectory."""
        return self.trajectory[self.trajectory["chosen"]].iloc[0]

    def render(self, top: int = 10) -> str:
        """The box and the ranking as text."""
        c = self.chosen
        lines = [
            f"Scenario discovery: {self.expression}",
            f"  true in {self.positives:,} of {self.runs:,} runs"
            f" ({self.positives / self.runs:.1%}); PRIM peeled {len(self.trajectory) - 1} times",
            "",
            f"Chosen box (#{int(c['box'])}): coverage {c['coverage']:.1%} (of the runs where it"
            f" holds, the share inside), density {c['density']:.1%} (of the runs inside,"
            f" the share where it holds), {int(c['n']):,} runs ({c['mass']:.1%})",
        ]
        if self.box.empty:
            lines.append("  no parameter restricted: the outcome is as frequent everywhere")
        width = max([len(p) for p in self.box["parameter"]] + [9])
        for r, qp in zip(self.box.itertuples(index=False), quasi_p(self.box), strict=True):
            lines.append(
                f"  {r.parameter:<{width}}  {_g(r.low):>9} ≤ x ≤ {_g(r.high):<9}"
                f"  (sampled {_g(r.data_low)}–{_g(r.data_high)})  quasi-p {qp:.2g}"
            )
        if not self.box.empty:
            lines.append(
                "  quasi-p: how likely a restriction this strong is by chance; above 0.05 it may"
                " be noise"
            )
        lines += ["", "Feature scores (extra trees; higher matters more):"]
        width = max([len(p) for p in self.scores["parameter"]] + [9])
        for r in self.scores.head(top).itertuples(index=False):
            lines.append(f"  {int(r.rank):>2}. {r.parameter:<{width}}  {r.score:.3f}")
        if len(self.scores) > top:
            lines.append(f"  ... {len(self.scores) - top} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def quasi_p(box: pd.DataFrame) -> np.ndarray:
    """Per restricted parameter, PRIM's quasi-p value of its limit (the smaller of the two when
    both ends are restricted): the binomial chance of the density gain it brings."""
    both = box[["qp_low", "qp_high"]].to_numpy(dtype=float)
    return np.array([np.nanmin(r) if np.isfinite(r).any() else np.nan for r in both])


def _g(v: float) -> str:
    return f"{v:.4g}"


def _workbench() -> tuple[Any, Any, Any]:
    """The EMA Workbench's ``prim``, ``feature_scoring`` and ``RuleInductionType``.

    Imported on first use (it brings scikit-learn and statsmodels), with its import-time
    notice about optional parallel back ends silenced: it is not about anything we use.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from ema_workbench.analysis import feature_scoring, prim
        from ema_workbench.analysis.scenario_discovery_util import RuleInductionType
    return prim, feature_scoring, RuleInductionType


def discover(
    outcomes: Any,
    expression: str,
    *,
    min_density: float | None = None,
    seed: int = 0,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> Discovery:
    """PRIM's box and the feature scores for the runs where ``expression`` holds.

    Args:
        outcomes: An outcomes table with ``param.`` columns (one row per run), or results
            that have one (``sim.open_results(DIR)``).
        expression: The outcome (see :func:`outcome_mask`).
        min_density: Choose among boxes at least this dense (default: any).
        seed: Seed of the extra-trees feature scoring.
        peel_alpha: The share PRIM trims at each peel.
        mass_min: The smallest box PRIM peels down to, as a share of the runs.

    Raises:
        DiscoveryError: bad expression, no sampled parameter, or an outcome that holds in
            every run or in none.
    """
    if not isinstance(outcomes, pd.DataFrame):
        outcomes = outcomes.outcomes
    y = outcome_mask(outcomes, expression)
    x = parameters(outcomes)
    n, k = int(y.size), int(y.sum())
    if k in (0, n):
        raise DiscoveryError(
            f"--outcome {expression!r}: {'true' if k else 'false'} in all {n:,} runs; nothing"
            " to discover (PRIM needs runs where it holds and runs where it does not)"
        )
    prim, feature_scoring, rule = _workbench()
    with warnings.catch_warnings():
        # The Workbench still calls pandas APIs that pandas 3 deprecates (drop(inplace=...)):
        # its warnings, not ours, and not about anything that changes a result here.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ema_workbench")
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"ema_workbench")
        alg = prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min)
        found = alg.find_box()
        traj = found.peeling_trajectory
        i = choose(traj, min_density)
        _, limits = found.inspect(i, style="data")[0]
        scores, _ = feature_scoring.get_ex_feature_scores(
            x, y, mode=rule.CLASSIFICATION, random_state=seed
        )
    trajectory = pd.DataFrame(
        {
            "box": np.arange(len(traj)),
            "coverage": traj["coverage"].to_numpy(dtype=float),
            "density": traj["density"].to_numpy(dtype=float),
            "mass": traj["mass"].to_numpy(dtype=float),
            "res_dim": traj["res_dim"].to_numpy(dtype=int),
            "n": traj["n"].to_numpy(dtype=int),
        }
    )
    trajectory["chosen"] = trajectory["box"] == i
    box = pd.DataFrame(
        {
            "parameter": [str(p) for p in limits.index],
            "low": limits.iloc[:, 0].to_numpy(dtype=float),
            "high": limits.iloc[:, 1].to_numpy(dtype=float),
            "data_low": [float(x[p].min()) for p in limits.index],
            "data_high": [float(x[p].max()) for p in limits.index],
            "qp_low": limits.iloc[:, 2].to_numpy(dtype=float),
            "qp_high": limits.iloc[:, 3].to_numpy(dtype=float),
        }
    )
    ranked = pd.DataFrame(
        {"parameter": [str(p) for p in scores.index], "score": scores.iloc[:, 0].to_numpy(float)}
    )
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    return Discovery(expression, n, k, trajectory, box, ranked)


def choose(trajectory: pd.DataFrame, min_density: float | None = None) -> int:
    """The box of the trajectory with the highest harmonic mean of coverage and density,
    among those at least ``min_density`` dense (the densest when none is)."""
    cov = trajectory["coverage"].to_numpy(dtype=float)
    den = trajectory["density"].to_numpy(dtype=float)
    f1 = np.where(cov + den > 0, 2 * cov * den / np.maximum(cov + den, 1e-12), 0.0)
    if min_density is not None:
        ok = den >= min_density
        if not ok.any():
            return int(np.argmax(den))
        f1 = np.where(ok, f1, -1.0)
    return int(np.argmax(f1))


def save_tables(d: Discovery) -> dict[str, pd.DataFrame]:
    """The tables a results folder keeps (names in :data:`FILES`); the trajectory carries the
    expression and the counts, so the three files are the whole result."""
    traj = d.trajectory.assign(outcome=d.expression, runs=d.runs, positives=d.positives)
    return {"trajectory": traj, "box": d.box, "scores": d.scores}


def load(path: str | Path | None) -> Discovery | None:
    """The discovery saved in a results folder, or ``None`` when it has none."""
    if path is None:
        return None
    files = {k: location(path) / f for k, f in FILES.items()}  # a folder, or a URL's
    if not all(f.is_file() for f in files.values()):
        return None

    def read(f: Any) -> pd.DataFrame:
        with f.open("rb") as fh:
            return pd.read_parquet(fh)

    traj = read(files["trajectory"])
    if traj.empty:
        return None
    head = traj.iloc[0]
    return Discovery(
        str(head["outcome"]),
        int(head["runs"]),
        int(head["positives"]),
        traj.drop(columns=["outcome", "runs", "positives"]),
        read(files["box"]),
        read(files["scores"]),
    )


def report_parts(path: str | Path | None, dpi: int = 110) -> list[tuple[str, str, Any, str]]:
    """The report's section on the discovery saved in a results folder, as ``(kind, text,
    data, name)`` blocks (:class:`sim.analysis.report.Block`'s fields); none without one."""
    d = load(path)
    if d is None:
        return []
    import io

    from sim.analysis.plots.discovery import discovery_figure

    c = d.chosen
    rows = [
        [
            r.parameter,
            f"{r.low:.4g} – {r.high:.4g}",
            f"{r.data_low:.4g} – {r.data_high:.4g}",
            f"{qp:.2g}",
        ]
        for r, qp in zip(d.box.itertuples(index=False), quasi_p(d.box), strict=True)
    ]
    ranks = [[str(int(r.rank)), r.parameter, f"{r.score:.3f}"] for r in d.scores.itertuples()]
    buf = io.BytesIO()
    discovery_figure(d).savefig(buf, format="png", dpi=dpi)
    return [
        ("h2", f"Scenario discovery: {d.expression}", None, ""),
        (
            "p",
            f"True in {d.positives:,} of {d.runs:,} runs. PRIM (EMA Workbench) peeled the space"
            f" of sampled parameters {len(d.trajectory) - 1} times; the chosen box"
            f" (#{int(c['box'])}) holds {c['coverage']:.1%} of the runs where the outcome holds"
            f" (coverage), and the outcome holds in {c['density']:.1%} of the runs inside it"
            " (density). Quasi-p: how likely a restriction this strong is by chance.",
            None,
            "",
        ),
        ("table", "", (["parameter", "box", "range sampled", "quasi-p"], rows), ""),
        ("p", "Feature scores (extra trees): how much each parameter tells the outcome.", None, ""),
        ("table", "", (["rank", "parameter", "score"], ranks), ""),
        ("figure", "Peeling trajectory and the chosen box.", buf.getvalue(), "discovery"),
    ]


__all__ = [
    "Discovery",
    "DiscoveryError",
    "choose",
    "discover",
    "load",
    "outcome_mask",
    "report_parts",
]
