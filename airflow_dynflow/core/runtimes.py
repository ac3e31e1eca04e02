"""Where a newly defined workflow or launch plan is announced to the runtimes that want to know.

The core never imports a runtime. A runtime listens by declaring a function in the entry-point
group ``airflow_dynflow.runtimes``; the Airflow runtime's listener turns each one into a DAG
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


def announce(defined: Any) -> None:
    """Tell every runtime about a new workflow or launch plan."""
    for listener in _listeners():
        listener(defined)


@functools.cache
def _listeners() -> tuple[Callable[[Any], None], ...]:
    return tuple(point.load() for point in entry_points(group=ENTRY_POINT_GROUP))
