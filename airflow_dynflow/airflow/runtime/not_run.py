"""Which dependency a generated node did not run for: a record for the repair listener.

A node whose dependency failed fails too, without running (``errors.DependencyFailedError``). It is a
sibling map index of that dependency, which Airflow's "downstream" never reaches; so when a user
clears the failed node (with or without downstream), the listener (``plugins.repair``) clears the
nodes that failed because of it, and they run once it has. This XCom is how the listener knows
which they are. It is signed for its place, as everything read back is: an edited one is ignored.
"""

from __future__ import annotations

from typing import Any

from airflow_dynflow.airflow.store.payloads import location
from airflow_dynflow.core.signing import Signer

__all__ = ["NOT_RUN_KEY", "not_run_record", "verified_dependency"]

NOT_RUN_KEY = "dynflow_not_run"


def not_run_record(
    signer: Signer, dag_id: str, run_id: str, task_id: str, map_index: int, dependency: int
) -> Any:
    where = location(dag_id, run_id, task_id, map_index)
    return {"dependency": dependency, "sig": signer.sign("not-run", where, str(dependency))}


def verified_dependency(
    signer: Signer, record: object, dag_id: str, run_id: str, task_id: str, map_index: int
) -> int | None:
    """The map index the node did not run for, if ``record`` is one we signed for this node."""
    if not isinstance(record, dict) or set(record) != {"dependency", "sig"}:
        return None
    dependency = record["dependency"]
    if type(dependency) is not int:
        return None
    where = location(dag_id, run_id, task_id, map_index)
    return dependency if signer.verify(record["sig"], "not-run", where, str(dependency)) else None
