"""What an entity call means depends on where it happens; this module holds that "where".

There is one global: a ContextVar holding the current frame, set with ``with`` and reset by token.

* No frame: the call runs the entity now and returns native values.
* A ``Trace`` (a ``@workflow`` body at parse time, or ``Dynamic.compile``): the call records a node
  and returns promises; ``Trace.finish`` turns the record into a ``Spec``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from airflow_dynflow.core import errors
from airflow_dynflow.core.authoring.ordering import nodes_of, topological
from airflow_dynflow.core.authoring.promise import Known, Promise, call_result
from airflow_dynflow.core.conversion.converters import converter_for
from airflow_dynflow.core.conversion.interface import Interface, Param, check_value
from airflow_dynflow.core.conversion.type_relations import is_assignable, member_type
from airflow_dynflow.core.options import checked_options
from airflow_dynflow.core.protocols import Entity, NodeEntity
from airflow_dynflow.core.spec import (
    Binding,
    Collection,
    Const,
    Node,
    Owner,
    Ref,
    Spec,
    TaskEntry,
)

__all__ = ["CompileLimits", "Frame", "Trace", "current_frame", "entered"]


class Frame(Protocol):
    def call(self, entity: Entity, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any: ...


_frame: ContextVar[Frame | None] = ContextVar("dynflow_frame", default=None)


def current_frame() -> Frame | None:
    return _frame.get()


@contextmanager
def entered(frame: Frame | None) -> Iterator[None]:
    token = _frame.set(frame)
    try:
        yield
    finally:
        _frame.reset(token)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompileLimits:
    """Bounds on one compile, held while the body runs (None: unbounded).

    A dynamic's body is the DAG author's code, but its size often follows its inputs
    (``for i in range(n)``), and whoever may trigger a run chooses those: without bounds ``n=10**12``
    makes a compile grow without end. Both bounds are checked as each node is added, so the body
    stops at the first node past them; a runtime sets them from its configuration.
    """

    max_nodes: int | None = None
    max_seconds: float | None = None


class Trace:
    """Records entity calls as nodes; the mutable builder behind one immutable Spec."""

    def __init__(self, name: str, limits: CompileLimits | None = None) -> None:
        self.name = name
        self._limits = limits or CompileLimits()
        seconds = self._limits.max_seconds
        self._deadline = None if seconds is None else time.monotonic() + seconds
        self.nodes: list[Node] = []
        self.tasks: dict[str, TaskEntry] = {}
        # id(entity) -> (entity, its task key). The entity is held so that its id cannot be reused by a
        # new object while the trace lives: a decide node's earlier entities, replaced case by case,
        # were freed, and a select entity allocated at the same address took their key.
        self._keys: dict[int, tuple[NodeEntity, str]] = {}
        self._groups: list[str] = []
        self._group_paths: set[str] = set()
        self._item_params: dict[tuple[str, str, tuple[Any, ...]], Param] = {}
        # Conditionals: the cases being traced, innermost last, and the sections not yet closed.
        self.guards: list[tuple[int, int]] = []
        self.open_conditionals: list[Any] = []
        self._binding_cases = False

    def call(self, entity: Entity, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
        return entity.trace_call(self, entity.interface.bind(args, kwargs))

    @contextmanager
    def group(self, name: str) -> Iterator[None]:
        """Nodes recorded inside belong to a nested workflow (a TaskGroup on Airflow).

        A workflow called twice gets ``name`` and ``name_2``, so group ids never collide.
        """
        unique, n = name, 2
        while ".".join([*self._groups, unique]) in self._group_paths:
            unique, n = f"{name}_{n}", n + 1
        self._group_paths.add(".".join([*self._groups, unique]))
        self._groups.append(unique)
        try:
            yield
        finally:
            self._groups.pop()

    def add_node(
        self,
        entity: NodeEntity,
        bound: Mapping[str, Any],
        *,
        after: tuple[int, ...] = (),
        sees_cases: bool = False,
    ) -> int:
        """Record one call of ``entity`` and return its index.

        Inside a conditional's case the node is guarded by that case. ``sees_cases`` is for the
        conditional's select node, the one node that may read promises made inside its cases.
        """
        self._check_limits()
        key = self._key_for(entity)
        inputs = self._bind_all(entity, bound, sees_cases)
        guard = self.guards[-1] if self.guards else None
        node = Node(task=key, inputs=inputs, group=".".join(self._groups), after=after, guard=guard)
        self.nodes.append(node)
        return len(self.nodes) - 1

    def _check_limits(self) -> None:
        """Before a node is added: refuse the one past ``max_nodes``, or any past the deadline."""
        max_nodes, max_seconds = self._limits.max_nodes, self._limits.max_seconds
        if max_nodes is not None and len(self.nodes) >= max_nodes:
            raise errors.too_many_nodes(self.name, max_nodes)
        if max_seconds is not None and self._deadline is not None and time.monotonic() > self._deadline:
            raise errors.compile_too_long(self.name, max_seconds)

    def replace_node(self, index: int, entity: NodeEntity, bound: Mapping[str, Any]) -> None:
        """Give node ``index`` a new entity of the same key: a decide node learning its next case."""
        key = self.nodes[index].task
        self._keys[id(entity)] = (entity, key)
        self.tasks[key] = entity.task_entry(key)
        self.nodes[index] = replace(self.nodes[index], inputs=self._bind_all(entity, bound, False))

    def _bind_all(self, entity: NodeEntity, bound: Mapping[str, Any], sees_cases: bool) -> dict[str, Binding]:
        params = entity.interface.inputs
        self._binding_cases = sees_cases
        try:
            return {name: self.bind(entity.name, params[name], value) for name, value in bound.items()}
        finally:
            self._binding_cases = False

    def outputs_of(self, index: int, entity: NodeEntity) -> Any:
        """What the call returns while tracing: one promise, a NamedTuple of them, or a void one."""
        interface: Interface = entity.interface
        promises = {
            name: Promise(Ref(index, name), param.tp, entity.name, self)
            for name, param in interface.outputs.items()
        }
        if not promises:
            return Promise(Ref(index, ""), type(None), entity.name, self)
        return call_result(interface.output_tuple, list(promises.values()))

    def bind(self, entity: str, param: Param, value: Any, role: str = "input") -> Binding:
        """Turn one argument (or returned output) into a binding, checking its type now."""
        if isinstance(value, Promise):
            return self._bind_promise(entity, param, value, role)
        if isinstance(value, (list, tuple, dict)) and _holds_promise(value):
            return self._bind_collection(entity, param, value, (), role)
        return Const(check_value(entity, role, param, value))

    def bind_outputs(self, interface: Interface, result: Any) -> dict[str, Binding]:
        """Bind what a traced body returned to the declared outputs."""
        values = interface.result_values(result)
        return {
            name: self.bind(interface.entity, param, value, "output")
            for (name, param), value in zip(interface.outputs.items(), values, strict=True)
        }

    def _bind_promise(self, entity: str, param: Param, promise: Promise, role: str) -> Ref | Const:
        if promise._trace is not self:
            raise errors.promise_from_other_body(entity, role, param.name, promise._source)
        ref = promise._ref
        if isinstance(ref, Known):
            # Checked as the value it is, exactly as if the constant had been passed here.
            return Const(check_value(entity, role, param, ref.const.value))
        node = ref.node
        if node is not None and not self._binding_cases and not self.visible(node):
            raise errors.promise_outside_case(entity, role, param.name, promise._source, self._case_of(node))
        if not ref.output:
            raise errors.void_promise_mismatch(entity, role, param.name, param.tp, promise._source)
        if not is_assignable(promise._type, param.tp):
            raise errors.promise_type_mismatch(
                entity, role, param.name, param.tp, promise._type, promise._source
            )
        return ref

    def _bind_collection(
        self, entity: str, param: Param, value: Any, path: tuple[Any, ...], role: str
    ) -> Collection:
        tp = param.tp
        for key in path:
            tp = member_type(tp, key)
        kind: Literal["list", "dict"] = "dict" if isinstance(value, dict) else "list"
        items: Iterable[tuple[Any, Any]] = value.items() if isinstance(value, dict) else enumerate(value)
        bound: list[tuple[str | int, Binding]] = []
        for key, item in items:
            item_param = self._item_param(entity, param, tp, (*path, key if kind == "dict" else 0))
            if isinstance(item, Promise):
                bound.append((key, self._bind_promise(entity, item_param, item, role)))
            elif isinstance(item, (list, tuple, dict)) and _holds_promise(item):
                bound.append((key, self._bind_collection(entity, param, item, (*path, key), role)))
            else:
                bound.append((key, Const(check_value(entity, role, item_param, item))))
        return Collection(kind, tuple(bound))

    def _item_param(self, entity: str, param: Param, tp: Any, path: tuple[Any, ...]) -> Param:
        cache_key = (entity, param.name, path)
        if cache_key not in self._item_params:
            item_tp = member_type(tp, path[-1])
            label = param.name + "".join(f"[{k!r}]" for k in path)
            self._item_params[cache_key] = Param(name=label, tp=item_tp, converter=converter_for(item_tp))
        return self._item_params[cache_key]

    def visible(self, node: int, guard: tuple[int, int] | None = None) -> bool:
        """Whether a call under ``guard`` (by default the case being traced) may use ``node``'s
        outputs: only when ``node`` is outside every conditional case, or in an enclosing one."""
        wanted = self.nodes[node].guard
        if wanted is None:
            return True
        current = self.guards[-1] if guard is None and self.guards else guard
        while current is not None:
            if current == wanted:
                return True
            current = self.nodes[current[0]].guard
        return False

    def _case_of(self, node: int) -> str:
        guard = self.nodes[node].guard
        assert guard is not None
        return f"{self.nodes[guard[0]].task}, case {guard[1]}"

    def override(self, index: int | None, source: str, **options: Any) -> None:
        if index is None:
            raise errors.override_on_input(source)
        node = self.nodes[index]
        override = checked_options("with_overrides()", options)
        self.nodes[index] = replace(node, options=node.options.merged(override))

    def order(self, first: Any, then: Any) -> None:
        """Record ``first >> then``: a dependency with no data flowing.

        A side that is a sub-workflow's void result stands for every node the sub-workflow added.
        """
        befores = nodes_of(first)
        for index in sorted(set(nodes_of(then))):
            node = self.nodes[index]
            for before in befores:
                if not self.visible(before, node.guard):
                    raise errors.order_across_cases(self.nodes[before].task, node.task, self._case_of(before))
            missing = tuple(b for b in befores if b != index and b not in node.after)
            if missing:
                self.nodes[index] = replace(node, after=(*node.after, *missing))

    def inlined_result(self, interface: Interface, result: Any, start: int) -> Any:
        """What a sub-workflow call returns once its body ran inline, adding nodes from ``start``.

        The same as a task call's: a promise per output (a NamedTuple of them for several), or a
        void promise. An output the body gave as a promise is that promise; one it gave as a
        constant is a promise of that ``Known`` value, so ``then()``, ``>>`` and passing it on
        work as for any call (a flytekit sub-workflow call is a node and gives promises).
        """
        bindings = self.bind_outputs(interface, result)
        span = tuple(range(start, len(self.nodes)))
        if not interface.outputs:
            return Promise(Ref(span[-1] if span else None, ""), type(None), interface.entity, self, span)
        values = []
        for (name, param), value in zip(
            interface.outputs.items(), interface.result_values(result), strict=True
        ):
            binding = bindings[name]
            if isinstance(binding, Const):
                value = Promise(Known(name, binding), param.tp, interface.entity, self, span)
            values.append(value)
        return call_result(interface.output_tuple, values)

    def finish(self, owner: Owner, inputs: Mapping[str, Any], result: Any) -> Spec:
        """Bind the body's ``result`` to the owner's outputs and freeze the record into a Spec."""
        if self.open_conditionals:
            raise errors.conditional_unfinished(self.open_conditionals[0].name)
        nodes, outputs = topological(self.nodes, self.bind_outputs(owner.interface, result), self.name)
        return Spec(
            name=self.name,
            inputs=dict(inputs),
            tasks=dict(self.tasks),
            nodes=nodes,
            outputs=dict(outputs),
            owner=owner,
        )

    def _key_for(self, entity: NodeEntity) -> str:
        known = self._keys.get(id(entity))
        if known is not None:
            return known[1]
        key = entity.name
        n = 2
        while key in self.tasks:
            key = f"{entity.name}_{n}"
            n += 1
        self._keys[id(entity)] = (entity, key)
        self.tasks[key] = entity.task_entry(key)
        return key


def _holds_promise(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        if isinstance(item, Promise):
            return True
        if isinstance(item, (list, tuple, dict)) and _holds_promise(item):
            return True
    return False
