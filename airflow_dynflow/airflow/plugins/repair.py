"""Repairing a nested dynamic the Airflow way: a listener the plugin registers.

A task instance cannot clear another run's instances; Airflow's listeners can, and Airflow calls
them in the scheduler, with the scheduler's own session, as runs change state. Two moments need
them, so that "Clear failed" on either run is the one action a repair takes:

- a child run succeeded: if its parent node had failed (because the child had), the parent run gets
  "Clear failed" (its failed and upstream-failed instances are cleared), and the parent node, run
  again, takes the child's result (``operators.child_run``);
- a run starts again after a clear: every generated node that failed because a node it depends on
  failed (``runtime.not_run``), where that node was cleared, is cleared too (a sibling map index,
  which Airflow's "downstream" never reaches); and every child run of it that failed, whose parent
  node was cleared, gets "Clear failed", so the parent node waits for its child to resume from the
  failed nodes instead of starting it over.

Whose child a run is comes from its signed request only (``child_runs``). A failure here is logged
by Airflow and leaves the runs as they were: the user's own "Clear failed" still works.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.listeners import hookimpl

__all__ = ["on_dag_run_running", "on_dag_run_success"]

log = logging.getLogger("airflow_dynflow")

_FAILED = ("failed", "upstream_failed")


@hookimpl
def on_dag_run_success(dag_run: Any, msg: str) -> None:
    from airflow.models.taskinstance import TaskInstance
    from sqlalchemy import select

    from airflow_dynflow.airflow import compat
    from airflow_dynflow.airflow.dynamic_group import RUNNER_SUFFIX
    from airflow_dynflow.airflow.errors import IntegrityError
    from airflow_dynflow.airflow.runtime.child_request import verified_request
    from airflow_dynflow.airflow.signing_key import deployment_signer

    if not dag_run.dag_id.endswith(RUNNER_SUFFIX):
        return
    try:
        parent = verified_request(deployment_signer(), dag_run.conf, dag_run.dag_id, dag_run.run_id)["parent"]
    except IntegrityError:
        return
    session = _session_of(dag_run)
    node = session.scalar(
        select(TaskInstance).where(
            TaskInstance.dag_id == parent["dag_id"],
            TaskInstance.run_id == parent["run_id"],
            TaskInstance.task_id == parent["task_id"],
            TaskInstance.map_index == parent["map_index"],
        )
    )
    if node is None or compat.state_name(node.state) != "failed":
        return
    log.info(
        "child run %s of %s succeeded; its parent node %s[%d] had failed: clearing the failed "
        "instances of %s / %s so that it takes the child's result",
        dag_run.run_id,
        dag_run.dag_id,
        parent["task_id"],
        parent["map_index"],
        parent["dag_id"],
        parent["run_id"],
    )
    _clear_failed(session, parent["dag_id"], parent["run_id"])


@hookimpl
def on_dag_run_running(dag_run: Any, msg: str) -> None:
    session = _session_of(dag_run)
    _clear_dependents_of_cleared_nodes(session, dag_run)
    _resume_failed_children(session, dag_run)


def _clear_dependents_of_cleared_nodes(session: Any, dag_run: Any) -> None:
    """Clear, to a fixed point, the failed nodes that did not run for a node that is now cleared."""
    from airflow.models.taskinstance import TaskInstance, clear_task_instances
    from airflow.models.xcom import XComModel
    from sqlalchemy import select

    from airflow_dynflow.airflow import compat
    from airflow_dynflow.airflow.runtime.not_run import NOT_RUN_KEY, verified_dependency
    from airflow_dynflow.airflow.signing_key import deployment_signer

    records = session.execute(
        select(XComModel.task_id, XComModel.map_index, XComModel.value).where(
            XComModel.dag_id == dag_run.dag_id,
            XComModel.run_id == dag_run.run_id,
            XComModel.key == NOT_RUN_KEY,
        )
    ).all()
    if not records:
        return
    signer = deployment_signer()
    waits_for: dict[tuple[str, int], tuple[str, int]] = {}
    for task_id, map_index, raw in records:
        record = compat.stored_xcom_value(raw)
        dependency = verified_dependency(signer, record, dag_run.dag_id, dag_run.run_id, task_id, map_index)
        if dependency is not None:
            waits_for[(task_id, map_index)] = (task_id, dependency)
    instances = {
        (ti.task_id, ti.map_index): ti
        for ti in session.scalars(
            select(TaskInstance).where(
                TaskInstance.dag_id == dag_run.dag_id,
                TaskInstance.run_id == dag_run.run_id,
                TaskInstance.task_id.in_({task for task, _ in waits_for}),
            )
        )
    }
    cleared = {place for place, ti in instances.items() if ti.state is None}
    found: list[Any] = []
    grew = True
    while grew:
        grew = False
        for place, upstream in waits_for.items():
            ti = instances.get(place)
            if (
                place not in cleared
                and upstream in cleared
                and ti is not None
                and compat.state_name(ti.state) == "failed"
            ):
                cleared.add(place)
                found.append(ti)
                grew = True
    if found:
        log.info(
            "run %s of %s: clearing %d generated node(s) that had not run for a node now cleared",
            dag_run.run_id,
            dag_run.dag_id,
            len(found),
        )
        clear_task_instances(found, session, dag_run_state=False)


def _resume_failed_children(session: Any, dag_run: Any) -> None:
    from airflow.models.taskinstance import TaskInstance
    from sqlalchemy import select

    from airflow_dynflow.airflow import compat
    from airflow_dynflow.airflow.child_runs import child_runs

    for child in list(child_runs(session, dag_run.dag_id, dag_run.run_id, dag_run.run_after, ["failed"])):
        node_state = session.scalar(
            select(TaskInstance.state).where(
                TaskInstance.dag_id == dag_run.dag_id,
                TaskInstance.run_id == dag_run.run_id,
                TaskInstance.task_id == child.task_id,
                TaskInstance.map_index == child.map_index,
            )
        )
        if compat.state_name(node_state) is not None:
            continue
        log.info(
            "run %s of %s was cleared with node %s[%d]: clearing the failed instances of its child "
            "run %s so that it resumes from them",
            dag_run.run_id,
            dag_run.dag_id,
            child.task_id,
            child.map_index,
            child.run_id,
        )
        _clear_failed(session, child.dag_id, child.run_id)


def _clear_failed(session: Any, dag_id: str, run_id: str) -> None:
    """What "Clear failed" on a run does: its failed and upstream-failed instances, and the run."""
    from airflow.models.taskinstance import TaskInstance, clear_task_instances
    from sqlalchemy import select

    failed = session.scalars(
        select(TaskInstance).where(
            TaskInstance.dag_id == dag_id,
            TaskInstance.run_id == run_id,
            TaskInstance.state.in_(_FAILED),
        )
    ).all()
    clear_task_instances(list(failed), session)


def _session_of(dag_run: Any) -> Any:
    """The session the caller (the scheduler) holds the run in: its changes commit with the caller's."""
    from sqlalchemy.orm import object_session

    session = object_session(dag_run)
    assert session is not None, "Airflow hands listeners runs attached to its session"
    return session
