"""Who may write a results folder, and what may be deleted from it.

Two guards, both checked before anything in a folder is written or removed:

- **The lock.** A writer holds an exclusive lock on ``DIR/.wargame.lock`` from before its first
  write to after its last; a second writer (another ``wargame run`` into the same ``--out``,
  started at the same moment or later) is refused with the holder's PID. The lock is a POSIX
  ``flock`` on that file, chosen over a PID file created with ``O_EXCL`` (or ``filelock``, which
  does the same ``flock``): the kernel releases it when its process dies, however it dies
  (``kill -9`` included), so a stale lock can never block a ``--resume``, and PID reuse cannot
  make a dead writer look alive. (Where there is no ``flock`` — Windows — the lock is the
  file itself, created with ``O_CREAT | O_EXCL``, and a file whose PID is gone is stale.)
  The file also records the holder's PID and start time, which
  the refusal names; a lock file whose PID is gone is reported as stale and taken over. The
  file is removed when the lock is released (and the inode checked after locking, so a writer
  never holds the lock of a file another has just removed).
  A folder at a URL (``s3://``) has no ``flock``: its lock is a *lease*, an object created
  exclusively (a conditional PUT) whose holder refreshes a heartbeat, taken over once the
  heartbeat is older than the lease — weaker than a kernel lock, and said so in
  :mod:`sim.experiments.object_lock`.
- **The ownership mark.** ``--force`` replaces only a folder this tool made: its manifest must
  carry ``"wargame_results": 1`` and a ``"written_by"`` of ``wargame-sim`` (older folders:
  ``wargame_results`` and an ``identity``), and every entry in it must be one the tool writes
  (tables, chunks, the scenario, figures, reports). Anything else — a web app's
  ``manifest.json`` next to its ``index.html`` — is refused before a single file is deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from sim.storage import is_remote, read_text

from .errors import ExperimentError

LOCK = ".wargame.lock"
OWNER = "wargame-sim"
"""The value of ``written_by`` in the manifest of every folder this package writes."""

_OWN_NAMES = re.compile(
    r"^(manifest\.json|(scenario|calibrated)\.yaml|chunks|figures|report\.(html|md)"
    r"|sensitivity\.csv|gen-\d+|[a-z_][a-z0-9_]*\.(parquet|csv|png)|\.wargame\.lock"
    r"|\..*\.tmp-.*)$"
)
"""Top-level names a results folder may hold (what ``run``, ``plot``, ``report``, ``backtest``
and ``calibrate`` write: a calibration keeps one results folder per generation, ``gen-NN``)."""


def is_ours(manifest: Any) -> bool:
    """Whether a manifest was written by this package (the ownership mark)."""
    if not isinstance(manifest, dict) or manifest.get("wargame_results") != 1:
        return False
    return manifest.get("written_by") == OWNER or isinstance(manifest.get("identity"), dict)


def check_replaceable(path: Path) -> None:
    """Refuse (:class:`ExperimentError`) to replace ``path`` unless this tool made it."""
    file = path / "manifest.json"
    try:
        manifest = json.loads(read_text(file))
    except (OSError, ValueError):
        manifest = None
    if not is_ours(manifest):
        raise ExperimentError(
            f"{path}: not empty and not a results folder made by wargame"
            f" (its {file.name} is missing or not ours); refusing to delete it"
            " — choose another --out"
        )
    foreign = sorted(p.name for p in path.iterdir() if not _OWN_NAMES.match(p.name))
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise ExperimentError(
            f"{path}: holds files that wargame did not write ({shown});"
            " refusing to delete them — move them, or choose another --out"
        )


def clear(path: Path) -> None:
    """Remove what is in ``path`` except the lock (checked by :func:`check_replaceable`).

    The manifest goes last: a kill on the way leaves a folder that is still ours (``--force``
    and ``--resume`` both work on it), never tables without a manifest.
    """
    for p in sorted(path.iterdir(), key=lambda q: q.name == "manifest.json"):
        if p.name == LOCK:
            continue
        if is_remote(p):  # a folder at a URL (sim.experiments.object_store)
            p.fs.rm(p.path, recursive=True)
        elif p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()


def has_content(path: Path) -> bool:
    """Whether ``path`` holds anything besides a lock file."""
    return path.is_dir() and any(p.name != LOCK for p in path.iterdir())


def _holder(file: Path) -> dict[str, Any]:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class FolderLock:
    """An exclusive, non-blocking lock on a results folder (see the module docstring).

    :meth:`acquire` creates the folder if needed and raises :class:`ExperimentError` when
    another live process holds the lock; :meth:`release` (also on ``with`` exit) frees it.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.file = self.path / LOCK
        self._fd: int | None = None
        self.stale: dict[str, Any] | None = None
        """What a stale lock file (its PID gone) said, when one was taken over."""

    def acquire(self) -> FolderLock:
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # not POSIX (Windows): a PID file created exclusively
            return self._acquire_pid_file()
        for _ in range(50):
            fd = os.open(self.file, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise self._refusal() from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.file).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # removed by its last holder between our open and our lock
                os.close(fd)
                continue
            self._take(fd)
            return self
        raise ExperimentError(f"{self.path}: could not lock the folder (it keeps changing)")

    def _acquire_pid_file(self) -> FolderLock:
        """Where there is no ``flock``: ``O_CREAT | O_EXCL`` makes one creator win; a lock
        file whose PID is gone is stale, removed, and the creation tried again."""
        for _ in range(50):
            try:
                fd = os.open(self.file, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                held = _holder(self.file)
                if _alive(held.get("pid")) or not held:  # alive, or still being written
                    raise self._refusal() from None
                self.stale = held
                self.file.unlink(missing_ok=True)
                continue
            self._take(fd)
            return self
        raise ExperimentError(f"{self.path}: could not lock the folder (it keeps changing)")

    def _take(self, fd: int) -> None:
        old = _holder(self.file)
        if old.get("pid") is not None and not _alive(old.get("pid")):
            self.stale = old
        since = dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
        info = json.dumps({"pid": os.getpid(), "since": since}).encode()
        os.ftruncate(fd, 0)
        os.write(fd, info)
        self._fd = fd

    def _refusal(self) -> ExperimentError:
        held = _holder(self.file)
        return ExperimentError(
            f"{self.path}: being written by another wargame process (PID"
            f" {held.get('pid', 'unknown')}, since {held.get('since', '?')}); wait for it to"
            " end, or choose another --out"
        )

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.file.unlink(missing_ok=True)
        except OSError:
            pass
        os.close(self._fd)  # closing the descriptor frees the lock
        self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


# --- what a resume must match -----------------------------------------------------------------


def identity_diff(old: Any, new: Any) -> list[str]:
    """One line per entry of two identities (or version records) that differs."""
    old = old if isinstance(old, dict) else {}
    lines = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            lines.append(f"{key}: folder has {_short(old.get(key))}, now {_short(new.get(key))}")
    return lines


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 24 else text[:21] + "..."
