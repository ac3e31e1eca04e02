"""The ``a >> b`` ordering while tracing: which nodes an operand of ``>>`` names, and the stable
reorder of a traced body's nodes once ``>>`` made one wait for a later one.

Kept beside ``core.authoring.tracing`` (which records the ``after`` edges) because it is graph work on the
finished record, not part of what a call means where it happens.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from airflow_dynflow.core import errors
from airflow_dynflow.core.authoring.promise import Known, Promise
from airflow_dynflow.core.spec import Binding, Collection, Node, Ref

__all__ = ["nodes_of", "topological"]


def _promises_in(value: Any) -> list[Promise]:
    if isinstance(value, Promise):
        return [value]
    if isinstance(value, tuple) and value and all(isinstance(v, Promise) for v in value):
        return list(value)
    raise errors.order_needs_calls(value)


def nodes_of(value: Any) -> tuple[int, ...]:
    """The nodes a ``>>`` operand stands for: a promise, or the tuple of one call's outputs."""
    found: list[int] = []
    for promise in _promises_in(value):
        if promise._span or isinstance(promise._ref, Known):
            found.extend(promise._span)
        elif promise._ref.node is None:
            raise errors.order_on_input()
        else:
            found.append(promise._ref.node)
    # The outputs of one call share its node: each node once.
    return tuple(dict.fromkeys(found))


def topological(
    nodes: list[Node], outputs: Mapping[str, Binding], name: str
) -> tuple[tuple[Node, ...], Mapping[str, Binding]]:
    """Keep call order unless ``>>`` made a node wait for a later one; then reorder stably.

    Data dependencies always point backwards (a promise exists only after its call), so only
    ``after`` edges can point forwards. Renumbering keeps ids dense, so ``n{i}`` is the position.
    """
    if all(dep < i for i, node in enumerate(nodes) for dep in node.after):
        return tuple(nodes), outputs
    deps = [set(node.depends_on()) for node in nodes]
    users: list[list[int]] = [[] for _ in nodes]
    for i, ds in enumerate(deps):
        for d in ds:
            users[d].append(i)
    waiting = [len(ds) for ds in deps]
    ready = [i for i, n in enumerate(waiting) if n == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for u in users[i]:
            waiting[u] -= 1
            if waiting[u] == 0:
                heapq.heappush(ready, u)
    if len(order) != len(nodes):
        raise errors.order_cycle(name, [(nodes[i].task, i) for i, n in enumerate(waiting) if n])
    new_index = {old: new for new, old in enumerate(order)}
    renumbered = tuple(
        replace(
            nodes[old],
            inputs={k: _renumber(b, new_index) for k, b in nodes[old].inputs.items()},
            after=tuple(sorted(new_index[d] for d in nodes[old].after)),
            guard=_renumber_guard(nodes[old].guard, new_index),
        )
        for old in order
    )
    return renumbered, {k: _renumber(b, new_index) for k, b in outputs.items()}


def _renumber_guard(guard: tuple[int, int] | None, new_index: Mapping[int, int]) -> tuple[int, int] | None:
    return None if guard is None else (new_index[guard[0]], guard[1])


def _renumber(binding: Binding, new_index: Mapping[int, int]) -> Binding:
    if isinstance(binding, Ref) and binding.node is not None:
        return replace(binding, node=new_index[binding.node])
    if isinstance(binding, Collection):
        return replace(binding, items=tuple((k, _renumber(v, new_index)) for k, v in binding.items))
    return binding
