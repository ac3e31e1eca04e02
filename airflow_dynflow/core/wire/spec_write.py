"""The spec's JSON on the way out: compact and deterministic, ending in its digest.

Hand-rolled dict building, because it is on the compile hot path. ``docs/spec.md`` documents the
format; ``core.wire.spec_read`` reads it back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from airflow_dynflow.core.authoring.conditional import Decide, Select
from airflow_dynflow.core.authoring.gates import Gate
from airflow_dynflow.core.conversion.converters import converter_for
from airflow_dynflow.core.conversion.interface import Interface, Param
from airflow_dynflow.core.conversion.type_relations import member_type
from airflow_dynflow.core.signing import Signer, digest
from airflow_dynflow.core.spec import SPEC_FORMAT, Binding, Const, Node, Ref, Spec, TaskEntry

if TYPE_CHECKING:
    from airflow_dynflow.core.authoring.map_task import MapTask

__all__ = ["SHARED_CONSTANT_BYTES", "SpecWriter", "compact_json", "dump_spec", "entry_json", "with_digest"]

# A constant whose JSON is at least this long is kept once, in the spec's "consts" table.
SHARED_CONSTANT_BYTES = 512
_SHARED_MIN_ITEMS = 8


def compact_json(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def with_digest(text: str, given: str) -> str:
    """``text`` (a JSON object) closed by its digest, the last key, where readers look for it first
    (``core.wire.spec_read``)."""
    return text[:-1] + ',"digest":' + json.dumps(given) + "}"


def dump_spec(spec: Spec, signer: Signer | None = None) -> str:
    """The spec's JSON, ending in its digest: an HMAC under ``signer``, or a plain sha256."""
    return SpecWriter(spec).text(signer)


class SpecWriter:
    """One spec's JSON. Large constants go once into a table keyed by their content's hash, so a
    value bound into many nodes is stored once, however many nodes use it."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.first = [next(iter(spec.entity(n).interface.outputs), "") for n in spec.nodes]
        self.consts: dict[str, Any] = {}

    def text(self, signer: Signer | None) -> str:
        spec = self.spec
        body = {
            "format": SPEC_FORMAT,
            "name": spec.name,
            "owner": _owner_json(spec.owner),
            "inputs": spec.inputs,
            "tasks": {k: entry_json(e) for k, e in spec.tasks.items()},
            "nodes": [self._node(node) for node in spec.nodes],
            "outputs": self._bindings(spec.owner.interface.outputs, spec.outputs),
        }
        if self.consts:
            body["consts"] = self.consts
        text = compact_json(body)
        return with_digest(text, _digest(text, signer))

    def nodes_json(self, indexes: Iterable[int]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Some nodes' JSON and the shared constants they use: the body of a spec slice
        (``core.wire.spec_slice``), written by the same code as the whole spec so the two cannot drift."""
        self.consts = {}
        return [self._node(self.spec.nodes[i]) for i in indexes], self.consts

    def _node(self, node: Node) -> dict[str, Any]:
        out: dict[str, Any] = {"t": node.task}
        out.update(self._bindings(self.spec.entity(node).interface.inputs, node.inputs))
        if node.options.to_dict():
            out["o"] = node.options.to_dict()
        if node.after:
            out["a"] = list(node.after)
        if node.group:
            out["g"] = node.group
        if node.guard is not None:
            out["w"] = list(node.guard)
        return out

    def _bindings(self, params: Mapping[str, Param], bindings: Mapping[str, Binding]) -> dict[str, Any]:
        """Small constants go under "v" (typed by the input), everything else under "r"."""
        values: dict[str, Any] = {}
        refs: dict[str, Any] = {}
        for name, b in bindings.items():
            if isinstance(b, Const):
                data = params[name].converter.to_jsonable(b.value)
                shared = self._shared(data)
                if shared is None:
                    values[name] = data
                else:
                    refs[name] = shared
            else:
                refs[name] = self._binding(b, params[name].tp)
        out = {}
        if values:
            out["v"] = values
        if refs:
            out["r"] = refs
        return out

    def _binding(self, b: Binding, tp: Any) -> Any:
        if isinstance(b, Ref):
            if b.node is None:
                return {"i": b.output, "p": list(b.path)} if b.path else {"i": b.output}
            if b.output == self.first[b.node] and not b.path:
                return b.node
            out: dict[str, Any] = {"n": b.node, "out": b.output}
            if b.path:
                out["p"] = list(b.path)
            return out
        if isinstance(b, Const):
            data = converter_for(tp).to_jsonable(b.value)
            return self._shared(data) or {"v": data}
        if b.kind == "list":
            return {"list": [self._binding(v, member_type(tp, 0)) for _, v in b.items]}
        return {"dict": {str(k): self._binding(v, member_type(tp, k)) for k, v in b.items}}

    def _shared(self, data: Any) -> dict[str, str] | None:
        """``{"c": id}`` for a constant large enough to keep once in the table, else None."""
        if isinstance(data, str):
            if len(data) < SHARED_CONSTANT_BYTES:
                return None
        elif not isinstance(data, (list, dict)) or len(data) < _SHARED_MIN_ITEMS:
            return None
        text = compact_json(data)
        if len(text) < SHARED_CONSTANT_BYTES:
            return None
        key = hashlib.sha256(text.encode()).hexdigest()[:24]
        self.consts[key] = data
        return {"c": key}


def _owner_json(owner: Any) -> dict[str, Any]:
    o = owner.origin
    return {"ref": o.ref, "file": o.file, "version": o.version}


def entry_json(entry: TaskEntry) -> dict[str, Any]:
    interface: Interface = entry.entity.interface
    out: dict[str, Any] = {
        "ref": entry.ref,
        "file": entry.file,
        "version": entry.version,
        "kind": entry.kind,
        "inputs": {n: p.converter.schema() for n, p in interface.inputs.items()},
        "outputs": {n: p.converter.schema() for n, p in interface.outputs.items()},
    }
    if entry.options.to_dict():
        out["opts"] = entry.options.to_dict()
    if isinstance(entry.entity, (Decide, Select)):
        out.update(entry.entity.to_json())
    if isinstance(entry.entity, Gate):
        out["gate"] = entry.entity.to_json()
    if entry.map is not None:
        inner = cast("MapTask", entry.entity).task.interface
        out["map"] = {
            "bound": {n: inner.inputs[n].converter.to_jsonable(v) for n, v in entry.map.bound.items()},
            "concurrency": entry.map.concurrency,
            "min_success_ratio": entry.map.min_success_ratio,
        }
        if entry.map.broadcast:
            out["map"]["broadcast"] = list(entry.map.broadcast)
    return out


def _digest(text: str, signer: Signer | None) -> str:
    if signer is not None:
        return signer.sign("spec", text)
    return digest(text.encode())
