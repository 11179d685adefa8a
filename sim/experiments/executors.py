"""Where chunks run: in this process, in a local process pool, or on a Dask cluster.

Every executor takes the same tasks and yields ``(task, output)`` as chunks finish, in whatever
order they finish; the store puts each chunk in its place, so results never depend on the
executor or the number of workers. Each keeps only a few chunks in flight (twice its workers),
so memory stays flat however many chunks there are.

- :class:`InProcess` — one chunk after the other; no start-up cost.
- :class:`ProcessPool` — ``concurrent.futures`` with the ``forkserver`` start method (``spawn``
  where there is none): forking a process that has threads (pytest, Dask, BLAS) is unsafe and
  Python 3.12 warns about it. Workers never re-run the user's script, so a plain script needs
  no ``if __name__ == "__main__":`` guard, and a worker that dies is reported as what killed it
  (:mod:`sim.experiments.pool`). Workers ignore SIGINT so that Ctrl-C reaches only the parent,
  which stops them.
- :class:`DaskCluster` — ``distributed.Client`` on a scheduler address; a ``LocalCluster`` is
  used through its address too, so a laptop and a cluster run the same code. The package must
  be installed on the scheduler and on every worker; :class:`DaskCluster` checks the workers
  on connection. Dask is imported only here, only when asked for.
"""

from __future__ import annotations

