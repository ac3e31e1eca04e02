"""Files and folders between task instances: the ``FileTransport`` of ``core.conversion.files`` on
the blob store.

A task's ``FlyteFile``/``FlyteDirectory`` output is uploaded when its outputs are written: its content
(the file, or a deterministic tar of the folder) goes to ``<folder>/<sha256>/<name>`` under the
producing node's place in the store (or the cache's, for a cached task), and the JSON form carries
only the key and the digest, ``{"blob": "runs/wf/<run>/a/-1/files/<sha256>/data.csv", "sha256": ...}``,
inside the output's signed envelope. A value that already has a stored copy (an input passed on, a
cache hit) keeps it: nothing is uploaded twice.

Reading happens only after the envelope's signature was checked (``Payloads.decode``); then the key
must stay inside the store (``BlobStore.path_of``) and the bytes must match the signed digest
*before* anything is written to the local disk, into a new folder of this process
(``core.context.execution_context.local_folder``).
"""

from __future__ import annotations

import hashlib

from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.core.context.execution_context import local_folder
from airflow_dynflow.core.conversion.files import (
    PathValue,
    StoredRef,
    dump_default,
    local_path,
    pack,
    stored_ref,
    unpack,
)

__all__ = ["BlobFiles"]


class BlobFiles:
    """Uploads to ``folder`` (None: this transport only reads); ``where`` names the value in errors."""

    def __init__(self, store: BlobStore, folder: ObjectStoragePath | None, where: str) -> None:
        self.store = store
        self.folder = folder
        self.where = where

    def dump(self, value: PathValue) -> dict[str, str]:
        if value.stored is not None or self.folder is None:
            return dump_default(value)
        data = pack(value)
        sha = hashlib.sha256(data).hexdigest()
        key = self.store.write_bytes(self.store.child(self.folder, sha, value.content_name()), data)
        return StoredRef(key, sha).to_json()

    def load(self, cls: type[PathValue], data: object) -> PathValue:
        ref = stored_ref(data)
        if ref is None:
            # A constant of the workflow code (the spec is signed): the DAG author's path, as given.
            return cls(local_path(data))
        raw = self.store.read_bytes(ref.key)
        if hashlib.sha256(raw).hexdigest() != ref.sha256:
            raise errors.file_changed(self.where, ref.key)
        name = ref.key.rsplit("/", 1)[-1]
        return cls.from_store(ref, unpack(cls.kind, raw, local_folder("input-"), name))
