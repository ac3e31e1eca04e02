"""A generated-node instance's outputs, kept in the blob store with the try that made them.

This is what makes a generated node idempotent: a later try of the same generation (Airflow's own
retry, the 3.3.2 defer/requeue race that fails an instance which had succeeded, or a task process
that was killed) pushes the stored outputs instead of running the function again. Clearing an
instance raises its ``max_tries``, which starts a new generation, so a cleared node runs again.

Outputs are stored the moment a node's function returns, before anything is logged and before the
instance's next node runs, so the window in which a crash makes a function run twice is only the
encoding and the write (docs/security.md, "At least once"). The file holds either the nodes done so
far (``done``: their envelopes, for an instance of several nodes that has not finished) or, once the
last node is done, the instance's value exactly as it was pushed, instance signature included
(``pushed``, ``Payloads.sign_instance``), so a later try pushes the same signed value. Each write
replaces the last: one write per node.

The file is ``<signature>\\n<JSON>``, signed for the instance it belongs to and checked before it
is parsed; the caller consults it only once the node's dependencies are done, so a planted file can
neither skip a node nor let its dependents run early.
"""

from __future__ import annotations

import json
from typing import Any

from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.core.signing import Signer

__all__ = ["StoredOutputs"]


class StoredOutputs:
    def __init__(self, *, store: BlobStore, signer: Signer, path: ObjectStoragePath, where: str) -> None:
        self.store = store
        self.signer = signer
        self.path = path
        self.where = where
        self._loaded: dict[str, Any] | None = None
        self._read = False

    def read(self, generation_start: int) -> tuple[int, dict[str, Any]] | None:
        """(the try that stored it, the instance's signed value), if this generation finished it."""
        data = self._load()
        if data is None or data["try"] < generation_start or "pushed" not in data:
            return None
        return data["try"], data["pushed"]

    def progress(self, generation_start: int) -> tuple[int, dict[str, Any]]:
        """(the try that stored them, envelopes by node id) of the nodes an unfinished try of this
        generation completed: the instance runs only the others."""
        data = self._load()
        if data is None or data["try"] < generation_start or not isinstance(data.get("done"), dict):
            return 0, {}
        return data["try"], data["done"]

    def stored_before(self, generation_start: int) -> bool:
        """Whether an earlier generation finished: the instance succeeded, then was cleared."""
        data = self._load()
        return data is not None and data["try"] < generation_start and "pushed" in data

    def write(self, try_number: int, pushed: dict[str, Any]) -> None:
        """The instance is done: its value as pushed."""
        self._write({"try": try_number, "pushed": pushed})

    def write_progress(self, try_number: int, done: dict[str, Any]) -> None:
        """Nodes of an unfinished instance, by node id: their envelopes, to be signed with the rest."""
        self._write({"try": try_number, "done": done})

    def _write(self, data: dict[str, Any]) -> None:
        body = json.dumps(data).encode()
        signature = self.signer.sign("stored-outputs", self.where, body)
        self.store.write_bytes(self.path, signature.encode() + b"\n" + body)
        self._loaded, self._read = data, True

    def _load(self) -> dict[str, Any] | None:
        """The file, read once and checked before it is parsed. A file with neither ``pushed`` nor
        ``done`` was written before instance values were signed as a whole (per-output signatures
        under ``nodes``): its value would be refused downstream, so the node runs again, as it may."""
        if not self._read:
            self._read = True
            stored = self.store.read_if_present(self.path)
            if stored is not None:
                first, _, body = stored.partition(b"\n")
                signature = first.decode(errors="replace")
                if not self.signer.verify(signature, "stored-outputs", self.where, body):
                    raise errors.forged_stored_outputs(self.where, self.path, self.signer.mismatch(signature))
                data = json.loads(body)
                if "pushed" in data or "done" in data:
                    self._loaded = data
        return self._loaded
