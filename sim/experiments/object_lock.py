"""The lock of a results folder on object storage: a lease, not a kernel lock.

An object store has no ``flock`` and no process that dies with its lock, so the lock is an
object, ``DIR/.wargame.lock``, created **exclusively** (``open(path, "xb")``, which s3fs sends
as a conditional PUT, ``If-None-Match: *``: of two writers creating it at once, exactly one
succeeds) and holding the holder's host, PID, start time and a **heartbeat** time that a
thread of the holder rewrites every third of the lease. A second writer that finds the object
is refused, naming the holder — unless the heartbeat is older than the holder's lease
(recorded in the lock; :data:`LEASE`, 60 s, or ``WARGAME_LOCK_LEASE`` seconds), in which
case the holder is taken to be dead (``kill -9``, a lost machine) and the lock is taken
over: deleted, then created exclusively again. Release deletes it.

What a lease cannot promise, said plainly:

- A holder that stalls longer than the lease (suspended, partitioned from the store) loses the
  lock without knowing at once; its heartbeat notices the next time it looks (the lock then
  names someone else) and its next commit fails with a clear error, but a chunk it was writing
  meanwhile may land next to the new holder's. Chunks are deterministic (the same seed gives
  the same bytes), so such a chunk is the same data.
- Two writers taking over the same stale lock at the same moment can, between one's delete
  and the other's create, both believe they hold it: the delete is not conditional.
- Staleness compares the heartbeat with this machine's clock: clocks more than a lease apart
  make a live holder look stale. Keep clocks synchronised (NTP) or raise the lease.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import time
import uuid
from typing import Any

from .errors import ExperimentError

LEASE = float(os.environ.get("WARGAME_LOCK_LEASE", "60"))
"""Seconds after its last heartbeat that a lock is stale (``WARGAME_LOCK_LEASE``)."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


class ObjectLock:
    """An exclusive lease on a results folder at a URL (see the module docstring).

    Args:
        fs: The folder's fsspec file system.
        root: The folder's path on it (no protocol).
        label: How the folder is named in messages (its URL).
        lease: Seconds without a heartbeat after which the lock is stale.
    """

    def __init__(self, fs: Any, root: str, label: str, lease: float | None = None) -> None:
        self.fs = fs
        self.file = f"{root}/.wargame.lock"
        self.label = label
        self.lease = LEASE if lease is None else float(lease)
        self.stale: dict[str, Any] | None = None
        """What a stale lock said, when one was taken over."""
        self.lost: dict[str, Any] | None = None
        """Who holds the lock now, when a heartbeat found it taken from us."""
        self._token: str | None = None
        self._info: dict[str, Any] = {}
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def acquire(self) -> ObjectLock:
        for _ in range(5):
            info = {
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "since": _now(),
                "heartbeat": time.time(),
                "lease": self.lease,
                "token": uuid.uuid4().hex,
            }
            try:
                with self.fs.open(self.file, "xb") as f:
                    f.write(json.dumps(info).encode())
            except FileExistsError:
                held = self._holder()
                age = time.time() - float(held.get("heartbeat", 0) or 0)
                if held and age <= float(held.get("lease", self.lease)):  # the holder's lease
                    raise self._refusal(held) from None
                # stale (or unreadable: a lock is written whole, so that is a foreign object)
                self.stale = held or {"host": "?", "pid": "?"}
                self.fs.rm_file(self.file)
                continue
            except (NotImplementedError, TypeError) as exc:
                raise ExperimentError(
                    f"{self.label}: this storage cannot create a file exclusively ({exc});"
                    " a results folder there cannot be locked (s3fs >= 2024.12 can)"
                ) from None
            self._token, self._info = info["token"], info
            self._stop.clear()
            self._beat = threading.Thread(target=self._heartbeat, name="lock-lease", daemon=True)
            self._beat.start()
            return self
        raise ExperimentError(f"{self.label}: could not lock the folder (it keeps changing)")

    def _holder(self) -> dict[str, Any]:
        try:
            held = json.loads(self.fs.cat_file(self.file))
        except (OSError, ValueError):
            return {}
        return held if isinstance(held, dict) else {}

    def _refusal(self, held: dict[str, Any]) -> ExperimentError:
        beat = held.get("heartbeat")
        ago = f", last heartbeat {time.time() - float(beat):.0f} s ago" if beat else ""
        return ExperimentError(
            f"{self.label}: being written by another wargame process (PID"
            f" {held.get('pid', 'unknown')} on {held.get('host', '?')}, since"
            f" {held.get('since', '?')}{ago}); wait for it to end, or choose another --out"
            f" (a lock without heartbeat for {float(held.get('lease', self.lease)):g} s is"
            " taken over)"
        )

    def _heartbeat(self) -> None:
        """Rewrite the heartbeat every third of the lease, while the lock is still ours."""
        while not self._stop.wait(self.lease / 3):
            try:
                held = self._holder()
                if held.get("token") != self._token:
                    self.lost = held
                    return
                self._info["heartbeat"] = time.time()
                self.fs.pipe_file(self.file, json.dumps(self._info).encode())
            except Exception:  # a blip of the network: the next beat tries again
                continue

    def check(self) -> None:
        """Raise :class:`ExperimentError` when the lock was taken over by another writer."""
        if self.lost is not None:
            raise ExperimentError(
                f"{self.label}: lost the lock to PID {self.lost.get('pid', '?')} on"
                f" {self.lost.get('host', '?')} (no heartbeat reached the storage for"
                f" {self.lease:g} s); stopping — the other writer goes on"
            )

    def release(self) -> None:
        if self._token is None:
            return
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=10)
        try:
            if self.lost is None and self._holder().get("token") == self._token:
                self.fs.rm_file(self.file)
        except OSError:
            pass
        self._token = None

    @property
    def held(self) -> bool:
        return self._token is not None

    def __enter__(self) -> ObjectLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
