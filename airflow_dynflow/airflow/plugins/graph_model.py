"""The dynamic graph of one DAG run, as the "Dynamic graph" view shows it: pure data, no Airflow.

A run holds one ``DynamicView`` per compiled ``@dynamic`` (its compile task pushed a futures spec). Its
nodes come from the spec's wire JSON (already signature-checked by ``graph_source``), their states
from the generated-node task's instances::

    >>> wire = {"tasks": {"inc": {"kind": "task"}}, "nodes": [{"t": "inc"}, {"t": "inc", "r": {"x": 0}}]}
    >>> g = build_dynamic("inc_all", wire, batch=1, instances={0: Instance("success", 1.5)})
    >>> [(n.id, n.label, n.state, n.deps) for n in g.nodes]
    [('n0', 'n0 inc', 'success', ()), ('n1', 'n1 inc', 'no_status', ('n0',))]

Past ``AGGREGATE_ABOVE`` nodes a page of boxes stops being readable or fast, so ``aggregate`` folds
the nodes into one box per (task, state) with a count, and edges between those boxes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from airflow_dynflow.core.labels import printable

__all__ = [
    "AGGREGATE_ABOVE",
    "Aggregate",
    "ChildRef",
    "DynamicView",
    "GraphNode",
    "Instance",
    "aggregate",
    "build_dynamic",
    "depths",
    "wire_deps",
]

# More nodes than this in one dynamic: the page shows (task, state) groups instead of nodes.
AGGREGATE_ABOVE = 300
NO_STATUS = "no_status"


@dataclass(frozen=True, slots=True)
class Instance:
    """What the metadata DB says of one generated-node task instance."""

    state: str | None
    duration: float | None = None
    try_number: int = 0


@dataclass(frozen=True, slots=True)
class ChildRef:
    """The child run a nested dynamic's node runs as."""

    dag_id: str
    run_id: str


@dataclass(frozen=True, slots=True)
class GraphNode:
    id: str  # n7
    label: str  # n7 update_list
    task: str  # update_list
    kind: str  # task, dynamic, map, or a conditional's decide or select
    map_index: int
    state: str
    duration: float | None
    try_number: int
    deps: tuple[str, ...]
    child: ChildRef | None = None
    # Set on a node that failed without running: the dependency it did not run for (its label).
    not_run_for: str | None = None
    # The plugin's page of the node's decks, when its task made some (``plugins.deck_endpoint``).
    deck_url: str | None = None
    # Set on a node whose call raised: the exception's class name and the first line of its message.
    error: tuple[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "task": self.task,
            "kind": self.kind,
            "map_index": self.map_index,
            "state": self.state,
            "duration": self.duration,
            "try_number": self.try_number,
            "deps": list(self.deps),
            "child": None
            if self.child is None
            else {"dag_id": self.child.dag_id, "run_id": self.child.run_id},
            "not_run_for": self.not_run_for,
            "deck_url": self.deck_url,
            "error": None if self.error is None else {"type": self.error[0], "line": self.error[1]},
        }


@dataclass(frozen=True, slots=True)
class Aggregate:
    """All nodes of one task in one state: one box in an aggregated graph."""

    id: str  # update_list:success
    task: str
    state: str
    count: int


@dataclass(frozen=True, slots=True)
class DynamicView:
    """One compiled dynamic of a run: its task group, tasks, and generated nodes in spec order.

    ``refused`` is why its spec reference or spec failed a check (forged, changed, or signed under a
    key this api-server does not hold): then it has no nodes, and the page says so in its place
    while showing the run's other dynamics as usual.
    """

    group: str  # count_characters ("" for the runner DAG's own dynamic)
    compile_task: str
    nodes_task: str
    batch: int
    nodes: tuple[GraphNode, ...]
    aggregates: tuple[Aggregate, ...] = field(default=())
    aggregate_edges: tuple[tuple[str, str], ...] = field(default=())
    refused: str | None = None

    @property
    def aggregated(self) -> bool:
        return bool(self.aggregates)

    def states(self) -> dict[str, int]:
        return dict(Counter(n.state for n in self.nodes))

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "compile_task": self.compile_task,
            "nodes_task": self.nodes_task,
            "batch": self.batch,
            "count": len(self.nodes),
            "states": self.states(),
            "aggregated": self.aggregated,
            "nodes": [n.to_json() for n in self.nodes],
            "aggregates": [
                {"id": a.id, "task": a.task, "state": a.state, "count": a.count} for a in self.aggregates
            ],
            "aggregate_edges": [list(e) for e in self.aggregate_edges],
            "refused": self.refused,
        }


def wire_deps(node: Mapping[str, Any]) -> list[int]:
    """Indexes of the nodes a wire node reads from (``r``), runs after (``a``) or is a conditional
    case of (``w``), first seen first, as ``Node.depends_on`` orders them."""
    found: dict[int, None] = {}
    for binding in (node.get("r") or {}).values():
        _refs(binding, found)
    found.update(dict.fromkeys(node.get("a") or ()))
    guard = node.get("w")
    if isinstance(guard, list) and guard and isinstance(guard[0], int):
        found[guard[0]] = None
    return list(found)


