"""A generated-node instance's outputs, kept in the blob store with the try that made them.

This is what makes a generated node idempotent: a later try of the same generation (Airflow's own
retry, or the 3.3.2 defer/requeue race that fails an instance which had succeeded) pushes the
stored outputs instead of running the function again. Clearing an instance raises its
``max_tries``, which starts a new generation, so a cleared node runs again.
"""

from __future__ import annotations

import json
from typing import Any

from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow.store.blob_store import BlobStore

__all__ = ["StoredOutputs"]


class StoredOutputs:
    def __init__(self, store: BlobStore, path: ObjectStoragePath) -> None:
        self.store = store
        self.path = path

    def read(self, generation_start: int) -> tuple[int, dict[str, Any]] | None:
        """(the try that stored them, the envelopes by node id), if stored in this generation."""
        if not self.path.exists():
            return None
        data = json.loads(self.path.read_text())
        if data["try"] < generation_start:
            return None
        return data["try"], data["nodes"]

    def write(self, try_number: int, nodes: dict[str, Any]) -> None:
        self.store.write_bytes(self.path, json.dumps({"try": try_number, "nodes": nodes}).encode())
