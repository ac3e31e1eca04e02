"""map_task: one task applied to every element of its list inputs.

``map_task(t)`` turns each input ``x: T`` of ``t`` into ``x: List[T]``; inputs bound with
``functools.partial`` stay constants shared by every element. On Airflow a map node becomes dynamic
task mapping (``.partial(...).expand(...)``); locally it is a loop.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, List, Optional  # noqa: UP035 - the annotations users read

from airflow_dynflow.core import errors
from airflow_dynflow.core.entities import Task, checked_inputs, dispatch
from airflow_dynflow.core.interface import Interface, Param
from airflow_dynflow.core.origin import Origin
from airflow_dynflow.core.promise import Promise
from airflow_dynflow.core.spec import MapOptions, Options, TaskEntry
from airflow_dynflow.core.tracing import Trace
from airflow_dynflow.core.types import converter_for

__all__ = ["MapTask", "map_task"]

log = logging.getLogger("airflow_dynflow")


@dataclass(frozen=True, slots=True)
class MapTask:
    task: Task
    interface: Interface
    map: MapOptions

    kind: ClassVar[str] = "map"
    node_count: ClassVar[int] = 1

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
        return dispatch(self, args, kwargs)

    def __repr__(self) -> str:
        return f"MapTask({self.task.origin.ref})"

    def run_local(self, bound: Mapping[str, Any]) -> Any:
        return self.interface.join_result(self.run_node(bound, self.options))

    def run_node(self, bound: Mapping[str, Any], options: Options) -> dict[str, Any]:
        lists = checked_inputs(self.interface, bound)
        size = element_count(self.name, lists)
        results: list[Any] = []
        failures: list[Exception] = []
        for i in range(size):
            element = {**self.map.bound, **{name: values[i] for name, values in lists.items()}}
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
            raise RuntimeError(
                f"{self.name}: {succeeded} of {size} elements succeeded, below "
                f"min_success_ratio={self.map.min_success_ratio}"
            )

    def trace_call(self, trace: Trace, bound: Mapping[str, Any]) -> Any:
        return trace.outputs_of(trace.add_node(self, bound), self)

    def task_entry(self, key: str) -> TaskEntry:
        o = self.task.origin
        return TaskEntry(key, o.ref, o.file, o.version, "map", self.task.options, self.map, self)


def element_count(name: str, lists: Mapping[str, list[Any]]) -> int:
    """All mapped inputs must have one length: that is the number of elements."""
    lengths = {input_name: len(values) for input_name, values in lists.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{k}={v}" for k, v in lengths.items())
        raise ValueError(f"{name}: mapped inputs must have the same length, got {detail}")
    return next(iter(lengths.values()), 0)


def map_task(
    target: Task | functools.partial[Any],
    concurrency: int | None = None,
    min_success_ratio: float = 1.0,
) -> MapTask:
    """Apply ``target`` to each element of its list inputs (flytekit's ``map_task``)."""
    bound_values: dict[str, Any] = {}
    task = target
    if isinstance(target, functools.partial):
        if target.args:
            raise TypeError("map_task: bind constants with functools.partial by keyword, not position")
        task, bound_values = target.func, dict(target.keywords)
    if not isinstance(task, Task) or task.kind != "task":
        raise TypeError(f"map_task maps a @task, got {task!r}")
    if not 0.0 < min_success_ratio <= 1.0:
        raise ValueError(
            f"map_task({task.name}): min_success_ratio must be in (0, 1], got {min_success_ratio}"
        )
    if concurrency is not None and concurrency < 1:
        raise ValueError(f"map_task({task.name}): concurrency must be at least 1, got {concurrency}")
    if len(task.interface.outputs) > 1:
        raise TypeError(f"map_task({task.name}): a mapped task must have at most one output")
    name = f"map_{task.name}"
    bound = {}
    for key, value in bound_values.items():
        if key not in task.interface.inputs:
            raise errors.unexpected_argument(task.name, key, task.interface.inputs)
        if isinstance(value, Promise):
            raise errors.PromiseError(
                f"map_task({task.name}): functools.partial binds constants, but '{key}' is a promise; "
                f"pass it as a list to map over instead"
            )
        bound[key] = task.interface.check_input(key, value)
    inputs = {
        n: Param(n, List[p.tp], converter_for(List[p.tp]), description=p.description)  # noqa: UP006
        for n, p in task.interface.inputs.items()
        if n not in bound
    }
    outputs = {}
    for n, p in task.interface.outputs.items():
        item = p.tp if min_success_ratio >= 1.0 else Optional[p.tp]  # noqa: UP045
        outputs[n] = Param(n, List[item], converter_for(List[item]))  # noqa: UP006
    interface = Interface(name, inputs, outputs, None, task.interface.doc)
    return MapTask(task, interface, MapOptions(bound, concurrency, min_success_ratio))
