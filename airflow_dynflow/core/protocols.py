"""The contracts between the layers: what an entity must offer to be called, traced and run.

``Task``, ``Dynamic``, ``MapTask`` and ``Workflow`` are plain frozen dataclasses with no common
base class; the frames of ``tracing``, the spec and both runners rely only on these protocols.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from airflow_dynflow.core.authoring.tracing import Trace
    from airflow_dynflow.core.conversion.interface import Interface
    from airflow_dynflow.core.options import Options
    from airflow_dynflow.core.origin import Origin
    from airflow_dynflow.core.spec import TaskEntry

__all__ = ["Entity", "Named", "NodeEntity"]


class Named(Protocol):
    """What every entity has, whether users call it or a spec does: a name, typed inputs and
    outputs, and where its code lives."""

    @property
    def name(self) -> str: ...

    @property
    def interface(self) -> Interface: ...

    @property
    def origin(self) -> Origin: ...


class Entity(Named, Protocol):
    """Anything a body may call: a task, a dynamic, a map task or a workflow."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run now, or record the call when a body is being traced."""
        ...

    def run_local(self, bound: Mapping[str, Any]) -> Any:
        """Run now with native, bound arguments; return what the caller receives."""
        ...

    def trace_call(self, trace: Trace, bound: Mapping[str, Any]) -> Any:
        """Record the call into ``trace``; return the promise(s) the caller receives."""
        ...


class NodeEntity(Named, Protocol):
    """What one node of a spec calls: a task, a dynamic or a map task, or one of the built-in
    decide and select nodes of a conditional (which users never call themselves)."""

    @property
    def kind(self) -> str:
        """``task``, ``dynamic``, ``map``, ``decide``, ``select`` or ``gate``: how a runtime schedules
        the node."""
        ...

    @property
    def options(self) -> Options: ...

    def run_node(
        self, bound: Mapping[str, Any], options: Options, input_hashes: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Run once as a node with ``options`` merged in; outputs keyed by name."""
        ...

    def task_entry(self, key: str) -> TaskEntry:
        """How a spec refers to this entity under ``key``."""
        ...
