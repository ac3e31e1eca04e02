"""How an output travels between task instances: inline JSON in XCom, or a blob-store reference.

Each of our task instances pushes one XCom, ``return_value``, an envelope keyed by output name::

    {"o0": {"v": 3}}                                          small JSON: the value itself
    {"o0": {"blob": "s3://.../o0.json", "codec": "json"}}     larger than [dynflow] xcom_max_bytes
    {"o0": {"blob": "file:///.../o0.pkl", "codec": "pickle"}} a type pydantic cannot describe

so the metadata DB only ever holds small values and references.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import cloudpickle
from airflow.sdk import ObjectStoragePath, conf

from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.core.converters import Converter
from airflow_dynflow.core.interface import Interface

__all__ = ["Payloads"]


class Payloads:
    def __init__(self, store: BlobStore, max_bytes: int | None = None) -> None:
        self.store = store
        self.max_bytes = max_bytes if max_bytes is not None else conf.getint("dynflow", "xcom_max_bytes")

    def encode(self, converter: Converter, value: Any, path: ObjectStoragePath) -> dict[str, Any]:
        """``path`` has no suffix; the codec adds one."""
        if converter.pickled:
            uri = self.store.write_bytes(path.with_suffix(".pkl"), cloudpickle.dumps(value))
            return {"blob": uri, "codec": "pickle"}
        data = converter.to_jsonable(value)
        text = json.dumps(data, separators=(",", ":"))
        if len(text) <= self.max_bytes:
            return {"v": data}
        return {"blob": self.store.write_bytes(path.with_suffix(".json"), text.encode()), "codec": "json"}

    def decode(self, converter: Converter, stored: Mapping[str, Any]) -> Any:
        if "v" in stored:
            return converter.from_jsonable(stored["v"])
        raw = self.store.read_bytes(stored["blob"])
        if stored["codec"] == "pickle":
            return converter.validate(cloudpickle.loads(raw))
        return converter.from_jsonable(json.loads(raw))

    def encode_outputs(
        self, interface: Interface, outputs: Mapping[str, Any], base: ObjectStoragePath
    ) -> dict[str, dict[str, Any]]:
        return {
            name: self.encode(interface.outputs[name].converter, value, base / name)
            for name, value in outputs.items()
        }
