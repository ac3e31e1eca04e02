"""Paths and whole-object I/O under ``[dynflow] store_url``.

It lives on an ``ObjectStoragePath``, so local folders, S3 and GCS all work with the matching
provider installed. What we hand out and accept back is a *key*: a path relative to the store's
root (``runs/wf/<run>/count.nodes/7/n7/o0.json``). A key is checked before it is used: no scheme,
no absolute path, no ``.`` or ``..`` segment, so whatever an XCom says, a read never leaves the
store.
"""

from __future__ import annotations

import os
import re
from typing import Any

from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.compat import conf
from airflow_dynflow.airflow.store.outages import Patience

__all__ = ["LOCAL_PROTOCOLS", "BlobStore", "configured_url"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._=-]+")
_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9._=-]+")
# Stores on this machine's disk: read and written with plain file I/O, not through fsspec.
LOCAL_PROTOCOLS = ("file", "local", "")


def _segment(text: str) -> str:
    """Run ids carry ':' and '+'; keep path segments portable, and never ``.`` or ``..``."""
    safe = _UNSAFE.sub("_", text)
    return safe if safe.strip(".") else "_" * max(1, len(safe))


def configured_url() -> str:
    """``[dynflow] store_url``, or by default a folder in ``AIRFLOW_HOME``."""
    url = conf.get("dynflow", "store_url", fallback="")
    if url:
        return url
    home = os.environ.get("AIRFLOW_HOME") or conf.get("core", "airflow_home", fallback="~/airflow")
    return "file://" + os.path.join(os.path.abspath(os.path.expanduser(home)), "dynflow-store")


class BlobStore:
    """Paths and I/O under the configured store URL. Writes are whole-object (no partial files)."""

    def __init__(self, url: str | None = None) -> None:
        self.root = ObjectStoragePath(url or configured_url())
        self._prefix = str(self.root).rstrip("/") + "/"
        self._patience = Patience.configured()

    def run_path(self, dag_id: str, run_id: str, *parts: str) -> ObjectStoragePath:
        return self.root.joinpath("runs", _segment(dag_id), _segment(run_id), *map(_segment, parts))

    def cache_path(self, key: str) -> ObjectStoragePath:
        return self.root.joinpath("cache", _segment(key[:2]), f"{_segment(key)}.json")

    def child(self, folder: ObjectStoragePath, *parts: str) -> ObjectStoragePath:
        """``folder/part/...`` with each part made a safe segment (a user's file name, for one)."""
        return folder.joinpath(*map(_segment, parts))

    def key_of(self, path: ObjectStoragePath) -> str:
        text = str(path)
        if not text.startswith(self._prefix):
            raise errors.outside_store(text, str(self.root))
        key = text[len(self._prefix) :]
        self._check(key)
        return key

    def path_of(self, key: object) -> ObjectStoragePath:
        """The path a key names, or IntegrityError when it would leave the store."""
        return self.root.joinpath(*self._check(key))

    def _check(self, key: object) -> list[str]:
        """A key is segments of the characters ``_segment`` produces, none of them ``.`` or ``..``:
        no scheme, no absolute path, no way up."""
        segments = key.split("/") if isinstance(key, str) else []
        if not segments or any(not _SAFE_SEGMENT.fullmatch(s) or not s.strip(".") for s in segments):
            raise errors.outside_store(repr(key), str(self.root))
        return segments

    def write_bytes(self, path: ObjectStoragePath, data: bytes) -> str:
        """Write ``data`` whole (and durably, on a local disk); returns the object's key."""
        key = self.key_of(path)
        if path.protocol in LOCAL_PROTOCOLS:
            _write_local(path.path, data)
        else:
            self._remote(path, f"writing {key}", "pipe_file", data)
        return key

    def read_bytes(self, key: object) -> bytes:
        path = self.path_of(key)
        if path.protocol in LOCAL_PROTOCOLS:
            return path.read_bytes()
        return bytes(self._remote(path, f"reading {key}", "cat_file"))

    def read_range(self, key: object, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` (exclusive) of an object: a seek on a local disk, one ranged GET
        on S3 or GCS. Not through ``ObjectStoragePath.open``, whose lineage hook loads Airflow's
        plugins on its first use in a process (0.3 s here); and on a local disk not through its
        filesystem either, whose first use imports every provider's filesystem (80 ms of CPU, in
        every task process)."""
        path = self.path_of(key)
        if path.protocol in LOCAL_PROTOCOLS:
            with open(path.path, "rb") as handle:
                handle.seek(start)
                return handle.read(max(0, end - start))
        return bytes(self._remote(path, f"reading {key}", "cat_file", start=start, end=end))

    def read_if_present(self, path: ObjectStoragePath) -> bytes | None:
        """The object's bytes, or None when there is none: one GET, where ``exists`` then a read
        would make two round trips."""
        try:
            return self.read_bytes(self.key_of(path))
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        path = self.path_of(key)
        if path.protocol in LOCAL_PROTOCOLS:
            return path.exists()
        return bool(self._remote(path, f"looking up {key}", "exists"))

    def _remote(self, path: ObjectStoragePath, what: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """One filesystem call, patiently. fsspec's asynchronous filesystems (s3fs, gcsfs) take a
        ``timeout`` for the whole call, retries of their client included."""
        fs = path.fs
        if getattr(fs, "async_impl", False):
            kwargs["timeout"] = self._patience.call_timeout
        call = getattr(fs, method)
        return self._patience.call(lambda: call(path.path, *args, **kwargs), what, str(self.root))


def _write_local(target: str, data: bytes) -> None:
    """Write to a temporary file, fsync it, rename it over the target and fsync the folder: after a
    crash the object is either the old one or the new one, never a torn mix."""
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(target)}.tmp{os.getpid()}")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
