"""Gates inside a @dynamic where no task instance of their own can ask: refused on Airflow."""

from datetime import timedelta

from airflow_dynflow import dynamic, task, wait_for_input, workflow


@task
def plus_one(x: int) -> int:
    return x + 1


@dynamic(nodes_per_instance=2)
def asks_packed(x: int) -> int:
    return plus_one(x=wait_for_input("packed-value", timeout=timedelta(minutes=5), expected_type=int))


@workflow
def gate_in_packed_dynamic_wf(x: int) -> int:
    return asks_packed(x=x)


@dynamic
def asks_inside(x: int) -> int:
    return plus_one(x=wait_for_input("inner-value", timeout=timedelta(minutes=5), expected_type=int))


@dynamic
def calls_asking(x: int) -> int:
    return asks_inside(x=x)


@workflow
def gate_in_nested_dynamic_wf(x: int) -> int:
    return calls_asking(x=x)
