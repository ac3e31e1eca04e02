"""``@task``, ``@dynamic`` and ``@workflow``: typed functions in, frozen entities out.

Every check that can happen at decoration happens here or in ``interface_of``: option values,
annotations, defaults. A workflow's body is traced right away (this is "parse time"), so a promise
misuse or a type mismatch in it fails the import of the file, with the line that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar, overload

from airflow_dynflow.core import errors, runtimes
from airflow_dynflow.core.authoring.entities import Dynamic, Task, Workflow, trace_workflow
from airflow_dynflow.core.context.secrets import Secret, checked_requests
from airflow_dynflow.core.conversion.interface import interface_of
from airflow_dynflow.core.options import checked_options, warn_not_honoured
from airflow_dynflow.core.origin import origin_of
from airflow_dynflow.core.resources import Resources

__all__ = ["dynamic", "task", "workflow"]

F = TypeVar("F", bound=Callable[..., Any])


def _task_decorator(cls: type[Task]) -> Callable[..., Any]:
    def decorator(
        fn: Callable[..., Any] | None = None,
        *,
        retries: int | None = None,
        timeout: float | timedelta | None = None,
        retry_delay: float | timedelta | None = None,
        cache: bool = False,
        cache_version: str = "",
        pool: str | None = None,
        queue: str | None = None,
        priority_weight: int | None = None,
        requests: Resources | None = None,
        limits: Resources | None = None,
        nodes_per_instance: int | None = None,
        secret_requests: Sequence[Secret] | None = None,
        enable_deck: bool = False,
        **flytekit_only: Any,
    ) -> Any:
        def wrap(fn: Callable[..., Any]) -> Task:
            name = fn.__name__
            warn_not_honoured(name, flytekit_only, stacklevel=3)
            packing = {} if nodes_per_instance is None else {"nodes_per_instance": nodes_per_instance}
            if packing and cls is not Dynamic:
                raise errors.packing_on_a_task(name)
            if packing and (type(nodes_per_instance) is not int or nodes_per_instance < 1):
                raise errors.bad_nodes_per_instance(name, nodes_per_instance)
            options = checked_options(
                name,
                {
                    "retries": retries,
                    "timeout": timeout,
                    "retry_delay": retry_delay,
                    "pool": pool,
                    "queue": queue,
                    "priority_weight": priority_weight,
                    "requests": requests,
                    "limits": limits,
                },
            )
            if cache_version and not cache:
                raise errors.cache_version_without_cache(name)
            return cls(
                fn=fn,
                interface=interface_of(fn, name),
                origin=origin_of(fn),
                options=options,
                cache=cache,
                cache_version=cache_version,
                secret_requests=checked_requests(name, secret_requests),
                enable_deck=bool(enable_deck),
                **packing,
            )

        return wrap(fn) if fn is not None else wrap

    decorator.__name__ = cls.__name__.lower()
    return decorator


task = _task_decorator(Task)
task.__doc__ = """Make a typed function a task: one node of a graph, one operator on Airflow.

Use as ``@task`` or ``@task(retries=2, timeout=60, cache=True, cache_version="1")``;
``secret_requests=[Secret(group=, key=)]`` names the secrets its function may read
(``current_context().secrets``), ``enable_deck=True`` publishes the decks it makes (``Deck``)."""

dynamic = _task_decorator(Dynamic)
dynamic.__doc__ = """Make a typed function a dynamic workflow: a task whose body builds a graph at run time.

Takes the same options as ``@task``, and ``nodes_per_instance=N``: on Airflow, run up to N
generated nodes (contiguous in the spec's order) in one task instance, for graphs of many tiny
nodes where Airflow's cost per instance dwarfs the work. Each node is still logged, and its
outputs stored, on its own."""


@overload
def workflow(fn: F) -> Workflow: ...


@overload
def workflow(fn: None = None, **dag_options: Any) -> Callable[[F], Workflow]: ...


def workflow(fn: Callable[..., Any] | None = None, **dag_options: Any) -> Any:
    """Make a typed function a workflow; its body runs now and every call in it returns a promise.

    Keyword options (``dag_id``, ``schedule``, ``start_date``, ``tags``, ``default_args``,
    ``description`` ...) are passed to the Airflow DAG and ignored by local runs.
    """

    def wrap(fn: Callable[..., Any]) -> Workflow:
        name = fn.__name__
        interface = interface_of(fn, name)
        origin = origin_of(fn)
        wf = Workflow(
            fn=fn,
            interface=interface,
            origin=origin,
            spec=trace_workflow(fn, interface, origin),
            dag_options=dict(dag_options),
        )
        runtimes.announce(wf)
        return wf

    return wrap(fn) if fn is not None else wrap