import os
import re
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from .errors import ChunkFailed, ExperimentError
from .pool import death, oom_kills, worker_context
from .tasks import ChunkOutput, Task, describe, run_chunk

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a Dask scheduler to answer before giving up."""
WORKER_TIMEOUT = 30.0
"""Seconds to wait for the first worker of a Dask cluster to join."""
ORPHAN_CHECK = 1.0
"""Seconds between a pool worker's checks that its parent is alive."""
STEP_POLL = 0.2
"""Seconds between the main process's looks at the steps its workers report."""


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Executor:
    """Runs tasks; yields ``(task, output)`` as they finish. A context manager."""

    workers: int = 1
    name: str = "executor"
    shares_disk: bool = True
    """Whether workers see this machine's disk (and so write their chunks themselves)."""
    on_step: Callable[[Task, float, int], None] | None = None
    """Told ``(task, done, total)`` as a chunk's work advances (its model's steps, then its
    tables; see ``run_chunk``), so the progress bar moves within chunks; local executors call
    it, a Dask cluster reports whole chunks only."""

    def results(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, ChunkOutput]]:
        raise NotImplementedError

    def check_storage(self, url: str) -> None:
        """Refuse (:class:`ExperimentError`) a URL the workers cannot write to. Local workers
        share this process's packages and environment, which the store has checked."""

    def close(self, abort: bool = False) -> None:
        """Release the workers; with ``abort`` (Ctrl-C, a failure), stop the running chunks
        instead of waiting for them."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(abort=exc_type is not None)


class InProcess(Executor):
    """Chunks one after the other in this process."""

    name = "in-process"

    def results(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, ChunkOutput]]:
        for task in tasks:
            hear = self.on_step
            try:
                out = run_chunk(task, None if hear is None else partial(hear, task))
            except (KeyboardInterrupt, MemoryError):
                raise
            except Exception as exc:
                raise ChunkFailed([describe(task)], _format(exc), [task.chunk.key]) from exc
            yield task, out


_STEPS: Any = None
"""In a pool worker: the queue its chunks report their steps to (see :func:`_run_reporting`)."""


def _run_reporting(task: Task) -> ChunkOutput:
    """``run_chunk`` in a pool worker, telling the main process of each step of the chunk."""
    steps = _STEPS
    if steps is None:
        return run_chunk(task)
    key = task.chunk.key
    return run_chunk(task, lambda done, total: steps.put((key, done, total)))


def _init_worker(main_pid: int, steps: Any = None) -> None:
    """Set up a pool worker: Ctrl-C is the main process's business, and a worker whose main
    process was killed exits instead of lingering; ``steps`` is the queue for progress.

    A SIGKILL gives the main process no chance to stop its pool; the workers would wait for
    work forever, and they keep the forkserver alive too (it exits only when every holder of
    its "alive" pipe, the workers included, has gone).
    """
    import threading

    global _STEPS
    _STEPS = steps
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(ORPHAN_CHECK)
            try:
                os.kill(main_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid was reused by another user's process
                os._exit(1)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


class ProcessPool(Executor):
    """A local pool of ``workers`` processes, started with forkserver (or spawn)."""

    name = "process pool"

    def __init__(self, workers: int):
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self._ctx = worker_context(["sim.experiments.tasks", "sim.model"])
        self._oom = oom_kills()
        self._steps = self._ctx.SimpleQueue()
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self._ctx,
            initializer=_init_worker,
            initargs=(os.getpid(), self._steps),
        )

    def results(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, ChunkOutput]]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        todo = iter(tasks)
        pending: dict[Any, Task] = {}

        def fill() -> None:
            while len(pending) < 2 * self.workers:
                task = next(todo, None)
                if task is None:
                    return
                pending[self._pool.submit(_run_reporting, task)] = task

        fill()
        while pending:
            done, _ = wait(pending, timeout=STEP_POLL, return_when=FIRST_COMPLETED)
            self._hear({t.chunk.key: t for t in pending.values()})
            for fut in sorted(done, key=lambda f: pending[f].chunk.order):
                task = pending.pop(fut)
                try:
                    out = fut.result()
                except BrokenProcessPool:
                    running = [task, *pending.values()]
                    raise ChunkFailed(
                        [describe(t) for t in running],
                        self._death(),
                        [t.chunk.key for t in running],
                    ) from None
                except Exception as exc:
                    raise ChunkFailed([describe(task)], _format(exc), [task.chunk.key]) from exc
                yield task, out
            fill()

    def _hear(self, running: dict[str, Task]) -> None:
        """Pass on the steps the workers reported since the last look."""
        while not self._steps.empty():
            key, done, total = self._steps.get()
            if self.on_step is not None and key in running:
                self.on_step(running[key], done, total)

    def _death(self) -> str:
        """What killed the worker that broke the pool (its processes are joined first, so
        that every exit code is known)."""
        procs = self._ctx.Process.made
        for proc in procs:
            proc.join(timeout=5)
        return death([p.exitcode for p in procs], self._oom, oom_kills())

    def close(self, abort: bool = False) -> None:
        if abort:
            # ``_processes`` is private, but Python 3.12 has no public way to stop a pool's
            # running tasks (3.14 adds ``terminate_workers``).
            for proc in list((getattr(self._pool, "_processes", None) or {}).values()):
                proc.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)
        else:
            self._pool.shutdown(wait=True)


def _check_worker() -> str:
    """Run on each Dask worker: can it import the model? Returns the package version."""
    from importlib.metadata import version

    import sim.model  # noqa: F401

    return version("wargame-sim")


class DaskCluster(Executor):
    """Chunks sent to a Dask scheduler (``tcp://HOST:PORT``); needs ``dask[distributed]``."""

    name = "dask"
    shares_disk = False

    def __init__(
        self, address: str, timeout: float = CONNECT_TIMEOUT, wait: float = WORKER_TIMEOUT
    ):
        check_address(address)
        try:
            from distributed import Client
        except ImportError:
            raise ExperimentError(
                "--scheduler needs Dask: pip install 'wargame-sim[cluster]'"
                " (dask[distributed]) on this machine, the scheduler and every worker"
            ) from None
        self.address = address
        self._client = _connect(Client, address, timeout)
        try:
            self._client.wait_for_workers(1, timeout=wait)
            found = self._client.run(_check_worker)
        except (OSError, TimeoutError) as exc:
            self._client.close()
            raise ExperimentError(
                f"--scheduler {address}: no worker joined within {wait:g} s ({_one_line(exc)})"
            ) from None
        except Exception as exc:
            self._client.close()
            raise ExperimentError(
                f"--scheduler {address}: a worker cannot import wargame-sim ({_one_line(exc)});"
                " install the package on every worker"
            ) from None
        from importlib.metadata import version

        mine = version("wargame-sim")
        stale = sorted(w for w, v in found.items() if v != mine)
        if stale:
            self._client.close()
            raise ExperimentError(
                f"--scheduler {address}: workers run wargame-sim {found[stale[0]]}, this machine"
                f" {mine}: install the same version everywhere ({', '.join(stale)})"
            )
        info = self._client.scheduler_info()
        self.workers = max(
            1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())
        )
        self._pending: dict[str, tuple[Any, Task]] = {}

    def check_storage(self, url: str) -> None:
        """Each worker reaches ``url`` itself (its s3fs, its credentials): asked before any
        chunk is sent."""
        from sim.storage import probe

        found = self._client.run(probe, url)
        bad = sorted((w, why) for w, why in found.items() if why is not None)
        if bad:
            raise ExperimentError(
                f"--out {url}: the Dask worker {bad[0][0]} cannot use it: {bad[0][1]}"
                + (f" (and {len(bad) - 1} more workers)" if len(bad) > 1 else "")
            )

    def results(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, ChunkOutput]]:
        from distributed import as_completed

        todo = iter(tasks)
        pending = self._pending
        ac = as_completed(loop=self._client.loop)

        def fill() -> None:
            while len(pending) < 2 * self.workers:
                task = next(todo, None)
                if task is None:
                    return
                fut = self._client.submit(run_chunk, task, pure=False, key=_key(task))
                pending[fut.key] = (fut, task)
                ac.add(fut)

        fill()
        for fut in ac:
            _, task = pending.pop(fut.key)
            if fut.status != "finished":
                exc = fut.exception()
                raise ChunkFailed([describe(task)], _format(exc), [task.chunk.key])
            out = fut.result()
            fut.release()
            yield task, out
            fill()

    def close(self, abort: bool = False) -> None:
        for fut, _ in self._pending.values():
            fut.cancel()
        self._pending.clear()
        self._client.close()


