"""Whether a generated node's dependencies are done: the one check the operator and trigger share.

Dependencies are sibling map indexes of the same generated-node task. Their task instance states
answer it: all ``success`` means ready; any ``failed``, ``upstream_failed``, ``skipped`` or
``removed`` ends the wait at once (the node is skipped and names the culprit); anything else
(running, deferred, up for retry, not yet scheduled) means wait. A conditional's select node also
waits for the nodes of the cases not taken, which end ``skipped``: for those, skipped is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from airflow_dynflow.airflow import compat

__all__ = ["DependencyStatus", "dependency_status"]

_DEAD = {"failed", "upstream_failed", "skipped", "removed"}
# Up to this many dependencies are asked for one by one; past it, one request for all instances.
_FEW = 16


@dataclass(frozen=True, slots=True)
class DependencyStatus:
    ready: bool
    dead: int | None = None  # map index of a dependency that can never succeed
    state: str | None = None


def dependency_status(
    dag_id: str,
    run_id: str,
    task_id: str,
    map_indexes: Iterable[int],
    skippable: Iterable[int] = (),
    states: Mapping[int, str | None] | None = None,
) -> DependencyStatus:
    """Ask the execution API for the states of ``map_indexes`` of ``task_id`` in this run, unless
    ``states`` (every instance's, read once for many waiters) already says; ``skippable`` ones
    count as done when skipped."""
    wanted = sorted(set(map_indexes))
    if not wanted:
        return DependencyStatus(True)
    if states is None:
        states = _ask(dag_id, run_id, task_id, wanted)
    ready = True
    may_skip = set(skippable)
    for m in wanted:
        state = states.get(m)
        if state == "skipped" and m in may_skip:
            continue
        if state in _DEAD:
            return DependencyStatus(False, m, state)
        if state != "success":
            ready = False
    return DependencyStatus(ready)


def _ask(dag_id: str, run_id: str, task_id: str, wanted: list[int]) -> dict[int, str | None]:
    if len(wanted) > _FEW:
        return compat.task_states(dag_id, run_id, task_id)
    states: dict[int, str | None] = {}
    for m in wanted:
        states.update(compat.task_states(dag_id, run_id, task_id, m))
    return states
