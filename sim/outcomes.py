"""The names of the outcomes table's columns: one vocabulary that builds, parses and types them.

A column of the ``outcomes`` table (one row per run) is ``<family>.<subject>.<stat>``:
``red_line.rus_rok_weapons.crossed``, ``escalation.DPRK-ROK.max``, ``front.ukraine.territory``,
``channel.ROK.arm_ukraine.level`` (the subject has a dot), ``actor.ROK.approval``; the sides'
forces carry one more part (``front.ukraine.forces.RUS``); a counterfactual's measure ends with
its step (``red_line.X.crossed_by.24``, ``.None`` for the horizon); a sampled parameter is
``param.<dotted path>``. As in the EMA Workbench's ``ScalarOutcome``, each kind of column
(:class:`Stat`) says what it is and its type, so that no module guesses a column's meaning
from its spelling: the recorder builds names with :func:`column`, the scenario's schema
checks sensitivity targets with :data:`TARGET_PATTERN`, the experiments pick targets and
measures, and the analysis reads them back with :func:`parse`.

A leaf of ``sim`` (it imports nothing of ours): every layer may import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ID = r"[A-Za-z][A-Za-z0-9_]*"
"""An id of the scenario (actor, red line, front...)."""


@dataclass(frozen=True)
class Stat:
    """One kind of outcome column: ``<family>.<subject>.<name>``.

    Attributes:
        family: What the subject is: ``red_line``, ``escalation``, ``front``, ``channel``,
            ``actor`` (``dyad`` for a dyad's measure).
        name: The statistic (``crossed``, ``max``, ``territory``...).
        dtype: ``bool`` (a probability across runs), ``float`` or ``int``.
        target: Whether it may be a sensitivity target (``sensitivity.targets``).
        measure: For a counterfactual's measure, the scenario key of its step
            (``crossed_by``...): the column ends ``.<name>.<step>``.
        help: What it holds (at the horizon unless said).
        percent: Whether its values are percentages (approval), shown as such.
    """

    family: str
    name: str
    dtype: str
    help: str
    target: bool = False
    measure: bool = False
    percent: bool = False

    def column(self, subject: str, step: int | None = None) -> str:
        """The column of ``subject`` (a measure's also of its ``step``; ``None``: the horizon)."""
        base = f"{self.family}.{subject}.{self.name}"
        return f"{base}.{step}" if self.measure else base

    @property
    def probability(self) -> bool:
        """A yes/no per run: its mean over runs is a probability (Wilson intervals, %)."""
        return self.dtype == "bool"


STATS = (
    Stat("red_line", "crossed", "bool", "crossed by the horizon", target=True),
    Stat("red_line", "step", "float", "first step crossed (NaN: never)", target=True),
    Stat("red_line", "scripted", "bool", "crossed because an event set the channel"),
    Stat("red_line", "scripted_step", "float", "first step an event set it (NaN: none)"),
    Stat("red_line", "set_by_arm", "bool", "held over the threshold by the arm's bound"),
    Stat("escalation", "max", "float", "peak dyad escalation index (0-10)", target=True),
    Stat("escalation", "final", "float", "dyad escalation index", target=True),
    Stat("escalation", "spiral", "bool", "both sides escalated 3 steps, neither fearing"),
    Stat("front", "territory", "float", "territory (km², + for the first side)", target=True),
    Stat("front", "balance", "float", "force balance", target=True),
    Stat("front", "forces", "float", "a side's forces (front.F.forces.SIDE)"),
    Stat("channel", "level", "float", "rung index, or level on a continuous ladder"),
    Stat("channel", "reversals", "int", "changes of direction of the rung path"),
    Stat("actor", "approval", "float", "approval (%)", target=True, percent=True),
    Stat("actor", "readiness", "float", "min readiness over required stocks", target=True),
    Stat("actor", "payoff", "float", "cumulative payoff", target=True),
    Stat("actor", "economy", "float", "economy index (1 = baseline)", target=True),
    Stat("red_line", "crossed_by", "bool", "crossed by a step", measure=True),
    Stat("front", "territory_at", "float", "territory at a step", measure=True),
    Stat("dyad", "max_escalation_by", "float", "peak escalation by a step", measure=True),
    Stat("actor", "approval_at", "float", "approval at a step", measure=True, percent=True),
)
"""Every kind of outcome column, in the order the recorder writes them."""

_BY_KEY = {(s.family, s.name): s for s in STATS}
PARAM = "param"
"""The family of the sampled parameters' columns: ``param.<dotted path>``."""
DEFAULT_TARGETS = (("red_line", "crossed"), ("escalation", "max"), ("front", "territory"))
"""What a sensitivity analysis explains when the scenario names no target."""


def stat(family: str, name: str) -> Stat:
    """The :class:`Stat` ``family.name`` (``KeyError`` when there is none)."""
    return _BY_KEY[(family, name)]


def column(family: str, subject: str, name: str, step: int | None = None) -> str:
    """``family.subject.name`` (a measure's ``...name.step``), checked against :data:`STATS`."""
    return stat(family, name).column(subject, step)


def forces_column(front: str, side: str) -> str:
    """``front.F.forces.SIDE``: one side's forces on a front at the horizon."""
    return f"{column('front', front, 'forces')}.{side}"


def param_column(path: str) -> str:
    """``param.<dotted path>``: a sampled parameter's value in each run."""
    return f"{PARAM}.{path}"


@dataclass(frozen=True)
class Name:
    """A parsed column: its :class:`Stat` (``None`` for a parameter), subject and extra part
    (a measure's step as written, a side of ``front.F.forces.SIDE``)."""

    stat: Stat | None
    subject: str
    extra: str | None = None

    @property
    def family(self) -> str:
        return self.stat.family if self.stat is not None else PARAM

    @property
    def is_param(self) -> bool:
        return self.stat is None

    @property
    def is_measure(self) -> bool:
        return self.stat is not None and self.stat.measure

    @property
    def step(self) -> int | None:
        """A measure's step (``None``: the horizon)."""
        return int(self.extra) if self.is_measure and self.extra not in (None, "None") else None


_MEASURES = "|".join(s.name for s in STATS if s.measure)
_MEASURE_RE = re.compile(rf"^(\w+)\.(.+)\.({_MEASURES})\.(\d+|None)$")
_FORCES_RE = re.compile(rf"^front\.({ID})\.forces\.({ID})$")


def parse(col: str) -> Name | None:
    """What a column of the outcomes table is, or ``None`` (``run``, ``arm``, unknown)."""
    if col.startswith(PARAM + "."):
        return Name(None, col[len(PARAM) + 1 :])
    if m := _MEASURE_RE.match(col):
        s = _BY_KEY.get((m.group(1), m.group(3)))
        return Name(s, m.group(2), m.group(4)) if s is not None else None
    if m := _FORCES_RE.match(col):
        return Name(stat("front", "forces"), m.group(1), m.group(2))
    family, _, rest = col.partition(".")
    subject, _, name = rest.rpartition(".")
    s = _BY_KEY.get((family, name))
    if s is None or s.measure or not subject or s.name == "forces":
        return None
    return Name(s, subject)


def is_probability(col: str) -> bool:
    """Whether a column is a yes/no per run (its mean is a probability)."""
    name = parse(col)
    return name is not None and name.stat is not None and name.stat.probability


def in_percent(col: str) -> bool:
    """Whether a column reads in percent: a probability (its mean over runs) or a percentage."""
    name = parse(col)
    return (
        name is not None and name.stat is not None and (name.stat.probability or name.stat.percent)
    )


def subjects(columns: object, family: str, name: str) -> list[str]:
    """The subjects of the ``family.*.name`` columns among ``columns``, in their order
    (``subjects(df.columns, "red_line", "crossed")`` → the red lines' ids)."""
    want = stat(family, name)
    out = []
    for col in columns:  # type: ignore[attr-defined]
        n = parse(str(col))
        if n is not None and n.stat == want and n.extra is None:
            out.append(n.subject)
    return out


def is_target(col: str) -> bool:
    """Whether a column may be a sensitivity target: an outcome at the horizon (not a
    parameter, not a counterfactual's measure)."""
    name = parse(col)
    return name is not None and name.stat is not None and not name.stat.measure


def is_default_target(col: str) -> bool:
    """Whether a column is one a sensitivity analysis explains by default."""
    name = parse(col)
    return (
        name is not None
        and name.stat is not None
        and name.extra is None
        and ((name.stat.family, name.stat.name) in DEFAULT_TARGETS)
    )


def _target_pattern() -> str:
    subject = {"escalation": rf"{ID}-{ID}"}
    families: dict[str, list[str]] = {}
    for s in STATS:
        if s.target:
            families.setdefault(s.family, []).append(s.name)
    alts = [
        rf"{fam}\.{subject.get(fam, ID)}\.({'|'.join(names)})" for fam, names in families.items()
    ]
    return "^(" + "|".join(alts) + ")$"


TARGET_PATTERN = _target_pattern()
"""The sensitivity targets a scenario may name (``sensitivity.targets``): the :class:`Stat`
with ``target=True``, of an id (a dyad ``A-B`` for escalation)."""
