"""The graph spec: nodes, their bindings and outputs, as frozen values with a JSON form
(``spec_write.dump_spec`` writes it, ``spec_read.load_spec`` checks and reads it back; this module
imports neither, so everything that builds a spec can import it without a circle).

A workflow traced at parse time and a dynamic compiled at run time (the "futures" spec) both end as
a ``Spec``. The local runner executes it; the Airflow runtime stores its JSON in the blob store and
schedules its nodes. A three-node example (``docs/spec.md`` has the full grammar)::

    {"format": "dynflow.spec/1", "name": "count_characters", "inputs": {},
     "tasks": {"return_index": {"ref": "dags.count:return_index", "version": "9f2c...", "kind": "task",
                                "inputs": {"character": {"type": "string"}},
                                "outputs": {"o0": {"type": "integer"}}}, ...},
     "nodes": [{"t": "return_index", "v": {"character": "P"}},
               {"t": "update_list", "v": {"freq_list": [0, 0, ...]}, "r": {"list_index": 0}},
               {"t": "derive_count", "r": {"freq1": 1, "freq2": 1}}],
     "outputs": {"r": {"o0": 2}},
     "digest": "sha256:..."}

Node ``i`` has the id ``n{i}``. Bindings only point at earlier nodes, so the list order is a
topological order and a spec can never hold a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from airflow_dynflow.core.options import NO_OPTIONS, Options

if TYPE_CHECKING:
    from airflow_dynflow.core.conversion.interface import Interface
    from airflow_dynflow.core.origin import Origin
    from airflow_dynflow.core.protocols import NodeEntity

__all__ = [
    "Binding",
    "Collection",
    "Const",
    "MapOptions",
    "Node",
    "Owner",
    "Ref",
    "Spec",
    "TaskEntry",
    "node_id",
    "nodes_read",
    "walk_path",
]

SPEC_FORMAT = "dynflow.spec/1"


def node_id(index: int) -> str:
    return f"n{index}"


@dataclass(frozen=True, slots=True)
class Ref:
    """One output of an earlier node (``node`` is its index), or a workflow input (``node`` is None).

    ``path`` narrows the value: ints index sequences, strings index mappings or name attributes.
    """

    node: int | None
    output: str
    path: tuple[str | int, ...] = ()


def walk_path(value: Any, path: Sequence[str | int]) -> Any:
    """Apply a promise's ``[i]`` / ``["k"]`` / ``.field`` path to a real value."""
    for key in path:
        value = value[key] if isinstance(key, int) or isinstance(value, Mapping) else getattr(value, key)
    return value


@dataclass(frozen=True, slots=True)
class Const:
    """A value known when the graph was built, already validated against the input's type."""

    value: Any


@dataclass(frozen=True, slots=True)
class Collection:
    """A list or dict whose items are bindings, so several promises can feed one input (fan-in)."""

    kind: Literal["list", "dict"]
    items: tuple[tuple[str | int, Binding], ...]


Binding = Ref | Const | Collection


@dataclass(frozen=True, slots=True)
class MapOptions:
    """What ``map_task`` adds to a task: which inputs are bound constants, which are bound to a
    promise (one value, the same for every element: the node's input, not a list), and failure
    tolerance."""

    bound: Mapping[str, Any]
    concurrency: int | None
    min_success_ratio: float
    broadcast: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskEntry:
    """One entity a spec's nodes call, referenced by key so that nodes stay small.

    ``ref`` is ``module:qualname``; ``file`` is set when the module cannot be imported by name (a DAG
    file Airflow loaded under a mangled name, or ``__main__``). ``entity`` is the live object; it is
    not serialized, and is resolved again by import when a spec is read back.
    """

    key: str
    ref: str
    file: str | None
    version: str
    kind: Literal["task", "dynamic", "map", "decide", "select", "gate"]
    options: Options
    map: MapOptions | None
    entity: NodeEntity = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """One call. ``guard`` is ``(decide node, case)`` for a call made inside a conditional's case:
    it runs only when that case is taken (see ``core.authoring.conditional``)."""

    task: str
    inputs: Mapping[str, Binding]
    options: Options = NO_OPTIONS
    after: tuple[int, ...] = ()
    group: str = ""
    guard: tuple[int, int] | None = None

    def depends_on(self) -> list[int]:
        """Nodes this one reads from, then those it runs after (``>>``), then the decide node of
        the conditional case it belongs to, in first-seen order."""
        found = {**nodes_read(self.inputs.values()), **dict.fromkeys(self.after)}
        if self.guard is not None:
            found[self.guard[0]] = None
        return list(found)


def nodes_read(bindings: Iterable[Binding]) -> dict[int, None]:
    """Indexes of the nodes whose outputs these bindings read, in first-seen order."""
    found: dict[int, None] = {}
    for binding in bindings:
        if isinstance(binding, Ref) and binding.node is not None:
            found[binding.node] = None
        elif isinstance(binding, Collection):
            found.update(nodes_read(item for _, item in binding.items))
    return found


@dataclass(frozen=True, slots=True)
class Owner:
    """The entity a spec belongs to (a workflow or a dynamic): where its code is, and its interface."""

    origin: Origin
    interface: Interface


@dataclass(frozen=True, slots=True, kw_only=True)
class Spec:
    """A whole graph: the entities it calls, its nodes in topological order, and its outputs."""

    name: str
    inputs: Mapping[str, Any]
    tasks: Mapping[str, TaskEntry]
    nodes: tuple[Node, ...]
    outputs: Mapping[str, Binding]
    owner: Owner = field(compare=False, repr=False)

    def entity(self, node: Node) -> NodeEntity:
        return self.tasks[node.task].entity

    def label(self, index: int) -> str:
        """``update_list[n7]``: how a node is named in logs, errors and the Airflow UI."""
        node = self.nodes[index]
        return f"{node.options.name or node.task}[{node_id(index)}]"
