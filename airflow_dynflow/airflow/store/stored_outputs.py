"""A generated-node instance's outputs, kept in the blob store with the try that made them.

This is what makes a generated node idempotent: a later try of the same generation (Airflow's own
retry, or the 3.3.2 defer/requeue race that fails an instance which had succeeded) pushes the
stored outputs instead of running the function again. Clearing an instance raises its
``max_tries``, which starts a new generation, so a cleared node runs again.

The file is ``<signature>\\n<JSON>``, signed for the instance it belongs to and checked before it
is parsed; the caller consults it only once the node's dependencies are done, so a planted file can
neither skip a node nor let its dependents run early. What it keeps is the instance's value exactly
as it was pushed, instance signature included (``Payloads.sign_instance``), so a later try pushes
the same signed value.
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

    def read(self, generation_start: int) -> tuple[int, dict[str, Any]] | None:
        """(the try that stored it, the instance's signed value), if stored in this generation."""
        if not self.path.exists():
            return None
        first, _, body = self.path.read_bytes().partition(b"\n")
        signature = first.decode(errors="replace")
        if not self.signer.verify(signature, "stored-outputs", self.where, body):
            raise errors.forged_stored_outputs(self.where, self.path, self.signer.mismatch(signature))
        data = json.loads(body)
        # A file without "pushed" was written before instance values were signed as a whole
        # (per-output signatures under "nodes"): its value would be refused downstream, so the
        # node runs again, as it may (at least once).
        if data["try"] < generation_start or "pushed" not in data:
            return None
        return data["try"], data["pushed"]

    def write(self, try_number: int, pushed: dict[str, Any]) -> None:
        body = json.dumps({"try": try_number, "pushed": pushed}).encode()
        signature = self.signer.sign("stored-outputs", self.where, body)
        self.store.write_bytes(self.path, signature.encode() + b"\n" + body)
