"""``current_context()``: what a running task may ask about its execution (flytekit's names), and
the ``Deck`` a task makes, which joins the context of its call (``core.context.decks`` renders them).

The runner that calls a task's function (the local runner, or our operator on Airflow) enters an
``ExecutionContext`` around the call; outside any task, ``current_context()`` describes a local run,
as flytekit's does. The working directory is a fresh folder per call, made when the call first asks
for it (most never do, and a packed instance would make one per node). It is kept until the process
exits, in one folder per process (``local_folder``), as flytekit's local sandbox is: a file a task
writes there and returns must outlive the call, for the next task locally and for the runtime that
uploads it on Airflow. An Airflow task instance is its own process, so its folders go when it ends.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from airflow_dynflow.core import errors
from airflow_dynflow.core.context.secrets import LOCAL_SECRETS, Secrets

__all__ = [
    "DEFAULT_DECK",
    "Deck",
    "ExecutionContext",
    "ExecutionId",
    "current_context",
    "executing",
    "local_folder",
]

DEFAULT_DECK = "default"


@dataclass(frozen=True, slots=True)
class ExecutionId:
    """flytekit's execution identifier; on Airflow ``name`` is the DAG run id."""

    name: str
    project: str = "airflow-dynflow"
    domain: str = "development"


@dataclass(frozen=True, kw_only=True)
class ExecutionContext:
    execution_id: ExecutionId
    task_name: str
    logging: logging.Logger
    # The same for every try of one node in one generation (docs/security.md, "At least once").
    idempotency_key: str
    # Outside any task, the system's temporary folder stands in, as in flytekit's local runs.
    in_task: bool = True
    # What the task requested, from where its runtime finds them (``core.context.secrets``).
    secrets: Secrets = field(default_factory=lambda: Secrets("outside any task", (), LOCAL_SECRETS))
    # Every ``Deck`` made during the call, in order (``core.context.decks``).
    decks: list[Deck] = field(default_factory=list)

    @property
    def default_deck(self) -> Deck:
        """The deck named "default", made on first use; later uses append to the same one."""
        found = next((d for d in self.decks if d.name == DEFAULT_DECK), None)
        return found if found is not None else Deck(DEFAULT_DECK)

    @functools.cached_property
    def working_directory(self) -> str:
        """The call's own folder, made on first use (see the module docstring)."""
        return local_folder("task-") if self.in_task else tempfile.gettempdir()


class Deck:
    """A named section of HTML; made inside a task, it joins that call's decks."""

    __slots__ = ("_html", "_name")

    def __init__(self, name: str, html: str = "") -> None:
        if not isinstance(name, str) or not isinstance(html, str):
            raise errors.deck_not_text(name, html)
        self._name = name
        self._html = html
        current_context().decks.append(self)

    @property
    def name(self) -> str:
        return self._name

    @property
    def html(self) -> str:
        return self._html

    def append(self, html: str) -> Deck:
        if not isinstance(html, str):
            raise errors.deck_not_text(self._name, html)
        self._html = f"{self._html}\n{html}"
        return self

    def __repr__(self) -> str:
        return f"Deck({self._name!r}, {len(self._html)} characters)"


_current: ContextVar[ExecutionContext | None] = ContextVar("dynflow_execution", default=None)


def current_context() -> ExecutionContext:
    found = _current.get()
    if found is not None:
        return found
    name = f"local-{uuid.uuid4().hex[:12]}"
    return ExecutionContext(
        execution_id=ExecutionId(name),
        task_name="",
        logging=logging.getLogger("airflow_dynflow.user"),
        idempotency_key=name,
        in_task=False,
        # No task, so no request: nothing is granted (the error then says where it was read).
        secrets=Secrets("outside any task", (), LOCAL_SECRETS),
    )


@contextmanager
def executing(
    task_name: str,
    execution: str | None = None,
    idempotency_key: str | None = None,
    *,
    secrets: Secrets | None = None,
) -> Iterator[ExecutionContext]:
    """Run the block as task ``task_name`` of ``execution``: when not given, the execution of the
    enclosing call (a node of a local dynamic), else a fresh local id. ``secrets``: what the call
    may read (by default nothing: requesting is what grants)."""
    outer = _current.get()
    name = execution or (outer.execution_id.name if outer else f"local-{uuid.uuid4().hex[:12]}")
    context = ExecutionContext(
        execution_id=ExecutionId(name),
        task_name=task_name,
        logging=logging.getLogger("airflow_dynflow.user"),
        idempotency_key=idempotency_key or f"{name}/{task_name}",
        secrets=secrets or Secrets(task_name, (), LOCAL_SECRETS),
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def local_folder(prefix: str, parent: str | None = None) -> str:
    """A new folder in ``parent``, by default in this process's own folder (see the module docstring)."""
    return tempfile.mkdtemp(prefix=prefix, dir=parent or _process_folder(os.getpid()))


@functools.cache
def _process_folder(pid: int) -> str:
    """Made on first use in each process (a forked child gets its own) and removed at exit
    (Airflow's task runner runs the exit handlers that a task process registered, too)."""
    folder = tempfile.mkdtemp(prefix=f"dynflow-{pid}-")
    atexit.register(shutil.rmtree, folder, True)
    return folder
