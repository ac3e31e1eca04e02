"""One generated instance's part of a futures spec: its own nodes, and just enough of the rest.

Every generated-node instance used to read, check and parse the whole spec before running its one
node: 19 ms at 1,001 nodes and 132 ms at 10,001, paid once per instance, so the work of a run grew
with the square of its size. A slice holds what one instance needs and nothing more:

* its own nodes (a contiguous run of indexes starting at ``first``), written by the spec's writer;
* for each node outside it that they depend on, only its task key and display name (a *stub*: the
  producer's declared outputs type its value, the name labels logs and errors);
* the task entries and shared constants those nodes use, and the spec's workflow inputs.

A slice is signed like the spec, by the same signer, under its own purpose (``"spec-slice"``) and
bound to the whole spec's digest and to the instance's map index, so it cannot stand in for the
spec, another instance's slice, or a slice of another spec. The HMAC is checked on the raw text
before a byte is parsed; then the spec's own reader checks the meaning (tasks resolve to the code
that compiled the spec, bindings point at earlier nodes the slice holds, constants fit their types).

``{"format": "dynflow.slice/1", "name": ..., "inputs": {...}, "tasks": {...}, "first": 70,
"nodes": [...], "deps": {"12": {"t": "inc"}}, "consts": {...}, "digest": "hmac-sha256:..."}``
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from airflow_dynflow.core import errors
from airflow_dynflow.core.options import NO_OPTIONS, Options
from airflow_dynflow.core.protocols import NodeEntity
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.spec import Node, Spec, TaskEntry
from airflow_dynflow.core.spec_read import SpecReader, verified_json
from airflow_dynflow.core.spec_wire import Wire, WireEntry, WireNode, validated
from airflow_dynflow.core.spec_write import SpecWriter, compact_json, entry_json, with_digest

__all__ = ["SLICE_FORMAT", "SpecSlice", "dump_slices", "load_slice"]

SLICE_FORMAT = "dynflow.slice/1"
_PURPOSE = "spec-slice"


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecSlice:
    """What a ``Spec`` offers a generated instance, for its own nodes and their dependencies only.

    ``nodes`` maps an index to its node: the instance's own nodes in full, the dependencies outside
    it as stubs without inputs. Indexing it like ``Spec.nodes`` is all the runtime does.
    """

    name: str
    tasks: Mapping[str, TaskEntry]
    nodes: Mapping[int, Node]
    own: range

    def entity(self, node: Node) -> NodeEntity:
        return self.tasks[node.task].entity

    def label(self, index: int) -> str:
        """The same label ``Spec.label`` gives the node."""
        node = self.nodes[index]
        return f"{node.options.name or node.task}[n{index}]"


def dump_slices(spec: Spec, groups: Iterable[range], spec_digest: str, signer: Signer) -> list[str]:
    """One signed slice's JSON per group of nodes (``groups[m]`` is map index ``m``'s nodes)."""
    writer = SpecWriter(spec)
    entries = {key: entry_json(entry) for key, entry in spec.tasks.items()}
    out = []
    for instance, own in enumerate(groups):
        nodes, consts = writer.nodes_json(own)
        outside = sorted({d for i in own for d in spec.nodes[i].depends_on() if d not in own})
        deps = {str(d): _stub_json(spec.nodes[d]) for d in outside}
        keys = sorted({spec.nodes[i].task for i in (*own, *outside)})
        body: dict[str, Any] = {
            "format": SLICE_FORMAT,
            "name": spec.name,
            "inputs": spec.inputs,
            "tasks": {key: entries[key] for key in keys},
            "first": own.start,
            "nodes": nodes,
            "deps": deps,
        }
        if consts:
            body["consts"] = consts
        text = compact_json(body)
        out.append(with_digest(text, signer.sign(_PURPOSE, spec_digest, str(instance), text)))
    return out


def _stub_json(node: Node) -> dict[str, str]:
    return {"t": node.task, "name": node.options.name} if node.options.name else {"t": node.task}


class _WireStub(Wire):
    t: str
    name: str | None = None


class _WireSlice(Wire):
    format: Literal["dynflow.slice/1"]
    name: str
    inputs: dict[str, dict[str, Any]]
    tasks: dict[str, WireEntry]
    first: int
    nodes: list[WireNode]
    deps: dict[str, _WireStub]
    consts: dict[str, Any] = Field(default_factory=dict)
    digest: str


def load_slice(text: str | bytes, signer: Signer, spec_digest: str, instance: int) -> SpecSlice:
    """Check and load the slice of map index ``instance`` of the spec whose digest is ``spec_digest``;
    raises SpecError on anything malformed, tampered, misplaced or stale. The HMAC is checked on the
    raw text, for this spec and instance, before anything is parsed."""
    data = verified_json(
        text, lambda given, body: signer.verify(given, _PURPOSE, spec_digest, str(instance), body)
    )
    return _SliceReader(validated(_WireSlice, data)).slice()


class _SliceReader(SpecReader):
    """The spec's reader over a slice: stubs first (their tasks checked like any entry), then the
    slice's own nodes, whose bindings may only point at stubs or earlier nodes of the slice."""

    def __init__(self, wire: _WireSlice) -> None:
        super().__init__(wire.inputs, wire.consts)
        self.wire = wire

    def slice(self) -> SpecSlice:
        w = self.wire
        for key, entry in w.tasks.items():
            self.tasks[key] = self._entry(key, entry)
        for text, stub in w.deps.items():
            if not text.isdigit() or int(text) >= w.first:
                raise errors.spec_slice_bad_stub(text)
            index = int(text)
            if stub.t not in self.tasks:
                raise errors.spec_slice_stub_unknown_task(index, stub.t)
            options = Options(name=stub.name) if stub.name else NO_OPTIONS
            self.nodes[index] = Node(task=stub.t, inputs={}, options=options)
        own = range(w.first, w.first + len(w.nodes))
        for index, node in zip(own, w.nodes, strict=True):
            self.nodes[index] = self._node(index, node)
        return SpecSlice(name=w.name, tasks=self.tasks, nodes=self.nodes, own=own)

    def _check_earlier(self, where: str, dep: int, index: int) -> None:
        super()._check_earlier(where, dep, index)
        if dep not in self.nodes:
            raise errors.spec_slice_lacks_node(where, dep)
