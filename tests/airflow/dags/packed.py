"""A dynamic that packs four generated nodes into each task instance: two chains and a total."""

import typing

from airflow_dynflow import dynamic, task, workflow  # airflow dag: found by the safe-mode scan


@task
def inc(x: int) -> int:
    return x + 1


@task
def total(values: typing.List[int]) -> int:
    return sum(values)


@dynamic(nodes_per_instance=4)
def two_chains(n: int) -> int:
    ends = []
    for start in (0, 100):
        x = start
        for _ in range(n):
            x = inc(x=x)
        ends.append(x)
    return total(values=ends)


@workflow
def packed(n: int = 5) -> int:
    return two_chains(n=n)
