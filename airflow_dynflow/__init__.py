"""Flyte-style typed, dynamic workflows on Apache Airflow.

A flytekit user changes one import line::

    from airflow_dynflow import dynamic, task, workflow
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from airflow_dynflow.core import decorators as _decorators
from airflow_dynflow.core.entities import Dynamic, Task, Workflow
from airflow_dynflow.core.errors import InterfaceError, PromiseError, SpecError, TypeMismatchError
from airflow_dynflow.core.map_task import MapTask, map_task
from airflow_dynflow.core.promise import Promise
from airflow_dynflow.core.spec import Spec

__version__ = "0.1.0"

__all__ = [
    "Dynamic",
    "InterfaceError",
    "MapTask",
    "Promise",
    "PromiseError",
    "Spec",
    "SpecError",
    "Task",
    "TypeMismatchError",
    "Workflow",
    "dynamic",
    "map_task",
    "task",
    "workflow",
]

task = _decorators.task
dynamic = _decorators.dynamic


def workflow(fn: Callable[..., Any] | None = None, **dag_options: Any) -> Any:
    """``@workflow``: see ``airflow_dynflow.core.decorators.workflow``.

    When Airflow is already loaded (the dag-processor, a worker, ``airflow dags test``), the
    workflow also becomes a DAG, registered the way ``with DAG(...)`` registers one.
    """

    def wrap(fn: Callable[..., Any]) -> Workflow:
        wf = _decorators.workflow(**dag_options)(fn)
        if "airflow" in sys.modules:
            from airflow_dynflow.airflow.dag_builder import register

            register(wf)
        return wf

    return wrap(fn) if fn is not None else wrap


workflow.__doc__ = _decorators.workflow.__doc__
