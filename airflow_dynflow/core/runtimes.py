"""Where a newly defined workflow is announced to the runtimes that want to know.

The core never imports a runtime. A runtime listens by declaring a function in the entry-point
group ``airflow_dynflow.runtimes``; the Airflow runtime's listener turns each workflow into a DAG
when Airflow is loaded (the dag-processor, a worker, ``airflow dags test``) and does nothing in a
plain Python run. Listeners are loaded once per process, on the first workflow.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

__all__ = ["ENTRY_POINT_GROUP", "announce"]

ENTRY_POINT_GROUP = "airflow_dynflow.runtimes"


def announce(workflow: Any) -> None:
    for listener in _listeners():
        listener(workflow)


@functools.cache
def _listeners() -> tuple[Callable[[Any], None], ...]:
    return tuple(point.load() for point in entry_points(group=ENTRY_POINT_GROUP))
