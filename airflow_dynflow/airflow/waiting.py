"""Whether a generated node's dependencies are done: the one check the operator and trigger share.

Dependencies are sibling map indexes of the same generated-node task. Their task instance states
answer it: all ``success`` means ready; any ``failed``, ``upstream_failed``, ``skipped`` or
``removed`` ends the wait at once (the node is skipped and names the culprit); anything else
(running, deferred, up for retry, not yet scheduled) means wait.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["DependencyStatus", "dependency_status"]

_DEAD = {"failed", "upstream_failed", "skipped", "removed"}
_FEW = 16


@dataclass(frozen=True, slots=True)
class DependencyStatus:
    ready: bool
    dead: int | None = None  # map index of a dependency that can never succeed
    state: str | None = None


def dependency_status(dag_id: str, run_id: str, task_id: str, map_indexes: Iterable[int]) -> DependencyStatus:
    """Ask the execution API for the states of ``map_indexes`` of ``task_id`` in this run."""
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    wanted = sorted(set(map_indexes))
    if not wanted:
        return DependencyStatus(True)
    states: dict[str, str | None] = {}
    if len(wanted) <= _FEW:
        for m in wanted:
            found = RuntimeTaskInstance.get_task_states(
                dag_id=dag_id, map_index=m, task_ids=[task_id], run_ids=[run_id]
            ).get(run_id, {})
            states.update(found)
    else:
        states = dict(
            RuntimeTaskInstance.get_task_states(dag_id=dag_id, task_ids=[task_id], run_ids=[run_id]).get(
                run_id, {}
            )
        )
    ready = True
    for m in wanted:
        state = states.get(f"{task_id}_{m}")
        state = str(getattr(state, "value", state)).lower() if state is not None else None
        if state in _DEAD:
            return DependencyStatus(False, m, state)
        if state != "success":
            ready = False
    return DependencyStatus(ready)
