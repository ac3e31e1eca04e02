"""The one place that knows which Airflow is running: version flags, the names that moved between
minors, the task SDK's private names, and how Airflow spells states.

Supported: Airflow 3.1, 3.2 and 3.3 (each tested at its latest patch, ``make test-compat``). As in
the official providers' ``version_compat.py``, each flag is named for the version it tests
(``AIRFLOW_V_3_2_PLUS``), and every other module imports what moved from here, never from
``airflow.sdk`` or ``airflow.exceptions`` directly. What moved, and why a flag is needed:

* Airflow 3.1's task SDK does not yet export ``conf``, the exceptions a task raises (fail, skip,
  reschedule, trigger a DAG run, a bad param), ``TaskInstanceKey`` or the serde module: they
  live in Airflow core there (``airflow.configuration``, ``airflow.exceptions``, ``airflow.models``,
  ``airflow.serialization``). 3.2 moved them into the task SDK; the worker catches the SDK's classes.
* ``DagRunTriggerException(note=)`` arrived in 3.2: on 3.1 a child run gets no note (logged once
  per process).

Airflow 3.3 (task SDK 1.3) gives a running task no public way to read its siblings' states, to
look up another DAG run, or to tell ``dag.test()`` from a real worker. The names that can are
private (``RuntimeTaskInstance``'s static helpers, ``InProcessSupervisorComms``); wrapping them here
means an Airflow upgrade is mended in one module. States come back as enums or strings depending
on the caller; every helper returns the plain lower-case string (``"success"``).
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from typing import TYPE_CHECKING, Any

# ParamsDict: not exported by the task SDK (3.1-3.3); the HITL operators read it here, as do the gates.
from airflow.sdk.definitions.param import ParamsDict
from packaging.version import Version

from airflow_dynflow.airflow import log_notes


def _airflow_version() -> tuple[int, int, int]:
    """The running Airflow's release as (major, minor, patch), pre- and dev-releases included."""
    from airflow import __version__

    release = Version(__version__)
    return release.major, release.minor, release.micro


AIRFLOW_V_3_2_PLUS = _airflow_version() >= (3, 2, 0)
AIRFLOW_V_3_3_PLUS = _airflow_version() >= (3, 3, 0)

# Waits between tries that double: 3.2 made ``retry_exponential_backoff`` a multiplier (a bool is
# refused by its DAG serializer's type table), 3.1 takes True for the same doubling.
EXPONENTIAL_BACKOFF: float | bool = 2.0 if AIRFLOW_V_3_2_PLUS else True

# The type checker reads the newest spelling (the one the default lock installs); 3.1 runs the other.
if TYPE_CHECKING or AIRFLOW_V_3_2_PLUS:
    from airflow.sdk import conf
    from airflow.sdk.exceptions import (
        AirflowFailException,
        AirflowNotFoundException,
        AirflowRescheduleException,
        AirflowSkipException,
        DagRunTriggerException,
        ParamValidationError,
    )
    from airflow.sdk.types import TaskInstanceKey
else:
    from airflow.configuration import conf
    from airflow.exceptions import (
        AirflowFailException,
        AirflowNotFoundException,
        AirflowRescheduleException,
        AirflowSkipException,
        DagRunTriggerException,
        ParamValidationError,
    )
    from airflow.models.taskinstancekey import TaskInstanceKey

__all__ = [
    "AIRFLOW_V_3_2_PLUS",
    "AIRFLOW_V_3_3_PLUS",
    "EXPONENTIAL_BACKOFF",
    "AirflowFailException",
    "AirflowNotFoundException",
    "AirflowRescheduleException",
    "AirflowSkipException",
    "DagRunTriggerException",
    "ParamValidationError",
    "ParamsDict",
    "TaskInstanceKey",
    "conf",
    "dag_bag",
    "dag_run_exists",
    "dag_run_state",
    "deserialize",
    "instance_url",
    "is_dag_test",
    "is_tasks_test",
    "latest_heartbeat",
    "load_filesystem_modules",
    "mapped_return_values",
    "mask_secret",
    "run_task_states",
    "state_name",
    "stored_xcom_value",
    "task_states",
    "trigger_dag_run",
]

log = logging.getLogger(__name__)


def deserialize(raw: Any) -> Any:
    """A stored XCom value decoded with the serde workers use (``airflow.sdk.serde`` since 3.2)."""
    if TYPE_CHECKING or AIRFLOW_V_3_2_PLUS:
        from airflow.sdk.serde import deserialize as decode
    else:
        from airflow.serialization.serde import deserialize as decode
    return decode(raw)


def dag_bag(dag_folder: str, *, safe_mode: bool | None = None) -> Any:
    """Airflow's own parse of a DAGs folder, as the tests and benchmarks read it (``DagBag`` moved
    from ``airflow.models`` to ``airflow.dag_processing`` in 3.2)."""
    if TYPE_CHECKING or AIRFLOW_V_3_2_PLUS:
        from airflow.dag_processing.dagbag import DagBag
    else:
        from airflow.models.dagbag import DagBag
    if safe_mode is None:
        return DagBag(dag_folder=dag_folder)
    return DagBag(dag_folder=dag_folder, safe_mode=safe_mode)


def trigger_dag_run(*, note: str | None, **request: Any) -> DagRunTriggerException:
    """The exception that makes the worker trigger (and wait for) a child run, with ``note`` shown
    on that run where the Airflow can (3.2+); 3.1 triggers the same run without one."""
    if AIRFLOW_V_3_2_PLUS:
        return DagRunTriggerException(note=note, **request)
    if note is not None:
        _say_missing("notes on child runs", since="3.2")
    return DagRunTriggerException(**request)


@functools.cache
def _say_missing(what: str, since: str) -> None:
    """One log line per process for behaviour this Airflow lacks; the run goes on without it."""
    log.info(log_notes.not_on_this_airflow(what, since=since))


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
    """``airflow tasks test`` sets ``AIRFLOW_TEST_MODE`` for the task it runs (and nothing else does).

    Before 3.3 it set that variable only when ``--env-vars`` was given; there the task runs in the
    CLI's own process (in-process, as under ``dag.test()``), so its command line tells instead.
    """
    if os.environ.get("AIRFLOW_TEST_MODE") == "True":
        return True
    return not AIRFLOW_V_3_3_PLUS and sys.argv[1:3] == ["tasks", "test"] and is_dag_test()


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

    from airflow_dynflow.airflow import errors

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


def mask_secret(value: str | bytes) -> None:
    """Have Airflow redact ``value`` from this task's logs, in the task process and its supervisor.
    ``airflow.sdk.log`` is not among the task SDK's exported names (3.1 to 3.3 all have it there)."""
    from airflow.sdk.log import mask_secret as mask

    mask(value.decode(errors="replace") if isinstance(value, bytes) else value)


def latest_heartbeat(session: Any, job_type: str) -> Any:
    """The newest heartbeat of any ``job_type`` job (``"TriggererJob"``), or None if none ever ran.

    ``airflow.jobs.job.Job`` is Airflow core's model, not public API: read here so a move is mended
    in one place.
    """
    from airflow.jobs.job import Job
    from sqlalchemy import func, select

    return session.scalar(select(func.max(Job.latest_heartbeat)).where(Job.job_type == job_type))
