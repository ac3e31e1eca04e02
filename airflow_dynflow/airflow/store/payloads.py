"""How an output travels between task instances: inline JSON in XCom, or a blob-store reference,
signed either way.

A static task instance pushes one XCom, ``return_value``: an envelope per output, each signed::

    {"o0": {"v": 3, "sig": "hmac-sha256:..."}}                      small JSON: the value itself
    {"o0": {"blob": "runs/wf/.../o0.json", "codec": "json",          larger than [dynflow] xcom_max_bytes
            "sha256": "...", "sig": "hmac-sha256:..."}}
    {"o0": {"blob": "runs/wf/.../o0.pkl", "codec": "pickle", ...}}  a type pydantic cannot describe

A generated-node instance (one or, packed, several nodes of a ``@dynamic``) pushes its nodes'
envelopes *without* their own ``sig``, under one signature for the whole value::

    {"sig": "hmac-sha256:...", "nodes": {"n7": {"o0": {"v": 8}},
                                         "n8": {"o0": {"blob": "...", "codec": "json", "sha256": "..."}},
                                         "n9": null}}                a node whose case was not taken

so the metadata DB only ever holds small values and references, and a packed instance carries one
signature, not one per output. Files and folders inside a value are uploaded beside it and appear
in its JSON as store keys with their digests (``store/file_transport.py``); an output declared
``Annotated[T, HashMethod(fn)]`` carries ``"hash": fn(value)`` too (``core/conversion/hashing.py``), signed
with the rest.

What is signed, and *where* it belongs (``location``: as both producer and consumer can name it):

- an output's own ``sig`` (static tasks): purpose ``value`` over the output's place
  (``dag/run/task/map_index/output``), its canonical JSON (``canonical_json``) and its hash, or
  purpose ``blob`` over the place, the blob's key, codec, content digest and hash;
- an instance's ``sig`` (generated nodes): purpose ``instance`` over the instance's place
  (``dag/run/task/map_index``) and the canonical JSON of ``nodes``, so every node id, value, blob
  reference and hash in it is bound to that instance and node: a value cannot move to another
  node, instance, task or run.

Reading checks, in this order and before anything is parsed or unpickled: for a generated-node
instance, its value's shape and its one signature (``verify_instance``, once per instance, by
``runtime.upstream``); then for each envelope its shape (an instance's carry no ``sig``, a static
task's must), that the codec is the one the declared type calls for (only a non-JSON type is ever
unpickled), a static task's envelope's own signature, the key staying inside the store, and the
blob's content digest; the files inside a value are fetched only after all of that.

Static tasks keep one signature per output: their instance pushes one node's outputs, so one
signature per value would save little, and split elements, collected lists, child runs' results and
``outputs`` all read those envelopes one by one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import cloudpickle
from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.compat import conf
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.file_transport import BlobFiles
from airflow_dynflow.core.conversion.converters import Converter
from airflow_dynflow.core.conversion.hashing import output_hashes
from airflow_dynflow.core.conversion.interface import Interface
from airflow_dynflow.core.signing import Signer

__all__ = ["Payloads", "canonical_json", "location"]

_INLINE = frozenset({"v"})
_BLOB = frozenset({"blob", "codec", "sha256"})
_HASH = "hash"
_SIG = "sig"
_INSTANCE = frozenset({_SIG, "nodes"})


def location(dag_id: str, run_id: str, task_id: str, map_index: int | None = -1) -> str:
    """Where outputs come from: ``dag/run/task/map_index``; an output's is that plus ``/name``."""
    return f"{dag_id}/{run_id}/{task_id}/{-1 if map_index is None else map_index}"


