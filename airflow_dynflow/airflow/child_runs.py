"""A parent run's child runs as the metadata DB holds them, for the components with a DB session:
the scheduler (where the repair listener runs) and the api-server (the "Dynamic graph" page).

A child run's id is a keyed digest of its request (``runtime.child_request``), so it cannot be
worked out from the parent's names; the run's conf names the parent node instead. Only a conf that
passes the signature check counts: a run somebody made by hand under the runner DAG is nobody's
child, whatever its conf claims.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from airflow_dynflow.airflow import compat
from airflow_dynflow.airflow.dynamic_group import runner_dag_id
from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.runtime.child_request import verified_request
from airflow_dynflow.airflow.signing_key import deployment_signer

__all__ = ["ChildRunRow", "child_runs"]


@dataclass(frozen=True, slots=True)
class ChildRunRow:
    dag_id: str
    run_id: str
    state: str | None
    task_id: str  # the parent node's task and map index in the parent run
    map_index: int


def child_runs(
    session: Any, dag_id: str, run_id: str, run_after: datetime, states: Collection[str] = ()
) -> Iterator[ChildRunRow]:
    """The child runs of ``dag_id`` / ``run_id``, oldest first (``states``: only those).

    A child run is triggered after its parent run was created, so runs of the runner DAG due
    before the parent's ``run_after`` are not looked at."""
    from airflow.models.dagrun import DagRun
    from sqlalchemy import select

    runner = runner_dag_id(dag_id)
    query = select(DagRun.run_id, DagRun.state, DagRun.conf).where(
        DagRun.dag_id == runner, DagRun.run_after >= run_after
    )
    if states:
        query = query.where(DagRun.state.in_(list(states)))
    for row in session.execute(query.order_by(DagRun.run_after, DagRun.id)):
        try:
            # Asked for only here: a deployment whose runs have no children needs no key.
            parent = verified_request(deployment_signer(), row.conf, runner, row.run_id)["parent"]
        except IntegrityError:
            continue
        if parent.get("dag_id") == dag_id and parent.get("run_id") == run_id:
            state = compat.state_name(row.state)
            yield ChildRunRow(runner, row.run_id, state, parent["task_id"], parent["map_index"])
