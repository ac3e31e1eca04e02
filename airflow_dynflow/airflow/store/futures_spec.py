"""Futures specs in the blob store: written once by a compile task, read by every generated node.

The reference pushed to XCom carries the spec's digest; reading checks that the stored text is the
one compiled for this run before ``Spec.from_json`` checks everything else.
"""

from __future__ import annotations

import functools

from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.core.spec import Spec

__all__ = ["digest_of", "read_futures_spec", "write_futures_spec"]


def digest_of(text: str) -> str:
    """The digest a spec's JSON ends with (``Spec.to_json`` always writes it last)."""
    return text.rsplit('"digest":"', 1)[1][:-2]


def write_futures_spec(store: BlobStore, folder: ObjectStoragePath, text: str) -> tuple[str, str]:
    """Store a compiled spec's JSON; returns its URI and digest."""
    digest = digest_of(text)
    uri = store.write_bytes(folder / f"spec-{digest[-16:]}.json", text.encode())
    return uri, digest


@functools.lru_cache(maxsize=8)
def read_futures_spec(uri: str, digest: str) -> Spec:
    """Read and check a futures spec once per process: under ``dag.test()`` every node shares it."""
    text = BlobStore().read_text(uri)
    if digest_of(text) != digest:
        raise errors.futures_spec_replaced(uri)
    return Spec.from_json(text)
