"""Includes: shared blocks (``include: [ladders/standard.yaml]``) merged under a scenario.

An entry is looked up relative to the including file, then in the package's own library
(``sim/library/``). It may not leave those two folder trees: an absolute path or a ``..`` that
climbs out is an error, as is a cycle. Included mappings are merged first, in order, and the
including file is merged over them (it wins, key by key, at every depth; lists and values are
replaced whole). Merged nodes keep the positions of the file they came from.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

from .errors import Problem
from .tree import PMap, Pos, PSeq, describe, parse_yaml, read_text
from .validation import did_you_mean

LIBRARY = Path(__file__).resolve().parent.parent / "library"
"""Shared scenario blocks shipped with the package."""

MAX_INCLUDE_DEPTH = 16


def shown_name(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def merge(base: PMap, over: PMap) -> PMap:
    """``over`` merged onto ``base``: mappings key by key, anything else replaced whole."""
    out = PMap(over.pos)
    for k, v in base.items():
        if k in over:
            w = over[k]
            value = merge(v, w) if isinstance(v, PMap) and isinstance(w, PMap) else w
            out.put(k, value, over.key_pos[k], over.val_pos[k])
        else:
            out.put(k, v, base.key_pos[k], base.val_pos[k])
    for k, w in over.items():
        if k not in out:
            out.put(k, w, over.key_pos[k], over.val_pos[k])
    return out


class _Resolver:
    def __init__(self, roots: list[Path]) -> None:
        self.roots = [r.resolve() for r in roots]
        self.problems: list[Problem] = []

    def problem(self, pos: Pos, path: str, message: str) -> None:
        self.problems.append(Problem(pos[0], pos[1], pos[2], path, message))

    def inside(self, path: Path) -> bool:
        return any(path.is_relative_to(root) for root in self.roots)

    def locate(self, entry: str, here: Path | None, pos: Pos, path: str) -> Path | None:
        if (
            PurePosixPath(entry).is_absolute()
            or PureWindowsPath(entry).is_absolute()
            or PureWindowsPath(entry).drive
            or entry.startswith("~")
        ):
            self.problem(
                pos,
                path,
                f"include {entry!r} is an absolute path; include files by a path relative to "
                "this file or to the package library (ladders/standard.yaml)",
            )
            return None
        bases = [b for b in (here, LIBRARY) if b is not None]
        escaped = False
        for base in bases:
            candidate = (base / entry).resolve()
            if not self.inside(candidate):
                escaped = True
            elif candidate.is_file():
                return candidate
        if escaped:
            where = " and ".join(shown_name(r) for r in self.roots)
            self.problem(
                pos,
                path,
                f"include {entry!r} leaves the folders a scenario may include from ({where})",
            )
            return None
        known = self.known_files(bases)
        hint = did_you_mean(entry, known)
        looked = " and ".join(shown_name(b) for b in bases)
        self.problem(pos, path, f"include {entry!r} not found (looked in {looked}){hint}")
        return None

    @staticmethod
    def known_files(bases: list[Path], depth: int = 3, limit: int = 500) -> list[str]:
        """YAML files near the bases, for a did-you-mean (a shallow, bounded look)."""
        names: list[str] = []
        for base in bases:
            for folder, subfolders, files in os.walk(base):
                rel = Path(folder).relative_to(base)
                if len(rel.parts) >= depth:
                    subfolders.clear()
                subfolders[:] = [d for d in subfolders if not d.startswith(".")]
                names += [(rel / f).as_posix() for f in files if f.endswith((".yaml", ".yml"))]
                if len(names) >= limit:
                    return names
        return names

    def resolve(self, tree: PMap, here: Path | None, stack: tuple[Path, ...]) -> PMap:
        """``tree`` with its includes merged under it (and the ``include`` key consumed)."""
        if "include" not in tree:
            return tree
        entries = tree["include"]
        entries_pos = tree.val_pos["include"]
        own = PMap(tree.pos)
        for k, v in tree.items():
            if k != "include":
                own.put(k, v, tree.key_pos[k], tree.val_pos[k])
        if entries is None:
            return own
        if not isinstance(entries, PSeq):
            self.problem(
                entries_pos,
                "include",
                f"expected a list of files, like include: [ladders/standard.yaml], "
                f"found {describe(entries)}",
            )
            return own
        base = PMap(tree.pos)
        for i, entry in enumerate(entries):
            pos, path = entries.item_pos[i], f"include.{i}"
            if not isinstance(entry, str) or not entry.strip():
                self.problem(pos, path, f"expected a file name, found {describe(entry)}")
                continue
            target = self.locate(entry.strip(), here, pos, path)
            if target is None:
                continue
            if target in stack:
                cycle = " → ".join(shown_name(p) for p in (*stack[stack.index(target) :], target))
                self.problem(pos, path, f"include cycle: {cycle}")
                continue
            if len(stack) > MAX_INCLUDE_DEPTH:
                self.problem(pos, path, f"includes nested more than {MAX_INCLUDE_DEPTH} deep")
                continue
            name = shown_name(target)
            text, problems = read_text(target, name)
            self.problems.extend(problems)
            if text is None:
                continue
            sub, problems = parse_yaml(text, name)
            self.problems.extend(problems)
            if sub is None:
                continue
            sub = self.resolve(sub, target.parent, (*stack, target))
            base = merge(base, sub)
        return merge(base, own)


def resolve_includes(
    tree: PMap, file: Path | None, roots: list[Path]
) -> tuple[PMap, list[Problem]]:
    """Merge the includes of ``tree`` (read from ``file``, or from text when ``None``).

    ``roots`` are the folder trees includes may come from besides the library: the top-level
    scenario's folder.
    """
    resolver = _Resolver([*roots, LIBRARY])
    here = file.resolve().parent if file is not None else None
    stack = (file.resolve(),) if file is not None else ()
    merged = resolver.resolve(tree, here, stack)
    return merged, resolver.problems
