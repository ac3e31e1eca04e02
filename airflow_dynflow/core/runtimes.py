"""Where a newly defined workflow or launch plan is announced to the runtimes that want to know.

The core never imports a runtime. A runtime listens by declaring a function in the entry-point
group ``airflow_dynflow.runtimes`` of this distribution; the Airflow runtime's listener turns each
one into a DAG when Airflow is loaded (the dag-processor, a worker, ``airflow dags test``) and does
nothing in a plain Python run. Listeners are loaded once per process, on the first workflow.

Only this distribution's own entry points are read. ``importlib.metadata.entry_points(group=...)``
reads the entry points of every installed distribution, about 250 files and 23 ms of CPU beside
Airflow, and every task process paid that while parsing its DAG file; reading our own metadata
takes under 1 ms. The runtimes are ours, so nothing is lost.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, distribution
from typing import Any

__all__ = ["DISTRIBUTION", "ENTRY_POINT_GROUP", "announce"]

DISTRIBUTION = "airflow-dynflow"
ENTRY_POINT_GROUP = "airflow_dynflow.runtimes"


def announce(defined: Any) -> None:
    """Tell every runtime about a new workflow or launch plan."""
    for listener in _listeners():
        listener(defined)


@functools.cache
def _listeners() -> tuple[Callable[[Any], None], ...]:
    try:
        points = distribution(DISTRIBUTION).entry_points.select(group=ENTRY_POINT_GROUP)
    except PackageNotFoundError:  # the source tree on sys.path, not installed: no runtime to tell
        return ()
    return tuple(point.load() for point in points)
