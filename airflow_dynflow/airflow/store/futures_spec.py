"""Futures specs in the blob store: written once by a compile task, read by every generated node.

The spec's JSON ends in its HMAC (``dump_spec(spec, signer)``); the XCom reference names its key in
the store and that digest. Reading checks that the stored text ends in the digest compiled for this
run, then ``load_spec`` checks the HMAC on the raw text before parsing anything, then
everything else. Any failure is a ``BadFuturesSpecError``: retrying would read the same bytes.

Beside the spec, the compile task writes one *slice* per generated instance (``core.wire.spec_slice``),
all in one object so that compiling costs one write, not one per instance. The object has a fixed
key per run and compile task (``<run>/<compile task>/slices``), so an instance finds its slice
without asking for the XCom reference first; each slice is signed for that run's compile task and
its own map index, and says which spec it is part of::

    <offset of slice 0><offset of slice 1>...<offset past the last slice>  (16 ASCII digits each)
    <slice 0><slice 1>...

An instance reads two offsets and then its own slice, so what it reads and parses does not grow
with the spec. The offsets are not signed: a wrong one only selects bytes that then fail the
slice's HMAC, which binds it to the run's compile task and the instance's map index.
"""

from __future__ import annotations

import functools

from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import location
from airflow_dynflow.core.errors import SpecError
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.spec import Spec
from airflow_dynflow.core.wire.spec_read import load_spec, spec_digest
from airflow_dynflow.core.wire.spec_slice import SpecSlice, dump_slices, load_slice

__all__ = [
    "digest_of",
    "read_futures_spec",
    "read_spec_slice",
    "slices_path",
    "spec_path",
    "write_futures_spec",
    "write_spec_slices",
]

_OFFSET_DIGITS = 16


def digest_of(text: str) -> str | None:
    """The digest a spec's JSON ends with (``dump_spec`` always writes it last), or None.

    Trailing whitespace is allowed here, so that a spec damaged that way is refused by the spec's
    own check ("truncated") rather than reported as replaced."""
    return spec_digest(text.rstrip())


def write_futures_spec(store: BlobStore, folder: ObjectStoragePath, text: str) -> tuple[str, str]:
    """Store a compiled spec's JSON; returns its key in the store and its digest."""
    digest = digest_of(text)
    assert digest is not None, "dump_spec always ends with the digest"
    key = store.write_bytes(spec_path(folder, digest), text.encode())
    return key, digest


def spec_path(folder: ObjectStoragePath, digest: str) -> ObjectStoragePath:
    """Where the compile task whose folder is ``folder`` stores the spec with ``digest``."""
    return folder / f"spec-{digest[-16:]}.json"


@functools.lru_cache(maxsize=8)
def read_futures_spec(key: str, digest: str, compile_id: str) -> Spec:
    """Read and check a futures spec once per process: under ``dag.test()`` every node shares it."""
    return _read(BlobStore(), deployment_signer(), key, digest, compile_id)


def _read(store: BlobStore, signer: Signer, key: str, digest: str, compile_id: str) -> Spec:
    text = store.read_bytes(key).decode(errors="replace")
    if digest_of(text) != digest:
        raise errors.futures_spec_replaced(key)
    try:
        return load_spec(text, signer)
    except SpecError as exc:
        raise errors.bad_futures_spec(compile_id, exc) from None


def slices_path(store: BlobStore, dag_id: str, run_id: str, compile_id: str) -> ObjectStoragePath:
    """Where the slices of the spec that ``compile_id`` compiled in this run are: one object, found
    without the compile task's XCom."""
    return store.run_path(dag_id, run_id, compile_id, "slices")


def write_spec_slices(
    store: BlobStore,
    spec: Spec,
    digest: str,
    batch: int,
    signer: Signer,
    dag_id: str,
    run_id: str,
    compile_id: str,
) -> None:
    """Store one signed slice per instance, ``batch`` nodes each, for this run's compile task."""
    bound_to = location(dag_id, run_id, compile_id)
    texts = [text.encode() for text in dump_slices(spec, batch, digest, signer, bound_to)]
    offset = (len(texts) + 1) * _OFFSET_DIGITS
    offsets = [offset]
    for text in texts:
        offset += len(text)
        offsets.append(offset)
    header = b"".join(b"%0*d" % (_OFFSET_DIGITS, o) for o in offsets)
    store.write_bytes(slices_path(store, dag_id, run_id, compile_id), header + b"".join(texts))


def read_spec_slice(
    store: BlobStore, signer: Signer, dag_id: str, run_id: str, compile_id: str, map_index: int
) -> SpecSlice:
    """Map index ``map_index``'s slice of what ``compile_id`` compiled in this run, checked (see the
    module doc). Raises FileNotFoundError when there are no slices (a run compiled before they had
    this key)."""
    where = store.key_of(slices_path(store, dag_id, run_id, compile_id))
    bounds = store.read_range(where, map_index * _OFFSET_DIGITS, (map_index + 2) * _OFFSET_DIGITS)
    if len(bounds) != 2 * _OFFSET_DIGITS or not bounds.isdigit():
        raise errors.bad_spec_slice(where, map_index)
    start, end = int(bounds[:_OFFSET_DIGITS]), int(bounds[_OFFSET_DIGITS:])
    if end < start:
        raise errors.bad_spec_slice(where, map_index)
    text = store.read_range(where, start, end)
    try:
        return load_slice(text, signer, location(dag_id, run_id, compile_id), map_index)
    except SpecError as exc:
        raise errors.bad_futures_spec(compile_id, exc) from None
