"""``reference_task`` and ``reference_launch_plan``: flytekit's way to call an entity defined elsewhere.

On Flyte a reference names an entity registered on the backend (project, domain, name, version) and
the decorated function only declares its interface. There is no such registry behind Airflow; what
is "registered" here is installed code. So:

- ``reference_task(name="pkg.module.task")`` is the ``@task`` (or ``@dynamic``) that the installed
  module ``pkg.module`` defines as ``task``;
- ``reference_launch_plan(name=...)`` is the launch plan of that name created in this process
  (``LaunchPlan.get_or_create(wf, name=...)``, a DAG of its own on Airflow), else the launch plan or
  ``@workflow`` at that dotted path.

Both are resolved when the reference is defined, and the entity found must declare the interface the
decorated function declares (input names and types, output types), so a stale reference fails at
import, naming the difference, not in the middle of a run. ``project``, ``domain`` and ``version``
are accepted and not used: the installed code is the version. What is returned is the entity itself,
so a call of it is the same node, locally and on Airflow, as a call of the imported entity.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from airflow_dynflow.core import errors
from airflow_dynflow.core.authoring.entities import Task, Workflow
from airflow_dynflow.core.authoring.launch_plan import LaunchPlan, launch_plan_named
from airflow_dynflow.core.conversion.interface import Interface, interface_of

__all__ = ["reference_launch_plan", "reference_task"]


def reference_task(
    project: str, domain: str, name: str, version: str
) -> Callable[[Callable[..., Any]], Task]:
    """The installed ``@task`` at the dotted path ``name``, once it declares the function's interface."""

    def wrap(fn: Callable[..., Any]) -> Task:
        found = _at_path("reference_task", name)
        if not isinstance(found, Task):
            raise errors.reference_wrong_kind("reference_task", name, found)
        _check_interface("reference_task", name, interface_of(fn, fn.__name__), found.interface)
        return found

    return wrap


def reference_launch_plan(
    project: str, domain: str, name: str, version: str
) -> Callable[[Callable[..., Any]], LaunchPlan | Workflow]:
    """The launch plan ``name`` (or the launch plan or workflow at that dotted path), once it
    declares the function's interface."""

    def wrap(fn: Callable[..., Any]) -> LaunchPlan | Workflow:
        found: Any = launch_plan_named(name)
        if found is None:
            found = _at_path("reference_launch_plan", name)
        if not isinstance(found, LaunchPlan | Workflow):
            raise errors.reference_wrong_kind("reference_launch_plan", name, found)
        _check_interface("reference_launch_plan", name, interface_of(fn, fn.__name__), found.interface)
        return found

    return wrap


def _at_path(kind: str, name: str) -> Any:
    module, _, attr = name.rpartition(".")
    if not module or not attr:
        raise errors.reference_not_found(kind, name)
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise errors.reference_not_found(kind, name, exc) from None


def _check_interface(kind: str, name: str, declared: Interface, found: Interface) -> None:
    differences = []
    theirs = {n: p.tp for n, p in found.inputs.items()}
    ours = {n: p.tp for n, p in declared.inputs.items()}
    for n in sorted(set(ours) | set(theirs)):
        if ours.get(n) != theirs.get(n):
            differences.append(("input", n, ours.get(n), theirs.get(n)))
    ours_out = [p.tp for p in declared.outputs.values()]
    theirs_out = [p.tp for p in found.outputs.values()]
    if ours_out != theirs_out:
        differences.append(("outputs", "", ours_out, theirs_out))
    if differences:
        raise errors.reference_interface_mismatch(kind, name, differences)
