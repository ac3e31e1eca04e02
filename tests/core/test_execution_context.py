"""``current_context()``: inside a call it names the task, the execution and the idempotency key the
runner gave; nested calls share the execution; outside any task it describes a local run."""

from __future__ import annotations

import os
import tempfile

from airflow_dynflow import current_context, task
from airflow_dynflow.core.context.execution_context import executing


def test_inside_a_call_the_context_names_the_task_execution_and_key():
    with executing("t", "run-1", "wf/run-1/t@1"):
        context = current_context()
    assert (context.task_name, context.execution_id.name, context.idempotency_key) == (
        "t",
        "run-1",
        "wf/run-1/t@1",
    )


def test_a_nested_call_shares_the_execution_and_gets_its_own_key():
    with executing("outer", "run-1"), executing("inner"):
        context = current_context()
    assert context.execution_id.name == "run-1"
    assert context.idempotency_key == "run-1/inner"


def test_outside_any_task_the_context_describes_a_local_run_in_the_temporary_folder():
    context = current_context()
    assert context.execution_id.name.startswith("local-")
    assert context.working_directory == tempfile.gettempdir()


def test_each_call_gets_a_fresh_working_directory_that_outlives_it():
    @task
    def folder(n: int) -> str:
        return current_context().working_directory

    first, second = folder(n=1), folder(n=1)
    assert first != second and os.path.isdir(first) and os.path.isdir(second)