def _refs(binding: Any, found: dict[int, None]) -> None:
    if isinstance(binding, bool):
        return
    if isinstance(binding, int):
        found[binding] = None
    elif isinstance(binding, dict):
        if isinstance(binding.get("n"), int):
            found[binding["n"]] = None
        for item in binding.get("list") or ():
            _refs(item, found)
        for item in (binding.get("dict") or {}).values():
            _refs(item, found)


def build_dynamic(
    group: str,
    wire: Mapping[str, Any],
    *,
    batch: int,
    instances: Mapping[int, Instance],
    compile_task: str = "compile",
    nodes_task: str = "nodes",
    child_of: Any = None,
    not_run: Mapping[int, int] | None = None,
    deck_of: Any = None,
    node_errors: Iterable[tuple[str, str, str]] = (),
) -> DynamicView:
    """Spec wire JSON + instance states -> nodes; ``child_of(node_label, map_index)`` names the
    child run of a nested dynamic's node (None where nested dynamics run in-line); ``not_run`` maps
    an instance that failed without running to the instance it did not run for, and ``node_errors``
    holds (node id, class, first line) of each node whose call raised (both checked records);
    ``deck_of(node_id, map_index)`` the URL of a node's decks (None when it made none)."""
    tasks = wire.get("tasks") or {}
    raws = list(wire.get("nodes") or ())
    labels = [f"n{i} {printable((raw.get('o') or {}).get('name') or raw['t'])}" for i, raw in enumerate(raws)]
    raised = {node: (kind, line) for node, kind, line in node_errors}
    nodes = []
    for i, raw in enumerate(raws):
        task = printable((raw.get("o") or {}).get("name") or raw["t"])
        kind = (tasks.get(raw["t"]) or {}).get("kind", "task")
        map_index = i // batch
        inst = instances.get(map_index, Instance(None))
        label = labels[i]
        skipped_for = (not_run or {}).get(map_index)
        child = child_of(label, map_index) if kind == "dynamic" and batch == 1 and child_of else None
        nodes.append(
            GraphNode(
                id=f"n{i}",
                label=label,
                task=task,
                kind=kind,
                map_index=map_index,
                state=inst.state or NO_STATUS,
                duration=inst.duration,
                try_number=inst.try_number,
                deps=tuple(f"n{d}" for d in wire_deps(raw)),
                child=child,
                not_run_for=None if skipped_for is None else _instance_label(labels, batch, skipped_for),
                deck_url=deck_of(f"n{i}", map_index) if deck_of else None,
                error=raised.get(f"n{i}") if inst.state in ("failed", "up_for_retry") else None,
            )
        )
    return DynamicView(
        group=group, compile_task=compile_task, nodes_task=nodes_task, batch=batch, nodes=tuple(nodes)
    )


def _instance_label(labels: list[str], batch: int, map_index: int) -> str:
    """A node's label, or for a packed instance the range of nodes it runs."""
    first, last = map_index * batch, min((map_index + 1) * batch, len(labels)) - 1
    if not 0 <= first < len(labels):
        return f"map index {map_index}"
    return labels[first] if first == last else f"{labels[first].split()[0]}-n{last} (map index {map_index})"


def aggregate(dynamic: DynamicView, above: int = AGGREGATE_ABOVE) -> DynamicView:
    """The same dynamic with (task, state) groups and the edges between them, past ``above`` nodes."""
    if len(dynamic.nodes) <= above:
        return dynamic
    counts: Counter[tuple[str, str]] = Counter()
    box_of: dict[str, str] = {}
    for n in dynamic.nodes:
        counts[(n.task, n.state)] += 1
        box_of[n.id] = f"{n.task}:{n.state}"
    edges: dict[tuple[str, str], None] = {}
    for n in dynamic.nodes:
        for d in n.deps:
            edge = (box_of[d], box_of[n.id])
            if edge[0] != edge[1]:
                edges[edge] = None
    # Boxes in the order their task first appears, then by state.
    first = {t: i for i, t in reversed(list(enumerate(n.task for n in dynamic.nodes)))}
    boxes = sorted(counts, key=lambda ts: (first[ts[0]], ts[1]))
    return DynamicView(
        group=dynamic.group,
        compile_task=dynamic.compile_task,
        nodes_task=dynamic.nodes_task,
        batch=dynamic.batch,
        nodes=dynamic.nodes,
        aggregates=tuple(Aggregate(f"{t}:{s}", t, s, counts[(t, s)]) for t, s in boxes),
        aggregate_edges=tuple(edges),
    )


def depths(ids: Iterable[str], deps: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Longest path from a root, per id (ids in topological order): the graph's columns."""
    out: dict[str, int] = {}
    for i in ids:
        out[i] = 1 + max((out[d] for d in deps.get(i, ()) if d in out), default=-1)
    return out
