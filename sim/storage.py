"""Where results live: a local folder, or an fsspec URL (``s3://bucket/prefix``, ``gs://…``,
``memory://…``).

One place turns what a user typed (``--out``, ``open_results(...)``, ``wargame plot DIR``) into
a location: a :class:`pathlib.Path` for a local folder — the code path of a local disk, with
its renames, hard links and ``flock`` — or a :class:`upath.UPath` for a URL, which offers the
same ``/``, ``exists``, ``glob``, ``read_text`` and ``open`` over the URL's fsspec file system,
so that what only reads a results folder reads both. ``file:///abs/path`` is a local folder
(it has renames and locks; nothing is gained by treating it as an object store).

Credentials and endpoints come the standard way, the same on the client and on every worker:
botocore's ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and ``AWS_ENDPOINT_URL``,
fsspec's ``FSSPEC_S3_ENDPOINT_URL`` (``FSSPEC_<PROTOCOL>_<OPTION>`` in general). Nothing is
passed in code. A writer never caches listings (``use_listings_cache=False``): chunks appear
from other processes and machines, and a cached listing would hide them. A reader of a
finished folder — which nothing changes while its manifest says complete — does
(:func:`for_reading`): DuckDB asks for a file's size at every scan, and the cached listing answers
instead of one HEAD request per file and query (16 s against 0.2 s for a summary of 30 files
a table on a loopback server).

A leaf (imports nothing of ``sim``), so that both the analysis (:mod:`sim.analysis.query`)
and the experiments layer use it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import unquote, urlparse

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")
"""``proto://``; two letters at least, so that a Windows drive (``C:\\``) is never a URL."""
OPTIONS: dict[str, Any] = {"use_listings_cache": False}
"""Options of every file system opened here (see the module docstring)."""


class StorageError(ValueError):
    """A URL that cannot be used: one line that says why (the caller adds what it was for)."""


def is_url(target: Any) -> bool:
    """Whether ``target`` is a URL of a remote file system (not a local path, not file://)."""
    if is_remote(target):
        return True
    if not isinstance(target, str):
        return False
    m = _SCHEME.match(target)
    return m is not None and m.group(1).lower() not in ("file", "local")


def is_remote(path: Any) -> bool:
    """Whether ``path`` (as given by :func:`location`) is on a remote file system."""
    return not isinstance(path, PurePath) and hasattr(path, "fs") and hasattr(path, "protocol")


def location(target: str | os.PathLike | Any, cached: bool = False) -> Any:
    """A :class:`~pathlib.Path` for a local folder (``file://`` URLs included), a
    :class:`upath.UPath` for any other URL (listings cached only when ``cached``). Checks
    nothing (see :func:`check`)."""
    if is_remote(target) or isinstance(target, PurePath):
        return target
    text = os.fspath(target)
    m = _SCHEME.match(text) if isinstance(text, str) else None
    if m is None:
        return Path(text)
    if m.group(1).lower() in ("file", "local"):
        return Path(unquote(urlparse(text).path))
    try:
        from upath import UPath
    except ImportError:
        raise StorageError(
            "a URL needs universal_pathlib and the file system's package:"
            " pip install 'wargame-sim[s3]'"
        ) from None
    return UPath(text.rstrip("/"), **({} if cached else OPTIONS))


