"""A gate inside a @dynamic: runs locally, refused on Airflow when the dynamic compiles."""

from datetime import timedelta

from airflow_dynflow import dynamic, task, wait_for_input, workflow


@task
def plus_one(x: int) -> int:
    return x + 1


@dynamic
def asks_inside(x: int) -> int:
    return plus_one(x=wait_for_input("inner-value", timeout=timedelta(minutes=5), expected_type=int))


@workflow
def gate_in_dynamic_wf(x: int) -> int:
    return asks_inside(x=x)
