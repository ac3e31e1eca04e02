"""Memoized task outputs, keyed by (task, cache version, inputs).

A cache holds JSON text, never live objects: a hit decodes a fresh copy, so a task that mutates
its result cannot corrupt what later hits return. The Airflow runtime plugs in a blob-store cache
with the same two methods; locally a process-wide in-memory cache is used.

A cache also says how the files and folders among the outputs are kept (``files``): the blob cache
uploads them under its own folder, so a later run on another worker can read a hit; in memory the
path is kept. In a key, a file or folder counts by its content's digest (``core.conversion.files.DIGESTS``),
and an input that came from an ``Annotated[T, HashMethod(fn)]`` output by that hash
(``core.conversion.hashing``), not by its value.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Protocol

from airflow_dynflow.core.conversion.files import DIGESTS, FileTransport
from airflow_dynflow.core.conversion.interface import Interface

__all__ = ["Cache", "MemoryCache", "cache_key", "decode_outputs", "encode_outputs", "local_cache"]


class Cache(Protocol):
    @property
    def files(self) -> FileTransport | None:
        """How files and folders among the outputs are kept (None: as paths, in this process)."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, text: str) -> None: ...


class MemoryCache:
    """The local runner's cache: lives as long as the process, like flytekit's local cache."""

    files: FileTransport | None = None

    def __init__(self) -> None:
        self._entries: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._entries.get(key)

    def put(self, key: str, text: str) -> None:
        self._entries[key] = text

    def clear(self) -> None:
        self._entries.clear()


_LOCAL = MemoryCache()


def local_cache() -> MemoryCache:
    return _LOCAL


def cache_key(
    ref: str,
    version: str,
    interface: Interface,
    inputs: Mapping[str, Any],
    hashes: Mapping[str, str] | None = None,
) -> str:
    """``hashes`` are the inputs that came from a ``HashMethod`` output, by input name."""
    hashes = hashes or {}
    encoded = {
        name: {"#hash": hashes[name]}
        if name in hashes
        else interface.inputs[name].converter.to_jsonable(v, DIGESTS)
        for name, v in inputs.items()
    }
    text = json.dumps([ref, version, encoded], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def encode_outputs(
    interface: Interface, outputs: Mapping[str, Any], files: FileTransport | None = None
) -> str:
    return json.dumps({n: interface.outputs[n].converter.to_jsonable(v, files) for n, v in outputs.items()})


def decode_outputs(interface: Interface, text: str) -> dict[str, Any]:
    """Files and folders come back as they were written: a path, or a stored copy that is not
    downloaded here (the runtime forwards it by its key)."""
    data = json.loads(text)
    return {n: interface.outputs[n].converter.from_jsonable(data[n]) for n in interface.outputs}
