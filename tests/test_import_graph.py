"""The import graph of ``sim``: every module imports alone, no module needs one that needs it
back, and no package imports one of a layer above it.

A cycle hidden in a function-local import works until someone imports the "wrong" module first;
an upward import drags a whole layer (pandas, matplotlib, Dask) into one that should not need
it. Both are read from the source with :mod:`ast`, function-local imports included (only
``if TYPE_CHECKING:`` blocks, which never run, are left out).
"""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"

LAYERS = ["scenario", "model", "analysis", "experiments", "history", "cli"]
"""The packages of ``sim``, lowest first: each may import only those before it. A top-level
module (``sim.outcomes``) is below them all. ``sim`` itself is in no layer: it imports its API
lazily, by name, and holds the wiring every layer may read (``sim.POLICY_MODULES``)."""


def _modules() -> dict[str, Path]:
    out = {}
    for f in sorted(SIM.rglob("*.py")):
        parts = f.relative_to(SIM.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = f
    return out


def _typing_only(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(x) for b in node.body for x in ast.walk(b))
    return skip


def _imports(name: str, file: Path, mods: dict[str, Path]) -> set[str]:
    """The modules of ``sim`` that ``name`` imports (the most specific module each import
    names: ``from . import budget`` is ``sim.experiments.budget``, not the package)."""
    tree = ast.parse(file.read_text(), str(file))
    skip = _typing_only(tree)
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            subs = [f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in mods]
            targets = subs or [module]
        else:
            continue
        for t in targets:
            while t and t not in mods:  # import sim.model.wargame.x → the deepest module
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) == 1:
        return None
    if parts[1] not in LAYERS:
        return -1
    return LAYERS.index(parts[1])


GRAPH = {m: _imports(m, f, _modules()) for m, f in _modules().items()}


def test_no_module_imports_a_layer_above_its_own():
    upward = sorted(
        f"{a} -> {b}"
        for a, deps in GRAPH.items()
        for b in deps
        if (la := _layer(a)) is not None and (lb := _layer(b)) is not None and lb > la
    )
    assert upward == []


def test_the_packages_import_each_other_without_a_cycle():
    packages: dict[str, set[str]] = {}
    for a, deps in GRAPH.items():
        pa = ".".join(a.split(".")[:2])
        packages.setdefault(pa, set()).update(
            pb for b in deps if (pb := ".".join(b.split(".")[:2])) != pa
        )
    graphlib.TopologicalSorter(packages).prepare()  # raises CycleError naming the cycle


def test_no_cycle_between_modules():
    # A package's __init__ re-exports its children, and they import siblings through the
    # package: those edges are the package's own business, not a cycle between modules.
    edges = {
        a: {b for b in deps if not a.startswith(b + ".") and not b.startswith(a + ".")}
        for a, deps in GRAPH.items()
    }
    try:
        graphlib.TopologicalSorter(edges).prepare()
    except graphlib.CycleError as exc:
        pytest.fail("import cycle: " + " -> ".join(exc.args[1]))


def test_the_graph_is_read_from_every_kind_of_import():
    # The reader itself: a function-local import is an edge, an `if TYPE_CHECKING:` one is not.
    assert "sim.experiments.executors" in GRAPH["sim.experiments.ensemble"]  # function-local
    assert "sim.experiments.results" in GRAPH["sim.experiments.ensemble"]
    assert "sim.experiments.ensemble" not in GRAPH["sim.experiments.manifest"]  # TYPE_CHECKING
    assert "sim.experiments.budget" in GRAPH["sim.experiments.ensemble"]  # from . import budget


CHILD = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "sim" or m.startswith("sim.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=-3))
print("\\n".join(failed))
"""


def test_every_module_imports_alone():
    # One interpreter for all (third-party packages stay loaded), but `sim` is forgotten
    # before each module, so each is imported first, as a user's script or a worker would.
    names = sorted(n for n in GRAPH if not n.endswith("__main__"))
    proc = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", CHILD, *names],
        capture_output=True,
        text=True,
        cwd=SIM.parent,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