def for_reading(target: str | os.PathLike | Any) -> Any:
    """:func:`location` for reading a finished folder: at a URL, listings are cached (emptied
    first, so that what an earlier reader saw is not taken for what is there now)."""
    if not is_remote(target) and not is_url(target):
        return location(target)
    path = location(str(target), cached=True)
    path.fs.invalidate_cache(path.path)
    return path


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec file system of ``url`` and the path on it (what a worker writes with)."""
    import fsspec

    return fsspec.core.url_to_fs(url, **OPTIONS)


def check(path: Any) -> None:
    """Refuse (:class:`StorageError`, one line) a remote location that cannot be used:
    an unknown protocol, a missing implementation (``pip install s3fs``), an unreachable
    endpoint, a missing bucket, no permission. Reads one listing; writes nothing."""
    if not is_remote(path):
        return
    try:
        fs = path.fs
    except ValueError as exc:  # fsspec: "Protocol not known: foo"
        raise StorageError(f"unknown protocol {path.protocol!r} ({exc})") from None
    except ImportError as exc:  # "Install s3fs to access S3"
        raise StorageError(f"{_first(exc)} (pip install 'wargame-sim[s3]' for s3://)") from None
    bucket = path.path.split("/", 1)[0]
    try:
        fs.ls(bucket, detail=False)
    except FileNotFoundError:
        raise StorageError(f"the bucket {bucket!r} does not exist") from None
    except PermissionError as exc:
        raise StorageError(f"no permission to read the bucket {bucket!r} ({_first(exc)})") from None
    except Exception as exc:  # connection refused, DNS, TLS, credentials: botocore's errors
        raise StorageError(f"cannot reach the storage ({_first(exc)})") from None


def check_protocol(target: str | os.PathLike) -> None:
    """Refuse (:class:`StorageError`) a URL whose protocol fsspec does not know or cannot load,
    before anything else is done with it (a :class:`~pathlib.Path` is a local folder)."""
    m = _SCHEME.match(target) if isinstance(target, str) else None
    if m is None:
        return
    import fsspec

    try:
        fsspec.get_filesystem_class(m.group(1).lower())
    except ValueError:
        raise StorageError(
            f"unknown protocol {m.group(1)!r}: use a local folder or an fsspec URL"
            " such as s3://bucket/prefix"
        ) from None
    except ImportError as exc:
        raise StorageError(f"{_first(exc)} (pip install 'wargame-sim[s3]' for s3://)") from None


def probe(url: str) -> str | None:
    """What is wrong with writing at ``url`` from this process (one line), or ``None``: run on
    each Dask worker before any chunk is sent, since a worker has its own packages and
    environment."""
    try:
        check_protocol(url)
        check(location(url))
    except StorageError as exc:
        return str(exc)
    return None


def glob_for_duckdb(con: Any, where: Any) -> str:
    """The glob (or file) DuckDB scans for a table at ``where``; a remote location's file
    system is registered with the connection first (DuckDB reads through fsspec)."""
    if is_remote(where):
        fs = where.fs
        names = {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)
        if not names & set(con.list_filesystems()):  # once per connection
            con.register_filesystem(fs)
    return str(where / "*.parquet") if where.is_dir() else str(where)


def read_text(path: Any) -> str:
    """A small file's text. At a URL, one GET of the whole object: an fsspec file object asks
    for the object's ETag, then for its bytes on the condition that the ETag still holds, so a
    manifest its writer replaces in between fails the read ("... no longer exists") — seen
    when a second ``run`` checked a folder whose writer was committing chunks."""
    if is_remote(path):
        return path.fs.cat_file(path.path).decode("utf-8")
    return path.read_text(encoding="utf-8")


def readable(path: Any) -> Any:
    """What ``pyarrow.parquet.ParquetFile`` opens: a local path as it is, a remote file as an
    fsspec file object (read lazily, by ranges)."""
    return path.open("rb") if is_remote(path) else path


def pyarrow_source(where: Any) -> tuple[str, Any]:
    """``(path, filesystem)`` for pyarrow: a local path as it is, a remote one on its fsspec
    file system (pyarrow wraps it)."""
    if is_remote(where):
        return where.path, where.fs
    return str(where), None


def upload(local: str | os.PathLike, remote: Any) -> None:
    """Put a finished local file at ``remote``: one object written whole (a single PUT, or a
    multipart upload that appears only when complete), so a reader never sees half of it."""
    remote.fs.put_file(os.fspath(local), remote.path)


def _first(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__
