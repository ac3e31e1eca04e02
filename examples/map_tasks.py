"""Map tasks (after flytesnacks' map_task.py): one task applied to every element of a list, with
inputs bound by functools.partial that are the same for every element."""

import functools
import typing

from airflow_dynflow import map_task, task, workflow


@task
def a_mappable_task(a: int) -> str:
    inc = a + 2
    return str(inc)


@task
def coalesce(b: typing.List[str]) -> str:
    return "".join(b)


@workflow
def my_map_workflow(a: typing.List[int] = [1, 2, 3]) -> str:
    mapped_out = map_task(a_mappable_task)(a=a)
    return coalesce(b=mapped_out)


@task
def multi_input_task(quantity: int, price: float, shipping: float) -> float:
    return quantity * price * shipping


@workflow
def multiple_inputs_map_workflow(
    list_q: typing.List[int] = [1, 2, 3],
    p: float = 6.0,
    s: float = 7.0,
) -> typing.List[float]:
    partial_task = functools.partial(multi_input_task, price=p, shipping=s)
    return map_task(partial_task)(quantity=list_q)


if __name__ == "__main__":
    print(my_map_workflow(a=[1, 2, 3]))
    print(multiple_inputs_map_workflow(list_q=[1, 2, 3], p=6.0, s=7.0))
