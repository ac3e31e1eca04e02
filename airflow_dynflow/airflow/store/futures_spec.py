"""Futures specs in the blob store: written once by a compile task, read by every generated node.

The spec's JSON ends in its HMAC (``Spec.to_json(signer)``); the XCom reference names its key in
the store and that digest. Reading checks that the stored text ends in the digest compiled for this
run, then ``Spec.from_json`` checks the HMAC on the raw text before parsing anything, then
everything else. Any failure is a ``BadFuturesSpecError``: retrying would read the same bytes.
"""

from __future__ import annotations

import functools

from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.signing import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.core.errors import SpecError
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.spec import Spec
from airflow_dynflow.core.spec_json import spec_digest

__all__ = ["digest_of", "read_futures_spec", "write_futures_spec"]


def digest_of(text: str) -> str | None:
    """The digest a spec's JSON ends with (``Spec.to_json`` always writes it last), or None.

    Trailing whitespace is allowed here, so that a spec damaged that way is refused by the spec's
    own check ("truncated") rather than reported as replaced."""
    return spec_digest(text.rstrip())


def write_futures_spec(store: BlobStore, folder: ObjectStoragePath, text: str) -> tuple[str, str]:
    """Store a compiled spec's JSON; returns its key in the store and its digest."""
    digest = digest_of(text)
    assert digest is not None, "Spec.to_json always ends with the digest"
    key = store.write_bytes(folder / f"spec-{digest[-16:]}.json", text.encode())
    return key, digest


@functools.lru_cache(maxsize=8)
def read_futures_spec(key: str, digest: str, compile_id: str) -> Spec:
    """Read and check a futures spec once per process: under ``dag.test()`` every node shares it."""
    return _read(BlobStore(), deployment_signer(), key, digest, compile_id)


def _read(store: BlobStore, signer: Signer, key: str, digest: str, compile_id: str) -> Spec:
    text = store.read_bytes(key).decode(errors="replace")
    if digest_of(text) != digest:
        raise errors.futures_spec_replaced(key)
    try:
        return Spec.from_json(text, signer)
    except SpecError as exc:
        raise errors.bad_futures_spec(compile_id, exc) from None
