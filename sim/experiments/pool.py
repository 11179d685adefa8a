"""The processes behind :class:`~sim.experiments.executors.ProcessPool`: started so that a plain
script needs no ``if __name__ == "__main__":`` guard, and watched so that a worker's death is
reported as what it was.

Why no guard is needed. With the ``forkserver`` and ``spawn`` start methods, multiprocessing
re-runs the parent's main script in every new worker (as ``__mp_main__``) so that objects
defined there can be unpickled. Our workers never need it: a chunk is ``run_chunk`` and a
:class:`~sim.experiments.ensemble.Task` (a validated scenario, seeds, arrays), all defined in
``sim``. Re-running the user's script would run the user's whole ensemble again in each worker —
Python stops that with a ``RuntimeError`` and the pool breaks. So the workers are launched with
the main module hidden from the launch data: they start from ``sim`` alone, whatever the
script looks like.

Why a death is described. A pool whose worker dies raises ``BrokenProcessPool`` with no cause;
the exit code of the dead worker says what happened (a signal, an exit status), and the
kernel's count of out-of-memory kills (``oom_kill`` in ``/proc/vmstat``) says whether the
out-of-memory killer sent that signal. "Out of memory" is said only then.
"""

from __future__ import annotations

import signal
import sys
import types
from contextlib import contextmanager
from multiprocessing import context as mp_context
from multiprocessing import popen_forkserver, popen_spawn_posix
from pathlib import Path
from typing import Any

VMSTAT = Path("/proc/vmstat")


@contextmanager
def _main_hidden() -> Any:
    """``__main__`` replaced by an empty module while a worker's launch data is gathered, so
    that the worker does not re-run the user's script (see the module's docstring)."""
    real = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if real is not None:
            sys.modules["__main__"] = real


class _ForkServerPopen(popen_forkserver.Popen):
    def _launch(self, process_obj: Any) -> None:
        with _main_hidden():
            super()._launch(process_obj)


class _SpawnPopen(popen_spawn_posix.Popen):
    def _launch(self, process_obj: Any) -> None:
        with _main_hidden():
            super()._launch(process_obj)


class _ForkServerProcess(mp_context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _ForkServerPopen(process_obj)


class _SpawnProcess(mp_context.SpawnProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _SpawnPopen(process_obj)


class _Recording:
    """A context's ``Process`` that keeps every process it made (to read their exit codes)."""

    def __init__(self, process_class: type) -> None:
        self.process_class = process_class
        self.made: list[Any] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        proc = self.process_class(*args, **kwargs)
        self.made.append(proc)
        return proc


def worker_context(preload: list[str]) -> Any:
    """A multiprocessing context for the pool: ``forkserver`` (the server imports ``preload``
    once; each worker forks from it ready to run), or ``spawn`` where there is no forkserver.
    Its ``Process.made`` lists the processes started."""
    import multiprocessing as mp

    if "forkserver" in mp.get_all_start_methods():
        ctx: Any = mp_context.ForkServerContext()
        ctx.set_forkserver_preload(preload)
        ctx.Process = _Recording(_ForkServerProcess)
    else:
        ctx = mp_context.SpawnContext()
        ctx.Process = _Recording(_SpawnProcess)
    return ctx


def oom_kills() -> int | None:
    """The kernel's count of processes killed for want of memory (``None``: not on Linux)."""
    try:
        for line in VMSTAT.read_text().splitlines():
            if line.startswith("oom_kill "):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def death(exitcodes: list[int | None], oom_before: int | None, oom_after: int | None) -> str:
    """What killed a pool's worker, from the exit codes of its processes.

    The pool stops the surviving workers with SIGTERM once one dies, so a SIGTERM is blamed
    only when nothing else explains the death.
    """
    codes = [c for c in exitcodes if c not in (None, 0)]
    cause = next((c for c in codes if c != -signal.SIGTERM), codes[0] if codes else None)
    if cause is None:
        return "a worker process stopped without an exit code while running one of these chunks"
    if cause > 0:
        return (
            f"a worker process exited with status {cause} while running one of these chunks"
            " (its error, if it printed one, is above)"
        )
    name = _signal_name(-cause)
    if cause == -signal.SIGKILL:
        if oom_before is None or oom_after is None:  # no count of the kernel's kills here
            return (
                f"a worker process was killed ({name}: the out-of-memory killer's signal, or"
                " another process's) while running one of these chunks"
            )
        if oom_after > oom_before:
            return (
                "a worker process ran out of memory (the kernel's out-of-memory killer stopped"
                " it) while running one of these chunks; use a smaller --chunk-size or fewer"
                " --workers"
            )
        return (
            f"a worker process was killed ({name}, sent by another process or a user: not the"
            " out-of-memory killer) while running one of these chunks"
        )
    return f"a worker process was killed by {name} while running one of these chunks"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
