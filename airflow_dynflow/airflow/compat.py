"""The one place that touches the task SDK's private names and knows how Airflow spells states.

Airflow 3.3.2 (task SDK 1.3) gives a running task no public way to read its siblings' states, to
look up another DAG run, or to tell ``dag.test()`` from a real worker. The names that can are
private (``RuntimeTaskInstance``'s static helpers, ``InProcessSupervisorComms``); wrapping them here
means an Airflow upgrade is mended in one module. States come back as enums or strings depending
on the caller; every helper returns the plain lower-case string (``"success"``).
"""

from __future__ import annotations

import os
from typing import Any

from airflow_dynflow.airflow import errors

__all__ = [
    "dag_run_exists",
    "dag_run_state",
    "instance_url",
    "is_dag_test",
    "is_tasks_test",
    "load_filesystem_modules",
    "mapped_return_values",
    "run_task_states",
    "state_name",
    "stored_xcom_value",
    "task_states",
]


def state_name(state: Any) -> str | None:
    """``TaskInstanceState.SUCCESS``, ``DagRunState.SUCCESS`` and ``"success"`` alike, as ``"success"``."""
    if state is None:
        return None
    return str(getattr(state, "value", state)).lower()


def stored_xcom_value(raw: Any) -> Any:
    """An XCom value as read from the metadata DB, as a worker's ``xcom_pull`` would see it.

    Tasks push through the execution API, which stores the JSON value itself; it is decoded with the
    serde workers use. ``XComModel.deserialize_value`` is not: it parses a *string* value as JSON
    once more, so a pushed ``"345"`` would read back as the int 345.
    """
    from airflow.sdk.serde import deserialize

    return deserialize(raw)


def is_dag_test() -> bool:
    """``dag.test()`` / ``airflow dags test`` run triggers inline and blocking: never defer there.

    The DagRun a task sees there carries no ``triggered_by``, but every task runs in-process with
    ``InProcessSupervisorComms``, which is what we test for.
    """
    from airflow.sdk.execution_time import task_runner
    from airflow.sdk.execution_time.supervisor import InProcessSupervisorComms

    return isinstance(getattr(task_runner, "SUPERVISOR_COMMS", None), InProcessSupervisorComms)


def is_tasks_test() -> bool:
    """``airflow tasks test`` sets ``AIRFLOW_TEST_MODE`` for the task it runs (and nothing else does)."""
    return os.environ.get("AIRFLOW_TEST_MODE") == "True"


def run_task_states(dag_id: str, run_id: str, task_ids: list[str]) -> dict[tuple[str, int], str | None]:
    """States of ``task_ids``' instances in another run, by (task id, map index; -1 unmapped)."""
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    found = RuntimeTaskInstance.get_task_states(dag_id=dag_id, task_ids=task_ids, run_ids=[run_id]).get(
        run_id, {}
    )
    states: dict[tuple[str, int], str | None] = {}
    for key, state in found.items():
        task_id, _, index = key.rpartition("_")
        if key in task_ids:
            states[(key, -1)] = state_name(state)
        elif task_id in task_ids and index.isdigit():
            states[(task_id, int(index))] = state_name(state)
    return states


def instance_url(dag_id: str, run_id: str, task_id: str, map_index: int) -> str:
    """The UI's page of one task instance (``[api] base_url``, as Airflow's own run links)."""
    from airflow.sdk import conf

    base = conf.get("api", "base_url", fallback="/").rstrip("/")
    mapped = f"/mapped/{map_index}" if map_index >= 0 else ""
    return f"{base}/dags/{dag_id}/runs/{run_id}/tasks/{task_id}{mapped}"


def task_states(
    dag_id: str, run_id: str, task_id: str, map_index: int | None = None
) -> dict[int, str | None]:
    """States of ``task_id``'s mapped instances in one run, by map index (one index, or all)."""
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    found = RuntimeTaskInstance.get_task_states(
        dag_id=dag_id, map_index=map_index, task_ids=[task_id], run_ids=[run_id]
    ).get(run_id, {})
    prefix = f"{task_id}_"
    return {
        int(key[len(prefix) :]): state_name(state)
        for key, state in found.items()
        if key.startswith(prefix) and key[len(prefix) :].lstrip("-").isdigit()
    }


def mapped_return_values(dag_id: str, run_id: str, task_id: str, stop: int) -> list[Any]:
    """The return values of ``task_id``'s mapped instances in one run, in map-index order, at most
    ``stop`` of them, in one execution-API request.

    ``xcom_pull`` has no range read: with ``map_indexes`` it sends one request per index, without
    it it reads every row. The task SDK's ``GetXComSequenceSlice`` (what ``XCom.get_all`` sends,
    without a bound) does; its values come back without their map index, and only for the
    instances that pushed one. Values are decoded by the configured XCom backend, as ``xcom_pull``
    would.
    """
    from airflow.sdk.bases.xcom import _XComValueWrapper
    from airflow.sdk.execution_time.comms import GetXComSequenceSlice, XComSequenceSliceResult
    from airflow.sdk.execution_time.task_runner import SUPERVISOR_COMMS
    from airflow.sdk.execution_time.xcom import XCom

    reply = SUPERVISOR_COMMS.send(
        GetXComSequenceSlice(
            key="return_value",
            dag_id=dag_id,
            run_id=run_id,
            task_id=task_id,
            start=None,
            stop=stop,
            step=None,
        )
    )
    if not isinstance(reply, XComSequenceSliceResult):
        raise errors.unexpected_execution_api_reply("XComSequenceSliceResult", reply)
    return [XCom.deserialize_value(_XComValueWrapper(value)) for value in reply.root]


def dag_run_exists(dag_id: str, run_id: str) -> bool:
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    return bool(RuntimeTaskInstance.get_dr_count(dag_id=dag_id, run_ids=[run_id]))


def dag_run_state(dag_id: str, run_id: str) -> str | None:
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    return state_name(RuntimeTaskInstance.get_dagrun_state(dag_id=dag_id, run_id=run_id))


def load_filesystem_modules() -> None:
    """Import every provider's filesystem module, as the first ``ObjectStoragePath`` of a process
    does (for a worker's preload, ``celery.preload``). The task SDK's registry is private and
    cached per process: filled before a fork, it is filled in every forked task process too."""
    from airflow.sdk.io.fs import _register_filesystems

    _register_filesystems()
