"""Task, Dynamic and Workflow: what the decorators return.

Entities are frozen. Each knows three things about itself: how to run locally with native values
(``run_local``), how to record itself into a trace (``trace_call``), and how a spec refers to it
(``task_entry``). Calling one dispatches on the current frame (see ``tracing``), so the same user
code builds a graph at parse time, compiles a futures spec at run time, or just runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from airflow_dynflow.core import errors
from airflow_dynflow.core.authoring.call_policy import run_with_policy
from airflow_dynflow.core.authoring.local_runner import run_spec
from airflow_dynflow.core.authoring.promise import Promise
from airflow_dynflow.core.authoring.tracing import CompileLimits, Trace, current_frame, entered
from airflow_dynflow.core.context.decks import write_local_deck
from airflow_dynflow.core.context.secrets import LOCAL_SECRETS, Secret, Secrets, SecretSource
from airflow_dynflow.core.conversion.interface import Interface
from airflow_dynflow.core.conversion.output_cache import local_cache
from airflow_dynflow.core.options import NO_OPTIONS, Options
from airflow_dynflow.core.origin import Origin
from airflow_dynflow.core.protocols import Entity
from airflow_dynflow.core.spec import Owner, Ref, Spec, TaskEntry

__all__ = ["Dynamic", "Task", "Workflow", "dispatch", "input_schemas"]


def dispatch(entity: Entity, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
    """Run ``entity`` now, or hand the call to the frame that is tracing or running a body."""
    frame = current_frame()
    if frame is not None:
        return frame.call(entity, args, kwargs)
    try:
        return entity.run_local(entity.interface.bind(args, kwargs))
    except Exception as exc:
        if getattr(exc, "dynflow_path", None):
            errors.add_node_path(exc, entity.name)
        raise


def checked_inputs(interface: Interface, bound: Mapping[str, Any]) -> dict[str, Any]:
    """Validate (and copy) every input, so a task that mutates its input cannot touch its caller's."""
    return {name: interface.check_input(name, value) for name, value in bound.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """A typed Python function that runs as one node (an operator on Airflow)."""

    fn: Callable[..., Any]
    interface: Interface
    origin: Origin
    options: Options = NO_OPTIONS
    cache: bool = False
    cache_version: str = ""
    # Requesting is what grants: the function may read only these (``core.context.secrets``).
    secret_requests: tuple[Secret, ...] = ()
    enable_deck: bool = False

    kind: ClassVar[str] = "task"

    @property
    def name(self) -> str:
        return self.interface.entity

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return dispatch(self, args, kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.origin.ref})"

    def run_local(self, bound: Mapping[str, Any]) -> Any:
        return self.interface.join_result(self.run_node(bound, self.options))

    def run_node(
        self, bound: Mapping[str, Any], options: Options, input_hashes: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Run once with ``options`` (the node's overrides merged in); outputs keyed by name.
        ``input_hashes``: the ``HashMethod`` hashes that came with some inputs
        (``core.conversion.hashing``)."""
        cache = (local_cache(), self.origin.ref, self.effective_cache_version) if self.cache else None
        checked = checked_inputs(self.interface, bound)
        return run_with_policy(
            self.name,
            self.body,
            self.interface,
            checked,
            options,
            cache,
            None,
            input_hashes,
            secrets=self.secrets(LOCAL_SECRETS),
            deck=functools.partial(write_local_deck, self.name) if self.enable_deck else None,
        )

    def secrets(self, source: SecretSource) -> Secrets:
        """What a call of this task may read, from ``source``."""
        return Secrets(self.name, self.secret_requests, source)

    @property
    def body(self) -> Callable[..., Any]:
        return self.fn

    @property
    def effective_cache_version(self) -> str:
        """The declared cache version, or the source hash, so editing the code invalidates hits."""
        return self.cache_version or self.origin.version

    def trace_call(self, trace: Trace, bound: Mapping[str, Any]) -> Any:
        return trace.outputs_of(trace.add_node(self, bound), self)

    def task_entry(self, key: str) -> TaskEntry:
        o = self.origin
        return TaskEntry(
            key=key,
            ref=o.ref,
            file=o.file,
            version=o.version,
            kind=self.kind,  # type: ignore[arg-type]
            options=self.options,
            map=None,
            entity=self,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Dynamic(Task):
    """A task whose body builds a graph from its real inputs: compiled at run time, not parse time.

    One semantics everywhere, as the seed page says ("in both dynamic and static workflows, the
    output of tasks are Promise objects"): the body is always compiled with the real inputs, task
    calls inside it return promises, and the resulting futures spec is what runs. Locally the
    reference runner runs it; on Airflow every node becomes a task instance. Code that misuses a
    promise fails the same way in both.
    """

    nodes_per_instance: int = 1

    kind: ClassVar[str] = "dynamic"

    @property
    def body(self) -> Callable[..., Any]:
        def compile_and_run(**inputs: Any) -> Any:
            return self.interface.join_result(run_spec(self.compile(**inputs), {}))

        return compile_and_run

    def compile(self, /, **inputs: Any) -> Spec:
        """Run the body with these inputs, recording every call: the futures spec, nothing run."""
        return self.compile_within(None, **inputs)

    def compile_within(self, limits: CompileLimits | None, /, **inputs: Any) -> Spec:
        """``compile``, bounded while the body runs by ``limits`` (positional only, so that no input
        name can collide with it): what a runtime compiling with untrusted users' inputs calls."""
        values = checked_inputs(self.interface, self.interface.bind((), inputs))
        trace = Trace(self.name, limits)
        with entered(trace):
            result = self.fn(**values)
        return trace.finish(Owner(self.origin, self.interface), {}, result)


@dataclass(frozen=True, slots=True, kw_only=True)
class Workflow:
    """A typed function whose body runs once, when decorated, to build a static graph.

    ``dag_options`` (dag_id, schedule, start_date, tags, ...) are kept for the Airflow runtime and
    ignored by the local runner.
    """

    fn: Callable[..., Any]
    interface: Interface
    origin: Origin
    spec: Spec
    dag_options: Mapping[str, Any] = field(default_factory=dict)

    kind: ClassVar[str] = "workflow"

    @property
    def name(self) -> str:
        return self.interface.entity

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return dispatch(self, args, kwargs)

    def __repr__(self) -> str:
        return f"Workflow({self.origin.ref})"

    def run_local(self, bound: Mapping[str, Any]) -> Any:
        return self.interface.join_result(run_spec(self.spec, checked_inputs(self.interface, bound)))

    def trace_call(self, trace: Trace, bound: Mapping[str, Any]) -> Any:
        """A workflow called while tracing is inlined: its nodes join the caller's graph, grouped."""
        params = self.interface.inputs
        for name, value in bound.items():
            trace.bind(self.name, params[name], value)
        start = len(trace.nodes)
        with trace.group(self.name):
            result = self.fn(**bound)
        return trace.inlined_result(self.interface, result, start)


def trace_workflow(fn: Callable[..., Any], interface: Interface, origin: Origin) -> Spec:
    """Run a workflow body once with a promise per input: the workflow's static spec."""
    trace = Trace(interface.entity)
    promises = {
        name: Promise(Ref(None, name), p.tp, interface.entity, trace) for name, p in interface.inputs.items()
    }
    with entered(trace):
        result = fn(**promises)
    return trace.finish(Owner(origin, interface), input_schemas(interface), result)


def input_schemas(interface: Interface) -> dict[str, dict[str, Any]]:
    """A JSON schema per input, with its default and description: what a runtime offers for inputs."""
    schemas = {}
    for name, p in interface.inputs.items():
        schema = dict(p.converter.schema())
        if not p.required:
            schema["default"] = p.converter.to_jsonable(p.default)
        if p.description:
            schema.setdefault("description", p.description)
        schemas[name] = schema
    return schemas
