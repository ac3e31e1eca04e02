"""The task cache on the blob store: the ``Cache`` protocol of ``core.conversion.output_cache``,
shared by every run and worker.

An entry is ``<signature>\\n<outputs JSON>``; the signature covers the cache key and the text, and is
checked before the text is handed back (a cached pickled output is unpickled by the caller, so a
planted entry must never get that far). Files and folders among the outputs are uploaded under
``cache/files/``, shared by every run, so a hit in a later run on another worker can read them.
"""

from __future__ import annotations

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.file_transport import BlobFiles
from airflow_dynflow.core.signing import Signer

__all__ = ["BlobCache"]


class BlobCache:
    def __init__(self, store: BlobStore, signer: Signer) -> None:
        self.store = store
        self.signer = signer
        self.files = BlobFiles(store, store.root / "cache" / "files", "the task cache")

    def get(self, key: str) -> str | None:
        data = self.store.read_if_present(self.store.cache_path(key))
        if data is None:
            return None
        first, _, text = data.partition(b"\n")
        signature = first.decode(errors="replace")
        if not self.signer.verify(signature, "cache", key, text):
            raise errors.forged_cache_entry(key, self.signer.mismatch(signature))
        return text.decode()

    def put(self, key: str, text: str) -> None:
        data = text.encode()
        self.store.write_bytes(
            self.store.cache_path(key), self.signer.sign("cache", key, data).encode() + b"\n" + data
        )
