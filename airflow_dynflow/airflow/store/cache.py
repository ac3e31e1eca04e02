"""The task cache on the blob store: the ``Cache`` protocol of ``core.cache``, shared by every run
and worker."""

from __future__ import annotations

from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow.store.blob_store import BlobStore

__all__ = ["BlobCache"]


class BlobCache:
    def __init__(self, store: BlobStore) -> None:
        self.store = store

    def _path(self, key: str) -> ObjectStoragePath:
        return self.store.root.joinpath("cache", key[:2], f"{key}.json")

    def get(self, key: str) -> str | None:
        path = self._path(key)
        return path.read_text() if path.exists() else None

    def put(self, key: str, text: str) -> None:
        self.store.write_bytes(self._path(key), text.encode())
