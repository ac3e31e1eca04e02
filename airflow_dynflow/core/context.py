"""``current_context()``: what a running task may ask about its execution (flytekit's names).

The runner that calls a task's function (the local runner, or our operator on Airflow) enters an
``ExecutionContext`` around the call; outside any task, ``current_context()`` describes a local run,
as flytekit's does. The working directory is a fresh folder per call, removed after it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["ExecutionContext", "ExecutionId", "current_context", "executing"]


@dataclass(frozen=True, slots=True)
class ExecutionId:
    """flytekit's execution identifier; on Airflow ``name`` is the DAG run id."""

    name: str
    project: str = "airflow-dynflow"
    domain: str = "development"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionContext:
    execution_id: ExecutionId
    task_name: str
    working_directory: str
    logging: logging.Logger
    # The same for every try of one node in one generation (docs/security.md, "At least once").
    idempotency_key: str


_current: ContextVar[ExecutionContext | None] = ContextVar("dynflow_execution", default=None)


def current_context() -> ExecutionContext:
    found = _current.get()
    if found is not None:
        return found
    name = f"local-{uuid.uuid4().hex[:12]}"
    return ExecutionContext(
        execution_id=ExecutionId(name),
        task_name="",
        working_directory=tempfile.gettempdir(),
        logging=logging.getLogger("airflow_dynflow.user"),
        idempotency_key=name,
    )


@contextmanager
def executing(
    task_name: str, execution: str | None = None, idempotency_key: str | None = None
) -> Iterator[None]:
    """Run the block as task ``task_name`` of ``execution``: when not given, the execution of the
    enclosing call (a node of a local dynamic), else a fresh local id."""
    outer = _current.get()
    name = execution or (outer.execution_id.name if outer else f"local-{uuid.uuid4().hex[:12]}")
    folder = tempfile.mkdtemp(prefix="dynflow-task-")
    context = ExecutionContext(
        execution_id=ExecutionId(name),
        task_name=task_name,
        working_directory=folder,
        logging=logging.getLogger("airflow_dynflow.user"),
        idempotency_key=idempotency_key or f"{name}/{task_name}",
    )
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)
        shutil.rmtree(folder, ignore_errors=True)
