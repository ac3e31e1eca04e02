"""map_task: one task applied to every element of its list inputs.

``map_task(t)`` turns each input ``x: T`` of ``t`` into ``x: List[T]``; inputs bound with
``functools.partial`` stay constants shared by every element. On Airflow a map node becomes dynamic
task mapping (``.partial(...).expand(...)``); locally it is a loop.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, List, Optional  # noqa: UP035 - the annotations users read

from airflow_dynflow.core import errors
from airflow_dynflow.core.authoring.entities import Task, checked_inputs, dispatch
from airflow_dynflow.core.authoring.promise import Promise
from airflow_dynflow.core.authoring.tracing import Trace
from airflow_dynflow.core.conversion.converters import converter_for
from airflow_dynflow.core.conversion.interface import Interface, Param
from airflow_dynflow.core.options import Options
from airflow_dynflow.core.origin import Origin
from airflow_dynflow.core.spec import MapOptions, TaskEntry

__all__ = ["MapTask", "build_map_task", "map_task"]

log = logging.getLogger("airflow_dynflow")

# Built from run-time types (``List[T]`` for an input ``T``), which a type checker cannot follow.
_List: Any = List  # noqa: UP006
_Optional: Any = Optional


@dataclass(frozen=True, slots=True)
class MapTask:
    task: Task
    interface: Interface
    map: MapOptions
    # Promises bound with functools.partial, passed to the node when the map is called while tracing.
    pending: Mapping[str, Promise] = field(default_factory=dict, compare=False, repr=False)

    kind: ClassVar[str] = "map"

    @property
    def name(self) -> str:
        return self.interface.entity

    @property
    def origin(self) -> Origin:
        return self.task.origin

    @property
    def options(self) -> Options:
        return self.task.options

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return dispatch(self, args, {**kwargs, **self.pending})

    def __repr__(self) -> str:
        return f"MapTask({self.task.origin.ref})"

    def run_local(self, bound: Mapping[str, Any]) -> Any:
        return self.interface.join_result(self.run_node(bound, self.options))

    def run_node(
        self, bound: Mapping[str, Any], options: Options, input_hashes: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """``input_hashes`` are not used: each element is a new value, without its list's hash."""
        checked = checked_inputs(self.interface, bound)
        shared = {**self.map.bound, **{n: checked.pop(n) for n in self.map.broadcast}}
        size = element_count(self.name, checked)
        results: list[Any] = []
        failures: list[Exception] = []
        for i in range(size):
            element = {**shared, **{name: values[i] for name, values in checked.items()}}
            try:
                outputs = self.task.run_node(element, options)
            except Exception as exc:
                if self.map.min_success_ratio >= 1.0:
                    errors.add_node_path(exc, f"{self.task.name}[{i}]")
                    raise
                log.warning("%s: element %d failed (%r); tolerated by min_success_ratio", self.name, i, exc)
                failures.append(exc)
                results.append(None)
                continue
            results.append(next(iter(outputs.values()), None))
        try:
            self.check_success_ratio(size - len(failures), size)
        except RuntimeError as exc:
            raise exc from failures[0]
        return {"o0": results} if self.interface.outputs else {}

    def check_success_ratio(self, succeeded: int, size: int) -> None:
        """Fail the map when too few elements succeeded (locally and in Airflow's collect task)."""
        if size and succeeded / size < self.map.min_success_ratio:
            raise errors.map_below_success_ratio(self.name, succeeded, size, self.map.min_success_ratio)

    def trace_call(self, trace: Trace, bound: Mapping[str, Any]) -> Any:
        return trace.outputs_of(trace.add_node(self, bound), self)

    def task_entry(self, key: str) -> TaskEntry:
        o = self.task.origin
        return TaskEntry(
            key=key,
            ref=o.ref,
            file=o.file,
            version=o.version,
            kind="map",
            options=self.task.options,
            map=self.map,
            entity=self,
        )


def element_count(name: str, lists: Mapping[str, list[Any]]) -> int:
    """All mapped inputs must have one length: that is the number of elements."""
    lengths = {input_name: len(values) for input_name, values in lists.items()}
    if len(set(lengths.values())) > 1:
        raise errors.mapped_lengths_differ(name, lengths)
    return next(iter(lengths.values()), 0)


def map_task(
    target: Task | functools.partial[Any],
    concurrency: int | None = None,
    min_success_ratio: float | None = 1.0,
) -> MapTask:
    """Apply ``target`` to each element of its list inputs (flytekit's ``map_task``).

    Inputs bound with ``functools.partial`` are the same for every element: a constant, or a
    promise (a workflow input or a task output), which the map node then takes as one value.
    ``min_success_ratio=None`` means what it means to flytekit (its ``ArrayNodeMapTask`` reads an
    unset ratio as "all of them"): every element must succeed, a failed one fails the map with its
    own error, and the output stays ``List[T]``, exactly as with 1.0.
    """
    ratio = 1.0 if min_success_ratio is None else min_success_ratio
    bound_values: dict[str, Any] = {}
    task: Any = target
    if isinstance(target, functools.partial):
        if target.args:
            raise errors.map_partial_positional()
        task, bound_values = target.func, dict(target.keywords)
    if not isinstance(task, Task) or task.kind != "task":
        raise errors.map_needs_task(task)
    for key in bound_values:
        if key not in task.interface.inputs:
            raise errors.unexpected_argument(task.name, key, task.interface.inputs)
    pending = {k: v for k, v in bound_values.items() if isinstance(v, Promise)}
    constants = {k: task.interface.check_input(k, v) for k, v in bound_values.items() if k not in pending}
    return build_map_task(task, constants, tuple(pending), concurrency, ratio, pending)


def build_map_task(
    task: Task,
    bound: Mapping[str, Any],
    broadcast: tuple[str, ...],
    concurrency: int | None,
    min_success_ratio: float,
    pending: Mapping[str, Promise] | None = None,
) -> MapTask:
    """The map of ``task`` with ``bound`` constants and ``broadcast`` inputs (also what a spec read
    back builds, where the broadcast values are the node's bindings instead of ``pending``)."""
    if not 0.0 < min_success_ratio <= 1.0:
        raise errors.bad_success_ratio(task.name, min_success_ratio)
    if concurrency is not None and concurrency < 1:
        raise errors.bad_concurrency(task.name, concurrency)
    if len(task.interface.outputs) > 1:
        raise errors.map_multiple_outputs(task.name)
    inputs = {}
    for n, p in task.interface.inputs.items():
        if n in bound:
            continue
        tp = p.tp if n in broadcast else _List[p.tp]
        inputs[n] = Param(name=n, tp=tp, converter=converter_for(tp), description=p.description)
    outputs = {}
    for n, p in task.interface.outputs.items():
        item = p.tp if min_success_ratio >= 1.0 else _Optional[p.tp]
        outputs[n] = Param(name=n, tp=_List[item], converter=converter_for(_List[item]))
    interface = Interface(
        entity=f"map_{task.name}", inputs=inputs, outputs=outputs, output_tuple=None, doc=task.interface.doc
    )
    options = MapOptions(dict(bound), concurrency, min_success_ratio, broadcast)
    return MapTask(task, interface, options, dict(pending or {}))
