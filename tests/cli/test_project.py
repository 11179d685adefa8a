"""What a new user meets before any command: ``wargame --version``, and a clone that stays
clean after the README's commands."""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_version_names_the_package_mesa_and_python(wargame):
    code, out, err = wargame("--version")
    assert code == 0, err
    m = re.fullmatch(r"wargame (\S+) \(Mesa (\S+), Python (\S+)\)\n", out)
    assert m, out
    assert m.group(1) == metadata.version("wargame-sim")
    assert m.group(2) == metadata.version("mesa")


def _readme_outputs() -> list[str]:
    """Every path the README's ``wargame`` commands write: ``--out``/``-o``, ``new NAME``."""
    outs = []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if "bin/wargame " not in line:
            continue
        words = shlex.split(line.split("#")[0])
        outs += [b for a, b in itertools.pairwise(words) if a in ("-o", "--out")]
        outs += [f"{b}.yaml" for a, b in itertools.pairwise(words) if a == "new"]
    return outs


def _ignored(path: str) -> bool:
    done = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT, check=False)
    return done.returncode == 0


def test_gitignore_covers_what_the_readme_commands_write():
    outs = _readme_outputs()
    assert len(outs) >= 3, outs  # runs/seoul, figures/, seoul.html at least
    for out in outs:
        inside = f"{out.rstrip('/')}/x.png" if not Path(out).suffix else out
        assert _ignored(inside), f"{out} (written by a README command) is not in .gitignore"
    assert _ignored("runs/seoul-arms-ukraine-20240619-120000/manifest.json")  # default --out
    assert not _ignored("docs/figures/flagship_overview.png")  # the committed figure
