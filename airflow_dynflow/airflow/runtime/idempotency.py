"""The idempotency key a running node finds in its Airflow context, and the generation it is in.

Airflow runs a task at least once: a worker killed after the function returned but before its
outputs were stored runs the function again on the next try. A function with effects outside
Airflow (a row written, a file uploaded, a message sent) can make them happen once by keying them
on ``get_current_context()["dynflow_idempotency_key"]``: the same for every try of the same node in
the same generation, different after the node is cleared (a clear asks for a new run of it).
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import Context

__all__ = ["CONTEXT_KEY", "attempt_in_generation", "generation_start", "set_idempotency_key"]

CONTEXT_KEY = "dynflow_idempotency_key"


def generation_start(ti: Any, retries: int | None) -> int:
    """First try number since the instance was last cleared: clearing raises ``max_tries``."""
    return int(ti.max_tries) - (retries or 0) + 1


def attempt_in_generation(ti: Any, retries: int | None) -> int:
    """1 for the first try since the instance was last cleared, 2 for its first retry, ..."""
    return int(ti.try_number) - generation_start(ti, retries) + 1


def set_idempotency_key(context: Context, node: str, generation: int) -> str:
    """``dag/run/node@generation``; ``node`` is a task id, with the map index or node id if any."""
    key = f"{context['ti'].dag_id}/{context['run_id']}/{node}@{generation}"
    context[CONTEXT_KEY] = key  # type: ignore[literal-required]
    return key