_ADDRESS = re.compile(
    r"^(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))"
    r":(?P<port>[0-9]{1,5})$"
)
SCHEMES = ("tcp", "tls")


def check_address(address: str) -> None:
    """Refuse (:class:`ExperimentError`) what is not ``[tcp|tls://]HOST:PORT``, before any
    connection is tried (a malformed address would otherwise cost Dask's whole timeout)."""
    m = _ADDRESS.match(address.strip()) if isinstance(address, str) else None
    scheme = m.group("scheme") if m else None
    if m is None or not 1 <= int(m.group("port")) <= 65535:
        raise ExperimentError(
            f"--scheduler {address!r}: expected an address such as tcp://10.0.0.5:8786"
            " (tcp:// or tls://, a host and a port from 1 to 65535)"
        )
    if scheme is not None and scheme not in SCHEMES:
        raise ExperimentError(
            f"--scheduler {address}: the {scheme}:// protocol is not supported;"
            " use tcp:// or tls://"
        )


def _connect(client_class: Any, address: str, timeout: float) -> Any:
    """A Dask client connected within ``timeout`` (plus a grace second), whatever answers.

    Dask's own timeout does not cover every server: something that accepts the connection
    but never speaks Dask's protocol (an HTTP server) keeps it waiting forever. So the client
    is made in a daemon thread and abandoned when the deadline passes.
    """
    import threading

    box: dict[str, Any] = {}

    def connect() -> None:
        try:
            box["client"] = client_class(address, timeout=timeout, set_as_default=False)
        except BaseException as exc:  # reported by the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=connect, name="dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + 1.0)
    if thread.is_alive():
        raise ExperimentError(
            f"--scheduler {address}: no Dask scheduler answered within {timeout + 1:g} s"
            " (is this the scheduler's address and port?)"
        )
    if "error" in box:
        raise ExperimentError(
            f"--scheduler {address}: cannot reach the Dask scheduler ({_one_line(box['error'])})"
        )
    return box["client"]


def _key(task: Task) -> str:
    import uuid

    return f"wargame-{task.chunk.key.replace('/', '-')}-{uuid.uuid4().hex[:8]}"


def _format(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    return "".join(traceback.format_exception(exc)).rstrip()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def make_executor(workers: int | None, scheduler: str | None, n_tasks: int) -> Executor:
    """The executor for ``workers`` local processes or a Dask ``scheduler`` address.

    A single task, or a single worker, runs in this process: a pool would only add its
    start-up time. ``workers=None`` means every core, and more workers than cores are
    capped at the number of cores.
    """
    if scheduler:
        return DaskCluster(scheduler)
    if workers is not None and workers < 1:
        raise ExperimentError(f"--workers: expected at least 1, got {workers}")
    # More processes than cores only compete for them (and each holds a chunk in memory).
    k = min(workers or default_workers(), default_workers(), max(n_tasks, 1))
    return ProcessPool(k) if k > 1 else InProcess()
