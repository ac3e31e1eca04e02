"""Futures specs in the blob store: written once by a compile task, read by every generated node.

The spec's JSON ends in its HMAC (``Spec.to_json(signer)``); the XCom reference names its key in
the store and that digest. Reading checks that the stored text ends in the digest compiled for this
run, then ``Spec.from_json`` checks the HMAC on the raw text before parsing anything, then
everything else. Any failure is a ``BadFuturesSpecError``: retrying would read the same bytes.

Beside the spec, the compile task writes one *slice* per generated instance (``core.spec_slice``),
all in one object so that compiling costs one write, not one per instance::

    <offset of slice 0><offset of slice 1>...<offset past the last slice>  (16 ASCII digits each)
    <slice 0><slice 1>...

An instance reads two offsets and then its own slice, so what it reads and parses does not grow
with the spec. The offsets are not signed: a wrong one only selects bytes that then fail the
slice's HMAC, which binds it to the spec's digest and the instance's map index.
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
from airflow_dynflow.core.spec_read import spec_digest
from airflow_dynflow.core.spec_slice import SpecSlice, dump_slices, load_slice

__all__ = [
    "digest_of",
    "read_futures_spec",
    "read_spec_slice",
    "slices_key",
    "write_futures_spec",
    "write_spec_slices",
]

_OFFSET_DIGITS = 16


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


def slices_key(spec_key: str) -> str:
    """Where the slices of the spec stored at ``spec_key`` are: ``spec-<digest>.slices`` beside it."""
    return spec_key.removesuffix(".json") + ".slices"


def write_spec_slices(
    store: BlobStore, spec: Spec, spec_key: str, digest: str, groups: list[range], signer: Signer
) -> None:
    """Store one signed slice per instance (``groups[m]`` holds map index ``m``'s nodes)."""
    texts = [text.encode() for text in dump_slices(spec, groups, digest, signer)]
    offset = (len(texts) + 1) * _OFFSET_DIGITS
    offsets = [offset]
    for text in texts:
        offset += len(text)
        offsets.append(offset)
    header = b"".join(b"%0*d" % (_OFFSET_DIGITS, o) for o in offsets)
    store.write_bytes(store.path_of(slices_key(spec_key)), header + b"".join(texts))


def read_spec_slice(key: str, digest: str, compile_id: str, map_index: int) -> SpecSlice:
    """Map index ``map_index``'s slice of the spec stored at ``key``, checked (see the module doc).

    Raises FileNotFoundError when the spec has no slices (a run compiled before they existed)."""
    return _read_slice(BlobStore(), deployment_signer(), key, digest, compile_id, map_index)


def _read_slice(
    store: BlobStore, signer: Signer, key: str, digest: str, compile_id: str, map_index: int
) -> SpecSlice:
    where = slices_key(key)
    bounds = store.read_range(where, map_index * _OFFSET_DIGITS, (map_index + 2) * _OFFSET_DIGITS)
    if len(bounds) != 2 * _OFFSET_DIGITS or not bounds.isdigit():
        raise errors.bad_spec_slice(key, map_index)
    start, end = int(bounds[:_OFFSET_DIGITS]), int(bounds[_OFFSET_DIGITS:])
    if end < start:
        raise errors.bad_spec_slice(key, map_index)
    text = store.read_range(where, start, end)
    try:
        return load_slice(text, signer, digest, map_index)
    except SpecError as exc:
        raise errors.bad_futures_spec(compile_id, exc) from None
