"""Sub-workflows (after flytesnacks' subworkflow.py): a workflow called inside another runs as
part of it; on Airflow it is a TaskGroup."""

import typing

from airflow_dynflow import task, workflow

op = typing.NamedTuple("OutputsBC", [("t1_int_output", int), ("c", str)])


@task
def t1(a: int) -> op:
    return op(a + 2, "world")


@workflow
def my_subwf(a: int = 42) -> typing.Tuple[str, str]:
    x, y = t1(a=a)
    u, v = t1(a=x)
    return y, v


@workflow
def parent_wf(a: int = 40) -> typing.Tuple[int, str, str]:
    x, y = t1(a=a)
    u, v = my_subwf(a=x)
    return x, u, v


@workflow
def nested_parent_wf(a: int = 30) -> typing.Tuple[int, str, str, str]:
    x, y = my_subwf(a=a)
    m, n, o = parent_wf(a=a)
    return m, n, o, y


if __name__ == "__main__":
    print(parent_wf(a=40))
    print(nested_parent_wf(a=30))
