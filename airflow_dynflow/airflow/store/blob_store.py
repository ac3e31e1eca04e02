"""Paths and whole-object I/O under ``[dynflow] store_url``.

It lives on an ``ObjectStoragePath``, so local folders, S3 and GCS all work with the matching
provider installed.
"""

from __future__ import annotations

import os
import re

from airflow.sdk import ObjectStoragePath, conf

__all__ = ["BlobStore"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._=-]+")


def _segment(text: str) -> str:
    """Run ids carry ':' and '+'; keep path segments portable across object stores."""
    return _UNSAFE.sub("_", text)


class BlobStore:
    """Paths and I/O under the configured store URL. Writes are whole-object (no partial files)."""

    def __init__(self, url: str | None = None) -> None:
        url = url or conf.get("dynflow", "store_url", fallback="")
        if not url:
            home = os.environ.get("AIRFLOW_HOME") or conf.get("core", "airflow_home", fallback="~/airflow")
            url = "file://" + os.path.join(os.path.abspath(os.path.expanduser(home)), "dynflow-store")
        self.root = ObjectStoragePath(url)

    def run_path(self, dag_id: str, run_id: str, *parts: str) -> ObjectStoragePath:
        return self.root.joinpath("runs", _segment(dag_id), _segment(run_id), *map(_segment, parts))

    def write_bytes(self, path: ObjectStoragePath, data: bytes) -> str:
        if path.protocol in ("file", "local", ""):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.parent / f".{path.name}.tmp{os.getpid()}"
            tmp.write_bytes(data)
            os.replace(tmp.path, path.path)
        else:
            path.write_bytes(data)
        return str(path)

    def read_bytes(self, uri: str) -> bytes:
        return ObjectStoragePath(uri).read_bytes()

    def read_text(self, uri: str) -> str:
        return self.read_bytes(uri).decode()
