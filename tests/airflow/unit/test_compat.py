"""compat: its flags name the running Airflow, what moved is the class the worker catches there, and
behaviour the running Airflow lacks is dropped with a log line, not a traceback."""

from __future__ import annotations

import logging
from importlib.metadata import version

from airflow_dynflow.airflow import compat

CHILD_RUN = {
    "trigger_dag_id": "wf__dynflow",
    "dag_run_id": "child",
    "conf": {},
    "logical_date": None,
    "reset_dag_run": False,
    "skip_when_already_exists": False,
    "wait_for_completion": True,
    "allowed_states": ["success"],
    "failed_states": ["failed"],
    "poke_interval": 1,
    "deferrable": True,
}


def test_version_flags_name_the_running_airflow():
    running = tuple(int(part) for part in version("apache-airflow").split(".")[:2])
    assert compat.AIRFLOW_V_3_2_PLUS is (running >= (3, 2))
    assert compat.AIRFLOW_V_3_3_PLUS is (running >= (3, 3))


def test_the_exceptions_a_task_raises_are_the_ones_the_task_runner_catches():
    from airflow.sdk.execution_time import task_runner

    # 3.1's runner imports them from airflow.exceptions (fail and skip inside the function that
    # runs a task), 3.2+ from airflow.sdk.exceptions: one module, whichever it is.
    assert task_runner.AirflowRescheduleException is compat.AirflowRescheduleException
    moved = (compat.AirflowFailException, compat.AirflowSkipException, compat.DagRunTriggerException)
    assert {cls.__module__ for cls in moved} == {task_runner.AirflowRescheduleException.__module__}


def test_a_child_run_carries_its_note_where_airflow_can_and_says_so_where_it_cannot(caplog):
    compat._say_missing.cache_clear()
    with caplog.at_level(logging.INFO, logger=compat.__name__):
        request = compat.trigger_dag_run(note="n3 of wf", **CHILD_RUN)
    assert request.trigger_dag_id == "wf__dynflow" and request.deferrable
    if compat.AIRFLOW_V_3_2_PLUS:
        assert request.note == "n3 of wf"
        assert not caplog.records
    else:
        assert not hasattr(request, "note")
        assert "has no notes on child runs (Airflow 3.2+): running without it" in caplog.text