def canonical_json(data: Any) -> str:
    """The one spelling of a JSON value that is signed, whatever order XCom gave the keys back in."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


class Payloads:
    def __init__(
        self,
        store: BlobStore,
        signer: Signer | None = None,
        max_bytes: int | None = None,
        *,
        download: bool = True,
    ) -> None:
        """``download=False`` for operators that only pass values on (split, collect, result,
        outputs): files and folders are then decoded as their stored copies, without local ones."""
        self.store = store
        self.signer = signer or deployment_signer()
        self.max_bytes = (
            max_bytes if max_bytes is not None else conf.getint("dynflow", "xcom_max_bytes", fallback=65536)
        )
        self.download = download

    def encode(
        self,
        converter: Converter,
        value: Any,
        path: ObjectStoragePath,
        where: str,
        value_hash: str | None = None,
        *,
        signed: bool = True,
    ) -> dict[str, Any]:
        """``path`` has no suffix; the codec adds one, and files inside the value go to the folder
        ``files`` beside it. ``where`` places the value (see ``location``); ``value_hash`` is its
        ``HashMethod`` hash, if its output declares one. ``signed=False`` leaves out the envelope's
        own ``sig``, for a generated-node instance that signs all its envelopes at once
        (``sign_instance``)."""
        extra = () if value_hash is None else (_HASH, value_hash)
        if converter.pickled:
            envelope = self._blob(path.with_suffix(".pkl"), cloudpickle.dumps(value), "pickle")
        else:
            files = BlobFiles(self.store, path.parent / "files", where)
            data = converter.to_jsonable(value, files)
            text = canonical_json(data)
            if len(text) <= self.max_bytes:
                envelope = {"v": data}
                if signed:
                    envelope[_SIG] = self.signer.sign("value", where, text, *extra)
            else:
                envelope = self._blob(path.with_suffix(".json"), text.encode(), "json")
        if signed and "blob" in envelope:
            envelope[_SIG] = self.signer.sign(
                "blob", where, envelope["blob"], envelope["codec"], envelope["sha256"], *extra
            )
        if value_hash is not None:
            envelope[_HASH] = value_hash
        return envelope

    def _blob(self, path: ObjectStoragePath, raw: bytes, codec: str) -> dict[str, Any]:
        key = self.store.write_bytes(path, raw)
        return {"blob": key, "codec": codec, "sha256": hashlib.sha256(raw).hexdigest()}

    def decode(self, converter: Converter, stored: object, where: str, *, signed: bool = True) -> Any:
        """``signed=False`` for an envelope taken out of an instance value that ``verify_instance``
        accepted: it must then carry no ``sig`` of its own."""
        if not isinstance(stored, dict):
            raise errors.bad_value_shape(where)
        fields = frozenset(stored)
        extra: tuple[str, ...] = ()
        if _HASH in fields:
            if not isinstance(stored[_HASH], str):
                raise errors.bad_value_shape(where)
            extra, fields = (_HASH, stored[_HASH]), fields - {_HASH}
        if signed:
            if _SIG not in fields:
                raise errors.bad_value_shape(where)
            fields -= {_SIG}
        files = BlobFiles(self.store, None, where) if self.download else None
        if fields == _INLINE:
            if converter.pickled:
                raise errors.pickled_inline(where)
            if signed and not self.signer.verify(
                stored[_SIG], "value", where, canonical_json(stored["v"]), *extra
            ):
                raise errors.forged_value(where, self.signer.mismatch(stored[_SIG]))
            return converter.from_jsonable(stored["v"], files)
        if fields != _BLOB:
            raise errors.bad_value_shape(where)
        key, codec, sha = stored["blob"], stored["codec"], stored["sha256"]
        if codec != ("pickle" if converter.pickled else "json"):
            raise errors.wrong_codec(where, codec)
        if not all(isinstance(part, str) for part in (key, codec, sha)) or (
            signed and not self.signer.verify(stored[_SIG], "blob", where, key, codec, sha, *extra)
        ):
            raise errors.forged_value(where, self.signer.mismatch(stored.get(_SIG)))
        raw = self.store.read_bytes(key)
        if hashlib.sha256(raw).hexdigest() != sha:
            raise errors.blob_changed(where, key)
        if converter.pickled:
            return converter.validate(cloudpickle.loads(raw))
        return converter.from_jsonable(json.loads(raw), files)

    def sign_instance(self, nodes: Mapping[str, Any], where: str) -> dict[str, Any]:
        """What a generated-node instance at ``where`` pushes: its nodes' unsigned envelopes (None for
        a node that did not run) by node id, under one signature."""
        body = dict(nodes)
        return {_SIG: self.signer.sign("instance", where, canonical_json(body)), "nodes": body}

    def verify_instance(self, pushed: object, where: str) -> dict[str, Any]:
        """The envelopes by node id in the value an instance at ``where`` pushed, once its one
        signature is checked over their canonical JSON; nothing in them is decoded before."""
        if not (
            isinstance(pushed, dict) and frozenset(pushed) == _INSTANCE and isinstance(pushed["nodes"], dict)
        ):
            raise errors.bad_instance_outputs(where)
        nodes: dict[str, Any] = pushed["nodes"]
        if not self.signer.verify(pushed[_SIG], "instance", where, canonical_json(nodes)):
            raise errors.forged_instance_outputs(where, self.signer.mismatch(pushed[_SIG]))
        return nodes

    @staticmethod
    def hash_of(stored: object) -> str | None:
        """The ``HashMethod`` hash an envelope carries; trust it only once ``decode`` accepted it."""
        found = stored.get(_HASH) if isinstance(stored, dict) else None
        return found if isinstance(found, str) else None

    def materialize(self, converter: Converter, value: Any, where: str) -> Any:
        """``value`` with every stored-only file or folder in it downloaded: for the spec's constants,
        which a dynamic's body may have made from its (downloaded) inputs."""
        if not converter.holds_files or not self.download:
            return value
        return converter.from_jsonable(converter.to_jsonable(value), BlobFiles(self.store, None, where))

    def encode_outputs(
        self,
        interface: Interface,
        outputs: Mapping[str, Any],
        base: ObjectStoragePath,
        where: str,
        *,
        signed: bool = True,
    ) -> dict[str, dict[str, Any]]:
        """Each output's envelope; ``HashMethod`` hashes are computed here, as the outputs are produced."""
        hashes = output_hashes(interface.hash_methods, outputs)
        return {
            name: self.encode(
                interface.outputs[name].converter,
                value,
                base / name,
                f"{where}/{name}",
                hashes.get(name),
                signed=signed,
            )
            for name, value in outputs.items()
        }

    def decode_outputs(self, interface: Interface, envelope: object, where: str) -> dict[str, Any]:
        if not isinstance(envelope, dict):
            raise errors.bad_outputs_shape(where)
        outputs = interface.outputs
        missing = [name for name in outputs if name not in envelope]
        if missing:
            raise errors.bad_outputs_shape(where, missing)
        return {
            name: self.decode(p.converter, envelope[name], f"{where}/{name}") for name, p in outputs.items()
        }
