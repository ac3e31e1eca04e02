"""One generated instance's part of a futures spec: its own nodes, and just enough of the rest.

Every generated-node instance used to read, check and parse the whole spec before running its one
node: 19 ms at 1,001 nodes and 132 ms at 10,001, paid once per instance, so the work of a run grew
with the square of its size. A slice holds what one instance needs and nothing more:

* its own nodes (a contiguous run of indexes, ``instance_nodes``), written by the spec's writer;
* for each node outside it that they depend on, only its task key and display name (a *stub*: the
  producer's declared outputs type its value, the name labels logs and errors);
* the task entries and shared constants those nodes use, and the spec's workflow inputs.

A slice also says which spec it is part of and how that spec's nodes are shared out among
instances (``spec``: its digest; ``count`` nodes, ``batch`` per instance), so an instance needs
nothing but its slice: not even the compile task's XCom reference, one execution-API request fewer.

A slice is signed like the spec, by the same signer, under its own purpose (``"spec-slice"``) and
bound to what the caller names (on Airflow, the compile task of one run) and to the instance's map
index, so it cannot stand in for the spec, for another instance's slice, or for a slice of another
run. The HMAC is checked on the raw text before a byte is parsed; then the spec's own reader checks
the meaning (tasks resolve to the code that compiled the spec, bindings point at earlier nodes the
slice holds, constants fit their types).

``{"format": "dynflow.slice/2", "name": ..., "spec": "hmac-sha256:...", "count": 1001, "batch": 1,
"inputs": {...}, "tasks": {...}, "nodes": [...], "deps": {"12": {"t": "inc"}}, "consts": {...},
"digest": "hmac-sha256:..."}``
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from airflow_dynflow.core import errors
from airflow_dynflow.core.options import NO_OPTIONS, Options
from airflow_dynflow.core.protocols import NodeEntity
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.spec import Node, Spec, TaskEntry
from airflow_dynflow.core.wire.spec_read import SpecReader, verified_json
from airflow_dynflow.core.wire.spec_wire import WireSlice, validated
from airflow_dynflow.core.wire.spec_write import SpecWriter, compact_json, entry_json, with_digest

__all__ = ["SLICE_FORMAT", "SpecSlice", "dump_slices", "instance_count", "instance_nodes", "load_slice"]

SLICE_FORMAT = "dynflow.slice/2"
_PURPOSE = "spec-slice"


def instance_count(count: int, batch: int) -> int:
    """How many instances ``count`` nodes take, ``batch`` at a time."""
    return -(-count // batch)


def instance_nodes(count: int, batch: int, instance: int) -> range:
    """The nodes instance ``instance`` runs when ``count`` nodes are shared out ``batch`` at a time:
    contiguous runs, so that (nodes being in topological order) an instance only ever waits on
    earlier ones."""
    return range(instance * batch, min((instance + 1) * batch, count))


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecSlice:
    """What a ``Spec`` offers a generated instance, for its own nodes and their dependencies only.

    ``nodes`` maps an index to its node: the instance's own nodes in full, the dependencies outside
    it as stubs without inputs. Indexing it like ``Spec.nodes`` is all the runtime does.
    ``spec_digest``, ``count`` and ``batch`` say which spec it is part of and how that spec's nodes
    are shared out among instances.
    """

    name: str
    tasks: Mapping[str, TaskEntry]
    nodes: Mapping[int, Node]
    own: range
    spec_digest: str
    count: int
    batch: int

    def entity(self, node: Node) -> NodeEntity:
        return self.tasks[node.task].entity

    def label(self, index: int) -> str:
        """The same label ``Spec.label`` gives the node."""
        node = self.nodes[index]
        return f"{node.options.name or node.task}[n{index}]"


def dump_slices(spec: Spec, batch: int, spec_digest: str, signer: Signer, bound_to: str) -> list[str]:
    """One signed slice's JSON per instance, ``batch`` nodes each, bound to ``bound_to``."""
    writer = SpecWriter(spec)
    entries = {key: entry_json(entry) for key, entry in spec.tasks.items()}
    count = len(spec.nodes)
    out = []
    for instance in range(instance_count(count, batch)):
        own = instance_nodes(count, batch, instance)
        nodes, consts = writer.nodes_json(own)
        outside = sorted({d for i in own for d in spec.nodes[i].depends_on() if d not in own})
        deps = {str(d): _stub_json(spec.nodes[d]) for d in outside}
        keys = sorted({spec.nodes[i].task for i in (*own, *outside)})
        body: dict[str, Any] = {
            "format": SLICE_FORMAT,
            "name": spec.name,
            "spec": spec_digest,
            "count": count,
            "batch": batch,
            "inputs": spec.inputs,
            "tasks": {key: entries[key] for key in keys},
            "nodes": nodes,
            "deps": deps,
        }
        if consts:
            body["consts"] = consts
        text = compact_json(body)
        out.append(with_digest(text, signer.sign(_PURPOSE, bound_to, str(instance), text)))
    return out


def _stub_json(node: Node) -> dict[str, str]:
    return {"t": node.task, "name": node.options.name} if node.options.name else {"t": node.task}


def load_slice(text: str | bytes, signer: Signer, bound_to: str, instance: int) -> SpecSlice:
    """Check and load the slice of map index ``instance`` that was signed for ``bound_to``; raises
    SpecError on anything malformed, tampered, misplaced or stale. The HMAC is checked on the raw
    text, for this binding and instance, before anything is parsed."""
    data = verified_json(
        text, lambda given, body: signer.verify(given, _PURPOSE, bound_to, str(instance), body), signer
    )
    return _SliceReader(validated(WireSlice, data), instance).slice()


class _SliceReader(SpecReader):
    """The spec's reader over a slice: stubs first (their tasks checked like any entry), then the
    slice's own nodes, whose bindings may only point at stubs or earlier nodes of the slice."""

    def __init__(self, wire: WireSlice, instance: int) -> None:
        super().__init__(wire.inputs, wire.consts)
        self.wire = wire
        self.own = instance_nodes(wire.count, wire.batch, instance)

    def slice(self) -> SpecSlice:
        w = self.wire
        if len(w.nodes) != len(self.own):
            raise errors.spec_slice_wrong_nodes(len(w.nodes), self.own)
        for key, entry in w.tasks.items():
            self.tasks[key] = self._entry(key, entry)
        for text, stub in w.deps.items():
            if not text.isdigit() or int(text) >= self.own.start:
                raise errors.spec_slice_bad_stub(text)
            index = int(text)
            if stub.t not in self.tasks:
                raise errors.spec_slice_stub_unknown_task(index, stub.t)
            options = Options(name=stub.name) if stub.name else NO_OPTIONS
            self.nodes[index] = Node(task=stub.t, inputs={}, options=options)
        for index, node in zip(self.own, w.nodes, strict=True):
            self.nodes[index] = self._node(index, node)
        return SpecSlice(
            name=w.name,
            tasks=self.tasks,
            nodes=self.nodes,
            own=self.own,
            spec_digest=w.spec,
            count=w.count,
            batch=w.batch,
        )

    def _check_earlier(self, where: str, dep: int, index: int) -> None:
        super()._check_earlier(where, dep, index)
        if dep not in self.nodes:
            raise errors.spec_slice_lacks_node(where, dep)
